#include "mqtk/records/record_jq.hpp"

#include "mqtk/records/record_json.hpp"

namespace mqtk {

template <class Run, class RunParsing>
auto RecordJq::run_with(const Message& message, const nlohmann::json* decoded, Run run, RunParsing run_parsing) {
  if (decoded != nullptr) return run(record_json(message, clock_.format(message.received), *decoded));
  record_text_.clear();
  record_.render(message, record_text_);
  return run_parsing(record_text_);
}

JqTextResult RecordJq::run_text(const Message& message, const nlohmann::json* decoded, JqTextForm form) {
  return run_with(
      message, decoded, [&](const nlohmann::ordered_json& input) { return program_.run_text(input, form); },
      [&](std::string_view text) { return program_.run_text_parsing(text, form); });
}

const JqResult& RecordJq::take(const Message& message, const nlohmann::json* decoded) {
  result_ = run_with(
      message, decoded, [&](const nlohmann::ordered_json& input) { return program_.run(input); },
      [&](std::string_view text) { return program_.run_parsing(text); });
  return result_;
}

SinkEnd sink_end_of(const JqHalt& halt) {
  SinkEnd end{halt.exit_status, halt.message};
  if (!end.message.empty() && end.message.back() == '\n') end.message.pop_back();
  return end;
}

}  // namespace mqtk
