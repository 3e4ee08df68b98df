// Messages as InfluxDB line protocol points, the way a hand-written subscriber
// maps them (measurement = topic, time = receive time, fields = the JSON
// object) plus what users of such recorders ask for. One line per message:
//   measurement[,tag=value...] field=value[,...] timestamp_ns
// Also accepted by VictoriaMetrics, QuestDB, InfluxDB 2 and 3.
//
// With --decode the fields come from the decoded value, by the same rules
// as a JSON payload's (a payload that does not decode is taken as it is).
// A Sparkplug B payload makes one point per metric (sparkplug_metrics.hpp):
//   measurement[,tags],metric=NAME value=21.5 timestamp_ns
// the tag `metric` its name (its alias when it has none; it takes the
// place of a topic tag of that name), its value by the JSON rules under
// the name "value" (an array value_0, value_1, ...; a DataSet value_rows_0_0,
// ...; a Template value_metrics_0_value, ...), at the metric's timestamp,
// else the payload's, else the receive time. All metrics of a topic share
// the field names, and InfluxDB allows one type per field name in a
// measurement (an NBIRTH's Boolean "Node Control/Rebirth" beside its
// UInt64 "bdSeq" would be refused), so a field that is not a float has its
// type in its name: value_boolean=true, value_string="on", value_integer=3i
// (--integers), value_0_string=... A metric without a value (is_null) or
// without name and alias makes no point. A metric that carries only its
// alias is named by its node's or device's birth (sparkplug_aliases.hpp).
//
// With --jq (record_jq.hpp) each output of the program is a point, its
// fields taken from the output by the same JSON rules (a --time-field
// member its time); a message the program makes no output of makes no
// point. The measurement and the tags are the message's, as without.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "mqtk/mqtt/topic_pattern.hpp"
#include "mqtk/output/message_format.hpp"
#include "mqtk/payload/payload_decoding.hpp"
#include "mqtk/record/json_fields.hpp"
#include "mqtk/records/record_jq.hpp"

namespace mqtk {

struct PointOptions {
  std::optional<std::string> measurement;  // fixed name; the topic when unset
  std::string topic_tag;                   // tag holding the whole topic; none when empty
  std::optional<TopicPattern> topic_tags;  // tags from topic levels
  bool skip_text = false;                  // drop non-JSON text instead of recording it as field "value"
  JsonFieldOptions fields;                 // how JSON becomes fields: integers, time field, limits
};

// Why messages became no point, or a point of another kind, counted.
struct PointSkips {
  long binary = 0;                 // the payload is not UTF-8 text
  long text = 0;                   // non-JSON text, with skip_text
  long no_fields = 0;              // empty payload, null, or an object with nothing to record (a --jq output too)
  long time_fallback = 0;          // the time field was missing or unreadable: receive time used
  long over_limit = 0;             // JSON deeper or wider than the limits: recorded as text in "value"
  long metrics_without_point = 0;  // Sparkplug metrics without a value, or without name and alias
  long total() const { return binary + text + no_fields; }
};

class LineProtocolFormat final : public MessageFormat {
 public:
  // With `decoding`, the fields come from decoded payloads; with `jq`, from
  // the program's outputs (see above).
  explicit LineProtocolFormat(PointOptions options, const PayloadDecoding* decoding = nullptr,
                              const RecordJq* jq = nullptr);
  // Appends one line (one per metric for Sparkplug), or nothing when the
  // message makes no point.
  void render(const Message& message, std::string& out) override;
  const PointSkips& skips() const { return skips_; }
  const PointOptions& options() const { return options_; }

 private:
  using Tag = std::pair<std::string_view, std::string_view>;
  std::int64_t receive_time(const Message& message);
  // The point of a payload read as JSON, its text `json` (the payload, or
  // the decoded value's).
  void render_json(const Message& message, std::string_view json, std::string& out);
  void render_sparkplug(const Message& message, const nlohmann::json& payload, std::string& out);
  // The measurement and tags: "name,tag=value"; `extra` replaces a topic
  // tag of its name.
  void append_series(std::string_view topic, std::string& out, std::optional<Tag> extra = std::nullopt) const;

  PointOptions options_;
  JsonFieldOptions metric_fields_;  // a Sparkplug metric's: no time field
  const PayloadDecoding* decoding_;
  const RecordJq* jq_;
  PointSkips skips_;
  std::int64_t last_ns_ = 0;
};

// Escaping, exactly as InfluxDB's parser reads it back.
namespace line_protocol {
void append_measurement(std::string& out, std::string_view name);
// Tag keys, tag values and field keys.
void append_key(std::string& out, std::string_view name);
void append_string_value(std::string& out, std::string_view value);
// The digits of an integer: a timestamp (an integer field adds 'i').
void append_integer(std::string& out, std::int64_t value);
// Shortest text that reads back as the same double.
void append_float(std::string& out, double value);
}  // namespace line_protocol

}  // namespace mqtk
