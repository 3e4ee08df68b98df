#include "mqtk/base/output_buffer.hpp"

#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace mqtk {

OutputBuffer::OutputBuffer(int fd) : OutputBuffer(fd, isatty(fd) == 1) {}

OutputBuffer::OutputBuffer(int fd, bool interactive) : fd_(fd), interactive_(interactive) {
  text_.reserve(1 << 16);
  message_ends_.reserve(1024);
}

OutputBuffer::~OutputBuffer() {
  try {
    flush();
  } catch (const Error&) {
    // The owner flushes explicitly to report errors; a destructor cannot.
  }
}

void OutputBuffer::end_message() {
  message_ends_.push_back(text_.size());
  if (interactive_) flush();
}

void OutputBuffer::flush() {
  if (failed_) {
    text_.clear();
    message_ends_.clear();
    return;
  }
  std::size_t done = 0;
  while (done < text_.size()) {
    ssize_t n = write(fd_, text_.data() + done, text_.size() - done);
    if (n >= 0) {
      done += static_cast<std::size_t>(n);
    } else if (errno == EINTR) {
      continue;
    } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
      pollfd p{fd_, POLLOUT, 0};  // standard output may have been left non-blocking
      poll(&p, 1, -1);
    } else {
      fail(done, errno);
    }
  }
  messages_written_ += static_cast<long>(message_ends_.size());
  text_.clear();
  message_ends_.clear();
}

void OutputBuffer::fail(std::size_t done, int error) {
  failed_ = true;
  if (error == EPIPE) throw OutputClosed();
  std::string message = std::string("cannot write output: ") + std::strerror(error);
  // The bytes written past the last whole message are a torn message.
  auto whole = std::upper_bound(message_ends_.begin(), message_ends_.end(), done);
  std::size_t kept = whole == message_ends_.begin() ? 0 : *std::prev(whole);
  messages_written_ += whole - message_ends_.begin();
  std::size_t torn = done - kept;
  if (torn > 0) {
    struct stat info {};
    off_t end = lseek(fd_, 0, SEEK_CUR);
    bool cut = fstat(fd_, &info) == 0 && S_ISREG(info.st_mode) && end >= static_cast<off_t>(torn) &&
               ftruncate(fd_, end - static_cast<off_t>(torn)) == 0 &&
               lseek(fd_, end - static_cast<off_t>(torn), SEEK_SET) >= 0;
    message += cut ? "; the output ends with the last whole message (the one cut short was removed)"
                   : "; the last message written is incomplete";
  }
  throw Error(message);
}

}  // namespace mqtk
