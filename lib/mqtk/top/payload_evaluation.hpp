// What mqtk-top shows of a topic's last payload: the payload itself, the
// JSON --decode makes of it, or the outputs of the --jq program, as mqtk-sub
// prints them; and the number it is, if it is one (for the values'
// sparkline). Runs once a refresh for each topic that changed, not once a
// message: a busy topic costs one decoding a refresh, however fast it is.
#pragma once

#include <optional>
#include <string>

#include "mqtk/base/warning_limiter.hpp"
#include "mqtk/payload/payload_decoding.hpp"
#include "mqtk/records/record_jq.hpp"
#include "mqtk/top/topic_table.hpp"

namespace mqtk {

class PayloadEvaluation {
 public:
  // `jq` runs after the decoders when given; `warn` receives the warnings
  // about payloads that do not decode and jq errors (at a readable rate).
  PayloadEvaluation(DecoderChoice decoders, std::optional<JqProgram> jq, JqTextForm form, WarningCallback warn);

  // Whether payloads are shown as something else than themselves.
  bool evaluating() const { return evaluating_; }

  Evaluation evaluate(std::string_view topic, const TopicStats& stats);

 private:
  bool evaluating_;
  std::optional<PayloadDecoding> decoding_;  // with --decode
  std::optional<RecordJq> jq_;               // with --jq
  JqTextForm form_;
  WarningLimiter warnings_;
};

}  // namespace mqtk
