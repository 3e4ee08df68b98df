#include "mqtk/base/output_buffer.hpp"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "mqtk/base/error.hpp"

namespace mqtk {

OutputBuffer::OutputBuffer(int fd) : OutputBuffer(fd, isatty(fd) == 1) {}

OutputBuffer::OutputBuffer(int fd, bool interactive) : fd_(fd), interactive_(interactive) {
  text_.reserve(1 << 16);
}

OutputBuffer::~OutputBuffer() {
  try {
    flush();
  } catch (const Error&) {
    // The owner flushes explicitly to report errors; a destructor cannot.
  }
}

void OutputBuffer::end_message() {
  if (interactive_) flush();
}

void OutputBuffer::flush() {
  std::size_t done = 0;
  while (done < text_.size() && !closed_) {
    ssize_t n = write(fd_, text_.data() + done, text_.size() - done);
    if (n >= 0) {
      done += static_cast<std::size_t>(n);
    } else if (errno == EINTR) {
      continue;
    } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
      pollfd p{fd_, POLLOUT, 0};  // standard output may have been left non-blocking
      poll(&p, 1, -1);
    } else if (errno == EPIPE) {
      closed_ = true;
    } else {
      int saved = errno;
      text_.erase(0, done);
      throw Error(std::string("cannot write output: ") + std::strerror(saved));
    }
  }
  text_.clear();
}

}  // namespace mqtk
