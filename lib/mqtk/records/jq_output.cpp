#include "mqtk/records/jq_output.hpp"

#include "mqtk/records/record_json.hpp"

namespace mqtk {

bool JqOutput::write(const Message& message) {
  const nlohmann::json* decoded = decoding_.decode(message);
  JqTextResult result;
  if (decoded != nullptr) {
    result = program_.run_text(record_json(message, clock_.format(message.received), *decoded), form_);
  } else {
    record_text_.clear();
    record_.render(message, record_text_);
    result = program_.run_text_parsing(record_text_, form_);
  }
  for (const std::string& output : result.outputs) {
    out_.append(output);
    out_.put('\n');
  }
  if (!result.outputs.empty()) out_.end_message();
  if (!result.failure.empty()) warnings_.warn(std::string(message.topic) + ": " + result.failure);
  return !result.outputs.empty();
}

}  // namespace mqtk
