#include "mqtk/top/payload_evaluation.hpp"

#include <ctime>

#include "mqtk/records/record_jq.hpp"
#include "mqtk/top/top_text.hpp"

namespace mqtk {

PayloadEvaluation::PayloadEvaluation(DecoderChoice decoders, std::optional<JqProgram> jq, JqTextForm form,
                                     WarningCallback warn)
    : evaluating_(!decoders.empty() || jq.has_value()), form_(form), warnings_(warn) {
  if (!decoders.empty()) decoding_.emplace(std::make_shared<const DecoderChoice>(std::move(decoders)), warn);
  if (jq) jq_.emplace(std::move(*jq));
}

Evaluation PayloadEvaluation::evaluate(std::string_view topic, const TopicStats& stats) {
  Evaluation shown;
  if (!evaluating_) {
    shown.as_payload = true;  // not copied: the table keeps the payload
    shown.value = number_in(stats.payload);
    return shown;
  }
  if (stats.payload.size() < stats.size) {
    // Cut, past the budget for payloads waiting to be evaluated: a decoder
    // would misread it, a jq program see broken JSON.
    warnings_.warn(std::string(topic) + ": the " + std::to_string(stats.size) +
                   "-byte payload came in a burst of large payloads and was cut to its first " +
                   std::to_string(stats.payload.size()) + " bytes; shown as it came, not evaluated");
    shown.as_payload = true;
    shown.value = number_in(stats.payload);
    return shown;
  }
  Message message{.topic = topic, .payload = stats.payload, .qos = stats.qos, .retain = stats.retained};
  clock_gettime(CLOCK_REALTIME, &message.received);
  const nlohmann::json* decoded = decoding_ ? decoding_->decode(message) : nullptr;
  if (jq_) {
    JqTextResult result = jq_->run_text(message, decoded, form_);
    for (const std::string& output : result.outputs) {
      if (!shown.text.empty()) shown.text += ' ';
      shown.text += output;
    }
    if (result.outputs.size() == 1) shown.value = number_in(result.outputs.front());
    if (!result.failure.empty()) warnings_.warn(std::string(topic) + ": " + result.failure);
    // A halt ends the other tools' runs; the view goes on, saying the error
    // the program halted with (halt_error).
    if (result.halt) {
      SinkEnd end = sink_end_of(*result.halt);
      if (end.exit_status != 0 || !end.message.empty()) {
        warnings_.warn(std::string(topic) + ": jq halted with exit status " + std::to_string(end.exit_status) +
                       (end.message.empty() ? "" : ": " + end.message));
      }
    }
    return shown;
  }
  if (decoded == nullptr) {
    shown.as_payload = true;
    shown.value = number_in(stats.payload);
  } else {
    shown.text = decoded->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    if (decoded->is_number()) shown.value = decoded->get<double>();
  }
  return shown;
}

}  // namespace mqtk
