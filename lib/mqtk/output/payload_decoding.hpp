// --decode in mqtk-sub's and mqtk-rr's output: a message's payload as the
// JSON value the decoder chosen for its topic makes of it. A payload that
// does not decode is shown as it came, never dropped, and a warning names
// its topic and why (at a readable rate: a stream of them must not bury
// standard error).
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "mqtk/base/warning_callback.hpp"
#include "mqtk/base/warning_limiter.hpp"
#include "mqtk/mqtt/message.hpp"
#include "mqtk/payload/decoder_choice.hpp"
#include "mqtk/payload/json_text.hpp"

namespace mqtk {

class PayloadDecoding {
 public:
  // `warn` receives the warnings, worded for the user.
  PayloadDecoding(DecoderChoice decoders, WarningCallback warn)
      : decoders_(std::move(decoders)), warnings_(std::move(warn)) {}

  // Whether a decoder reads the payloads on `topic`.
  bool decodes(std::string_view topic) const { return decoders_.for_topic(topic) != nullptr; }

  // The value of `message`'s payload; nullptr when the payload stays as it
  // came (no decoder for its topic, or it did not decode). Valid until the
  // next call.
  const nlohmann::json* decode(const Message& message);

 private:
  DecoderChoice decoders_;
  WarningLimiter warnings_;
  Decoded decoded_;
};

}  // namespace mqtk
