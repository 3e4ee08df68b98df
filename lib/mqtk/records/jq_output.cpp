#include "mqtk/records/jq_output.hpp"

namespace mqtk {

bool JqOutput::write(const Message& message) {
  JqTextResult result = program_.run_text(message, decoding_.decode(message), form_);
  for (const std::string& output : result.outputs) {
    out_.append(output);
    out_.put('\n');
  }
  if (!result.outputs.empty()) out_.end_message();
  if (!result.failure.empty()) warnings_.warn(std::string(message.topic) + ": " + result.failure);
  if (result.halt && !ended_) ended_ = sink_end_of(*result.halt);
  return !result.outputs.empty();
}

}  // namespace mqtk
