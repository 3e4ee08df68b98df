#include "mqtk/top/payload_evaluation.hpp"

#include <ctime>

#include "mqtk/records/record_jq.hpp"
#include "mqtk/top/top_text.hpp"

namespace mqtk {
namespace {

// Nothing made anything of the payload: it shows as it came (not copied:
// the table keeps it), and is a number if it reads as one.
Evaluation as_it_came(const TopicStats& stats) {
  return Evaluation{.text = {}, .as_payload = true, .value = number_in(stats.payload)};
}

}  // namespace

PayloadEvaluation::PayloadEvaluation(DecoderChoice decoders, std::optional<JqProgram> jq, JqTextForm form,
                                     WarningCallback warn)
    : evaluating_(!decoders.empty() || jq.has_value()), form_(form), warnings_(warn) {
  if (!decoders.empty()) decoding_.emplace(std::make_shared<const DecoderChoice>(std::move(decoders)), warn);
  if (jq) jq_.emplace(std::move(*jq));
}

Evaluation PayloadEvaluation::evaluate(std::string_view topic, const TopicStats& stats) {
  if (!evaluating_) return as_it_came(stats);
  if (stats.payload.size() < stats.size) {
    // Cut, past the budget for payloads waiting to be evaluated: a decoder
    // would misread it, a jq program see broken JSON.
    warnings_.warn(std::string(topic) + ": the " + std::to_string(stats.size) +
                   "-byte payload came in a burst of large payloads and was cut to its first " +
                   std::to_string(stats.payload.size()) + " bytes; shown as it came, not evaluated");
    return as_it_came(stats);
  }
  Message message{.topic = topic, .payload = stats.payload, .qos = stats.qos, .retain = stats.retained};
  clock_gettime(CLOCK_REALTIME, &message.received);
  const nlohmann::json* decoded = decoding_ ? decoding_->decode(message) : nullptr;
  Evaluation shown;
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
  if (decoded == nullptr) return as_it_came(stats);
  shown.text = decoded->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (decoded->is_number()) shown.value = decoded->get<double>();
  return shown;
}

}  // namespace mqtk
