#include "mqtk/base/stderr_capture.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "mqtk/base/error.hpp"

namespace mqtk {

StderrCapture::StderrCapture() {
  int ends[2];
  // Non-blocking both ways: the reader never waits, and a writer facing a
  // full pipe loses its message rather than hanging the process.
  if (pipe2(ends, O_CLOEXEC | O_NONBLOCK) != 0) throw Error(std::string("pipe: ") + std::strerror(errno));
  read_end_.reset(ends[0]);
  Fd write_end(ends[1]);
  saved_.reset(fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3));
  if (saved_.get() < 0 || dup2(write_end.get(), STDERR_FILENO) < 0) {
    throw Error(std::string("cannot redirect standard error: ") + std::strerror(errno));
  }
}

StderrCapture::~StderrCapture() {
  take_lines();
  if (!partial_.empty()) recent_.push_back(partial_ + '\n');
  dup2(saved_.get(), STDERR_FILENO);
  for (const std::string& line : recent_) {
    ssize_t ignored = write(STDERR_FILENO, line.data(), line.size());
    (void)ignored;
  }
}

std::vector<std::string> StderrCapture::take_lines() {
  std::vector<std::string> lines;
  char buffer[4096];
  for (;;) {
    ssize_t n = read(read_end_.get(), buffer, sizeof buffer);
    if (n <= 0) break;
    partial_.append(buffer, static_cast<std::size_t>(n));
  }
  std::size_t start = 0;
  for (std::size_t end = partial_.find('\n'); end != std::string::npos; end = partial_.find('\n', start)) {
    lines.emplace_back(partial_, start, end - start);
    recent_.push_back(lines.back() + '\n');
    if (recent_.size() > kReplayed) recent_.pop_front();
    start = end + 1;
  }
  partial_.erase(0, start);
  return lines;
}

}  // namespace mqtk
