#include "mqtk/records/message_jq.hpp"

#include "mqtk/records/record_json.hpp"

namespace mqtk {

JqTextResult MessageJq::run(const Message& message) {
  const nlohmann::json* decoded = decoding_.decode(message);
  if (decoded != nullptr) {
    return program_.run_text(record_json(message, clock_.format(message.received), *decoded), form_);
  }
  record_text_.clear();
  record_.render(message, record_text_);
  return program_.run_text_parsing(record_text_, form_);
}

}  // namespace mqtk
