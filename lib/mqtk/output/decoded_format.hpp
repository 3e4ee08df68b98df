// --decode under any of mqtk-sub's formats: the format is handed the message
// with the decoded value's JSON text (compact) as its payload, so every
// format shows the decoded JSON as it shows a JSON payload: the plain output
// and -v print the text, -F %p too, %j it as a string, %J and --json as JSON,
// --csv as a json field. Messages no decoder reads, and payloads that do not
// decode, reach the format as they came.
#pragma once

#include <memory>
#include <string>

#include "mqtk/output/message_format.hpp"
#include "mqtk/payload/payload_decoding.hpp"

namespace mqtk {

class DecodedFormat final : public MessageFormat {
 public:
  DecodedFormat(std::unique_ptr<MessageFormat> format, PayloadDecoding decoding)
      : format_(std::move(format)), decoding_(std::move(decoding)) {}

  void render(const Message& message, std::string& out) override;
  // A large payload a decoder reads is rendered, decoded, into memory (the
  // value and its text are whole in memory anyway); others are framed as
  // the format frames them.
  bool frame(const Message& message, PayloadFrame& frame) override;

 private:
  std::unique_ptr<MessageFormat> format_;
  PayloadDecoding decoding_;
  std::string text_;  // the decoded payload's text, reused
};

}  // namespace mqtk
