// The sink of mqtk-sub: each message rendered by a MessageFormat into an
// OutputBuffer (standard output).
#pragma once

#include <memory>

#include "mqtk/base/output_buffer.hpp"
#include "mqtk/output/message_format.hpp"
#include "mqtk/output/message_sink.hpp"

namespace mqtk {

class FormattedOutput : public MessageSink {
 public:
  FormattedOutput(MessageFormat& format, OutputBuffer& out) : format_(format), out_(out) {}
  // The same, owning its format.
  FormattedOutput(std::unique_ptr<MessageFormat> format, OutputBuffer& out)
      : owned_(std::move(format)), format_(*owned_), out_(out) {}

  bool write(const Message& message) override {
    if (message.payload.size() >= kFramedPayloadBytes && format_.frame(message, frame_)) {
      out_.write_through([&](const auto& write) {
        write(frame_.before);
        write_encoded_payload(message.payload, frame_.encoding, write);
        write(frame_.after);
      });
      return true;
    }
    format_.render(message, out_.text());
    out_.end_message();
    return true;
  }
  void commit(bool) override { out_.flush(); }
  std::size_t uncommitted() const override { return out_.pending(); }
  int watched_fd() const override { return out_.fd(); }

 private:
  std::unique_ptr<MessageFormat> owned_;  // before format_, which may refer to it
  MessageFormat& format_;
  OutputBuffer& out_;
  PayloadFrame frame_;
};

}  // namespace mqtk
