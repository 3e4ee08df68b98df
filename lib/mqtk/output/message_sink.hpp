// Where received messages go: standard output for mqtk-sub, files and
// databases for mqtk-record.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "mqtk/mqtt/message.hpp"

namespace mqtk {

// A sink's own end of the run: a --jq program called halt or halt_error.
struct SinkEnd {
  int exit_status = 0;
  std::string message;  // for standard error (halt_error's); empty: none
};

class MessageSink {
 public:
  virtual ~MessageSink() = default;
  // Returns whether the message was shown: false when a filter of the
  // sink's own (--jq) left nothing of it, so that -C does not count it. It
  // was handled either way (and is acknowledged).
  virtual bool write(const Message& message) = 0;
  // Writes out everything written so far. With `before_acknowledgements`
  // (acknowledgements are about to leave) it is also made as durable as the
  // sink's policy asks; otherwise syncing may wait a little. Throws when
  // anything could not be written (OutputClosed when the reader went away),
  // so that nothing is acknowledged.
  virtual void commit(bool before_acknowledgements) = 0;
  // Bytes written but not yet committed.
  virtual std::size_t uncommitted() const = 0;
  // False while the sink cannot take more messages (a full spool); the
  // broker keeps them meanwhile.
  virtual bool can_accept() const { return true; }
  // Set once the sink has ended the run (see SinkEnd): the tool stops
  // taking messages, as after -C's last.
  virtual std::optional<SinkEnd> ended() const { return std::nullopt; }
  // A descriptor whose error condition means the destination has gone away
  // (standard output's pipe); -1 when there is none.
  virtual int watched_fd() const { return -1; }
};

}  // namespace mqtk
