#include "mqtk/base/standard_streams.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "mqtk/base/error.hpp"

namespace mqtk {

StandardStreams StandardStreams::reserve() {
  StandardStreams streams;
  for (int fd = 0; fd <= 2; ++fd) {
    if (fcntl(fd, F_GETFD) != -1 || errno != EBADF) continue;
    // open() returns the lowest free number, which is this one.
    int null = open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
    if (null != fd) {
      int saved = errno;
      if (null >= 0) close(null);
      throw Error(std::string("descriptor ") + std::to_string(fd) + " is closed and /dev/null cannot take its place: " +
                  std::strerror(null < 0 ? saved : EBADF));
    }
    streams.closed_[static_cast<std::size_t>(fd)] = true;
  }
  return streams;
}

void StandardStreams::require(int fd, std::string_view why) const {
  if (!was_closed(fd)) return;
  static constexpr const char* kNames[] = {"standard input", "standard output", "standard error"};
  throw Error(std::string(kNames[fd]) + " is closed; " + std::string(why));
}

}  // namespace mqtk
