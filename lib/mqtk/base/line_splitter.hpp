// Splits a byte stream into lines for mqtk-pub -l: each '\n' ends a message
// (a '\r' before it is kept, as mosquitto_pub keeps it), and text after the
// last '\n' becomes a message when the input ends.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mqtk {

class LineSplitter {
 public:
  void feed(std::string_view bytes);
  // The input has ended.
  void finish() { ended_ = true; }
  // The next line without its '\n'; the view is valid until the next call.
  std::optional<std::string_view> next();
  // A complete line is waiting.
  bool has_line() const;
  // The input has ended and every line has been taken.
  bool exhausted() const { return ended_ && start_ >= buffer_.size(); }

 private:
  std::string buffer_;
  std::size_t start_ = 0;    // first byte not yet returned
  std::size_t scanned_ = 0;  // bytes before this hold no '\n' at or after start_
  bool ended_ = false;
};

}  // namespace mqtk
