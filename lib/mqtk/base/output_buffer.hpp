// Buffered output to a file descriptor (standard output for mqtk-sub).
//
// On a terminal every message is written as soon as it is complete. On a
// pipe or file, output collects in memory and the caller flushes it when the
// connection goes idle or before acknowledging messages, so a busy stream
// costs one write per burst rather than one per message.
#pragma once

#include <string>
#include <string_view>

namespace mqtk {

class OutputBuffer {
 public:
  explicit OutputBuffer(int fd);
  // Output is interactive (a terminal): flush after every message.
  OutputBuffer(int fd, bool interactive);
  ~OutputBuffer();
  OutputBuffer(const OutputBuffer&) = delete;
  OutputBuffer& operator=(const OutputBuffer&) = delete;

  // Direct access for formatters that append in place.
  std::string& text() { return text_; }
  void append(std::string_view bytes) { text_.append(bytes); }
  void put(char c) { text_.push_back(c); }

  // One message is complete; written at once when interactive.
  void end_message();
  // Writes everything buffered, waiting for a slow reader. A reader that has
  // gone away sets closed(); other failures throw Error.
  void flush();

  bool interactive() const { return interactive_; }
  bool closed() const { return closed_; }
  std::size_t pending() const { return text_.size(); }
  int fd() const { return fd_; }

 private:
  int fd_;
  bool interactive_;
  bool closed_ = false;
  std::string text_;
};

}  // namespace mqtk
