// --decode in mqtk's records: what the payload of the message being
// recorded decodes to, kept beside its exact bytes (record_formats.hpp) and
// made into points (line_protocol.hpp). Unlike mqtk-sub's PayloadDecoding,
// which shows a decoded payload in place of the bytes, a recording keeps
// why a payload did not decode, counts the failures for its status line,
// and decodes each message once however many formats record it (a .jsonl
// file and InfluxDB): the recording hands each message to take() before its
// formats render it, and the formats ask decoded().
#pragma once

#include <memory>

#include "mqtk/base/warning_callback.hpp"
#include "mqtk/base/warning_limiter.hpp"
#include "mqtk/mqtt/message.hpp"
#include "mqtk/payload/decoder_choice.hpp"

namespace mqtk {

class RecordDecoding {
 public:
  // `warn` is told of payloads that do not decode (topic, decoder, reason),
  // at a readable rate (WarningLimiter).
  RecordDecoding(std::shared_ptr<const DecoderChoice> choice, WarningCallback warn);

  // Decodes `message`'s payload when a --decode value names a decoder for
  // its topic. Never throws for a payload.
  void take(const Message& message);
  // What the message taken last decoded to (or why it did not); nullptr
  // when no decoder is chosen for its topic.
  const Decoded* decoded() const { return decoder_ ? &decoded_ : nullptr; }
  // Whether that was --decode sparkplug: the value has the shape of
  // sparkplug_decoder.hpp.
  bool sparkplug() const { return sparkplug_; }
  // Payloads that did not decode.
  long failures() const { return failures_; }

 private:
  std::shared_ptr<const DecoderChoice> choice_;
  WarningLimiter warnings_;
  const PayloadDecoder* decoder_ = nullptr;  // of the message taken last
  bool sparkplug_ = false;
  Decoded decoded_;
  long failures_ = 0;
};

}  // namespace mqtk
