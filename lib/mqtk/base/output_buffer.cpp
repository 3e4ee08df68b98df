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
  // Room for the 64 KiB mqtk-sub collects before it commits (client/subscriber)
  // and the message that crosses that mark: a buffer that grows is copied
  // into one twice its size (with 1 KB messages, 140 KB more peak memory).
  // Only the pages written are ever in memory.
  text_.reserve(1 << 17);
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
  if (int error = write_all(text_, 0); error != 0) {
    // The bytes written past the last whole message are a torn message.
    std::size_t done = written_before_error_;
    auto whole = std::upper_bound(message_ends_.begin(), message_ends_.end(), done);
    std::size_t kept = whole == message_ends_.begin() ? 0 : *std::prev(whole);
    messages_written_ += whole - message_ends_.begin();
    fail(done - kept, error);
  }
  messages_written_ += static_cast<long>(message_ends_.size());
  text_.clear();
  message_ends_.clear();
  // A buffer a huge message grew is given back.
  if (text_.capacity() > kKeptCapacity) {
    text_.shrink_to_fit();
    text_.reserve(kKeptCapacity);
  }
}

void OutputBuffer::write_through(const std::function<void(const std::function<void(std::string_view)>&)>& message) {
  flush();
  std::size_t written = 0;
  message([&](std::string_view bytes) {
    if (int error = write_all(bytes, written); error != 0) fail(written_before_error_, error);
    written += bytes.size();
  });
  ++messages_written_;
}

// Writes `bytes`, waiting for a slow reader; 0, or the errno of a failure
// with written_before_error_ set to `already` plus what got out of `bytes`.
int OutputBuffer::write_all(std::string_view bytes, std::size_t already) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = write(fd_, bytes.data() + done, bytes.size() - done);
    if (n >= 0) {
      done += static_cast<std::size_t>(n);
    } else if (errno == EINTR) {
      continue;
    } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
      pollfd p{fd_, POLLOUT, 0};  // standard output may have been left non-blocking
      poll(&p, 1, -1);
    } else {
      written_before_error_ = already + done;
      return errno;
    }
  }
  return 0;
}

// A write failed with `torn` bytes of an unfinished message out.
void OutputBuffer::fail(std::size_t torn, int error) {
  failed_ = true;
  if (error == EPIPE) throw OutputClosed();
  std::string message = std::string("cannot write output: ") + std::strerror(error);
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
