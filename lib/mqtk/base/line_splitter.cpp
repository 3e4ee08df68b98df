#include "mqtk/base/line_splitter.hpp"

#include <algorithm>

namespace mqtk {

void LineSplitter::feed(std::string_view bytes) {
  // Drop what has been handed out once it is most of the buffer, so a long
  // stream does not grow it.
  if (start_ > 0 && start_ >= buffer_.size() / 2) {
    buffer_.erase(0, start_);
    scanned_ -= start_;
    start_ = 0;
  }
  buffer_.append(bytes);
}

bool LineSplitter::has_line() const {
  return buffer_.find('\n', std::max(start_, scanned_)) != std::string::npos || (ended_ && start_ < buffer_.size());
}

std::optional<std::string_view> LineSplitter::next() {
  std::size_t newline = buffer_.find('\n', std::max(start_, scanned_));
  if (newline == std::string::npos) {
    scanned_ = buffer_.size();
    if (!ended_ || start_ >= buffer_.size()) return std::nullopt;
    newline = buffer_.size();  // the unterminated last line
  }
  std::string_view line(buffer_.data() + start_, newline - start_);
  start_ = std::min(newline + 1, buffer_.size());
  scanned_ = start_;
  return line;
}

}  // namespace mqtk
