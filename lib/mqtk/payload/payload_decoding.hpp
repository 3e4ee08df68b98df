// --decode at work: what the payload of the message at hand decodes to,
// by the decoder chosen for its topic (decoder_choice.hpp). One per tool:
// mqtk-sub and mqtk-rr show the decoded value in place of the bytes
// (decoded_format.hpp, jq_output.hpp); mqtk-record keeps it beside the
// bytes and makes points of it, decoding each message once however many
// formats record it (take() before the formats render, decoded() in them).
//
// A payload that does not decode is kept as it came, never dropped: the
// failure says why (a record keeps it), it is counted, and a warning names
// the topic, the decoder and the reason, at a readable rate
// (WarningLimiter: a stream of them must not bury standard error).
//
// Sparkplug B data messages usually name their metrics by alias only: the
// names their node's and device's births gave are filled in
// (sparkplug_aliases.hpp), which is why decoding keeps state across
// messages.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "mqtk/base/warning_callback.hpp"
#include "mqtk/base/warning_limiter.hpp"
#include "mqtk/mqtt/message.hpp"
#include "mqtk/payload/decoder_choice.hpp"
#include "mqtk/payload/json_text.hpp"
#include "mqtk/payload/sparkplug_aliases.hpp"

namespace mqtk {

class PayloadDecoding {
 public:
  // What becomes of a payload that does not decode, for the warning:
  // "shown" (mqtk-sub, mqtk-rr) or "recorded" (mqtk-record).
  enum class Kept { kShown, kRecorded };

  // `warn` receives the warnings, worded for the user.
  PayloadDecoding(std::shared_ptr<const DecoderChoice> decoders, WarningCallback warn, Kept kept = Kept::kShown);

  // Whether a decoder reads the payloads on `topic`.
  bool decodes(std::string_view topic) const { return decoders_->for_topic(topic) != nullptr; }

  // Decodes `message`'s payload when a decoder is chosen for its topic, and
  // returns what decoded() then does. Never throws for a payload.
  const Decoded* take(const Message& message);
  // What the message taken last decoded to (or why it did not); nullptr
  // when no decoder is chosen for its topic. Valid until the next take().
  const Decoded* decoded() const { return decoder_ ? &decoded_ : nullptr; }
  // take(), for a caller that wants only a value: nullptr when the payload
  // stays as it came (no decoder for its topic, or it did not decode).
  const nlohmann::json* decode(const Message& message) {
    const Decoded* decoded = take(message);
    return decoded && decoded->ok() ? &decoded->value : nullptr;
  }
  // Whether the message taken last was read by --decode sparkplug: the
  // value has the shape of sparkplug_decoder.hpp.
  bool sparkplug() const { return sparkplug_; }
  // Payloads that did not decode.
  long failures() const { return failures_; }

 private:
  std::shared_ptr<const DecoderChoice> decoders_;
  WarningLimiter warnings_;
  Kept kept_;
  const PayloadDecoder* decoder_ = nullptr;  // of the message taken last
  bool sparkplug_ = false;
  Decoded decoded_;
  long failures_ = 0;
  SparkplugAliases aliases_;
};

}  // namespace mqtk
