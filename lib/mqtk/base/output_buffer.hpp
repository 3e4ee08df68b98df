// Buffered output to a file descriptor (standard output for mqtk-sub and
// mqtk-record -o -).
//
// On a terminal every message is written as soon as it is complete. On a
// pipe or file, output collects in memory and the caller flushes it when the
// connection goes idle or before acknowledging messages, so a busy stream
// costs one write per burst rather than one per message.
//
// A flush either writes everything or throws: the caller acknowledges
// messages only after a flush returned, so a failed write never leads to an
// acknowledgement (see mqtk/mqtt/session.hpp).
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "mqtk/base/error.hpp"

namespace mqtk {

// The reader of the output went away (EPIPE): the run ends quietly with
// kExitBrokenPipe, as if killed by SIGPIPE.
class OutputClosed : public Error {
 public:
  OutputClosed() : Error("standard output was closed by its reader", kExitBrokenPipe) {}
};

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
  // Writes everything buffered, waiting for a slow reader. Throws
  // OutputClosed when the reader has gone away, Error for other failures
  // (a full disk). After a failure part-way through a message, a regular
  // file is cut back to the end of the last whole message.
  void flush();
  // One message written straight to the descriptor, after what is
  // buffered: `message` hands its pieces to the writer it is given (a large
  // payload is not copied into the buffer). Fails as flush() does.
  void write_through(const std::function<void(const std::function<void(std::string_view)>&)>& message);

  bool interactive() const { return interactive_; }
  std::size_t pending() const { return text_.size(); }
  int fd() const { return fd_; }
  // Messages handed to the descriptor by successful flushes.
  long messages_written() const { return messages_written_; }

 private:
  int write_all(std::string_view bytes, std::size_t already);
  [[noreturn]] void fail(std::size_t torn, int error);

  // What the buffer keeps of its capacity after a flush: enough for a stream
  // of large messages (giving it back at every flush cost a fresh allocation,
  // and fresh pages, for each: with 64 KiB payloads that was 10x
  // mosquitto_sub's CPU), not what one huge message grew it to.
  static constexpr std::size_t kKeptCapacity = 1 << 20;

  int fd_;
  bool interactive_;
  bool failed_ = false;  // nothing more is written after a failure
  std::string text_;
  // Where each complete message of text_ ends, to cut a torn one back.
  std::vector<std::size_t> message_ends_;
  long messages_written_ = 0;
  std::size_t written_before_error_ = 0;
};

}  // namespace mqtk
