#include "mqtk/output/decoded_format.hpp"

namespace mqtk {

void DecodedFormat::render(const Message& message, std::string& out) {
  const nlohmann::json* value = decoding_.decode(message);
  if (value == nullptr) {
    format_->render(message, out);
    return;
  }
  text_.clear();
  append_json_text(*value, text_);
  Message decoded = message;
  decoded.payload = text_;
  format_->render(decoded, out);
}

bool DecodedFormat::frame(const Message& message, PayloadFrame& frame) {
  return !decoding_.decodes(message.topic) && format_->frame(message, frame);
}

}  // namespace mqtk
