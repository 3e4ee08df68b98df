// Messages as InfluxDB line protocol points, the way a hand-written subscriber
// maps them (measurement = topic, time = receive time, fields = the JSON
// object) plus what users of such recorders ask for. One line per message:
//   measurement[,tag=value...] field=value[,...] timestamp_ns
// Also accepted by VictoriaMetrics, QuestDB, InfluxDB 2 and 3.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "mqtk/mqtt/topic_pattern.hpp"
#include "mqtk/output/message_format.hpp"
#include "mqtk/record/json_fields.hpp"

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
  long binary = 0;         // the payload is not UTF-8 text
  long text = 0;           // non-JSON text, with skip_text
  long no_fields = 0;      // empty payload, null, or an object with nothing to record
  long time_fallback = 0;  // the time field was missing or unreadable: receive time used
  long over_limit = 0;     // JSON deeper or wider than the limits: recorded as text in "value"
  long total() const { return binary + text + no_fields; }
};

class LineProtocolFormat final : public MessageFormat {
 public:
  explicit LineProtocolFormat(PointOptions options) : options_(std::move(options)) {}
  // Appends one line, or nothing when the message makes no point.
  void render(const Message& message, std::string& out) override;
  const PointSkips& skips() const { return skips_; }
  const PointOptions& options() const { return options_; }

 private:
  std::int64_t receive_time(const Message& message);
  // The measurement and tags: "name,tag=value".
  void append_series(std::string_view topic, std::string& out) const;

  PointOptions options_;
  PointSkips skips_;
  std::int64_t last_ns_ = 0;
};

// Escaping, exactly as InfluxDB's parser reads it back.
namespace line_protocol {
void append_measurement(std::string& out, std::string_view name);
// Tag keys, tag values and field keys.
void append_key(std::string& out, std::string_view name);
void append_string_value(std::string& out, std::string_view value);
// Shortest text that reads back as the same double.
void append_float(std::string& out, double value);
}  // namespace line_protocol

}  // namespace mqtk
