#include "mqtk/base/whole_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "mqtk/base/error.hpp"
#include "mqtk/base/fd.hpp"

namespace mqtk {

std::string read_whole(int fd, const std::string& what, std::size_t max_bytes) {
  std::string content;
  // A regular file's size is known: one allocation instead of doubling,
  // which matters for a payload of hundreds of megabytes.
  struct stat info {};
  if (fstat(fd, &info) == 0 && S_ISREG(info.st_mode) && info.st_size > 0) {
    content.reserve(std::min(static_cast<std::size_t>(info.st_size), max_bytes) + 1);
  }
  char buffer[1 << 16];
  while (true) {
    ssize_t n = read(fd, buffer, sizeof buffer);
    if (n == 0) return content;
    if (n < 0) {
      if (errno == EINTR) continue;
      throw Error(what + ": cannot read: " + std::strerror(errno));
    }
    if (content.size() + static_cast<std::size_t>(n) > max_bytes) {
      throw UsageError(what + ": longer than the limit of " + std::to_string(max_bytes) + " bytes");
    }
    content.append(buffer, static_cast<std::size_t>(n));
  }
}

std::optional<std::string> read_whole_file(const std::string& path, const std::string& what, std::size_t max_bytes,
                                           bool missing_ok) {
  Fd file(open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!file.valid()) {
    if (missing_ok && errno == ENOENT) return std::nullopt;
    throw Error(what + ": cannot open: " + std::strerror(errno));
  }
  return read_whole(file.get(), what, max_bytes);
}

}  // namespace mqtk
