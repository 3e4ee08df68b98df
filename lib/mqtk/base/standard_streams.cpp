#include "mqtk/base/standard_streams.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "mqtk/base/error.hpp"
#include "mqtk/base/fd.hpp"

namespace mqtk {

StandardStreams StandardStreams::reserve() {
  StandardStreams streams;
  for (int fd = 0; fd <= 2; ++fd) {
    if (fcntl(fd, F_GETFD) != -1 || errno != EBADF) continue;
    // open() returns the lowest free number, which is this one.
    Fd null(open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY));
    if (null.get() != fd) {
      int error = null.valid() ? EBADF : errno;
      throw Error(std::string("descriptor ") + std::to_string(fd) +
                  " is closed and /dev/null cannot take its place: " + std::strerror(error));
    }
    null.release();  // it is descriptor `fd` now, open for the rest of the run
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
