// Messages as InfluxDB line protocol points, the way the seed's subscriber
// maps them (measurement = topic, time = receive time, fields = the JSON
// object) plus what users of such recorders ask for. One line per message:
//   measurement[,tag=value...] field=value[,...] timestamp_ns
// Also accepted by VictoriaMetrics, QuestDB, InfluxDB 2 and 3.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "mqtk/output/message_format.hpp"
#include "mqtk/mqtt/topic_pattern.hpp"

namespace mqtk {

enum class TimeUnit { kSeconds, kMilliseconds, kMicroseconds, kNanoseconds };

struct PointOptions {
  std::optional<std::string> measurement;  // fixed name; the topic when unset
  std::string topic_tag;                   // tag holding the whole topic; none when empty
  std::optional<TopicPattern> topic_tags;  // tags from topic levels
  bool integers = false;    // JSON integers as integers (123i); floats otherwise
  bool skip_text = false;   // drop non-JSON text instead of recording it as field "value"
  std::string time_field;   // take the time from this JSON field when present
  TimeUnit time_unit = TimeUnit::kSeconds;  // of a numeric time field
};

// Why messages became no point, counted.
struct PointSkips {
  long binary = 0;        // the payload is not UTF-8 text
  long text = 0;          // non-JSON text, with skip_text
  long no_fields = 0;     // empty payload, null, or an object with nothing to record
  long time_fallback = 0; // the time field was missing or unreadable: receive time used
  long total() const { return binary + text + no_fields; }
};

class LineProtocolFormat final : public MessageFormat {
 public:
  explicit LineProtocolFormat(PointOptions options) : options_(std::move(options)) {}
  // Appends one line, or nothing when the message makes no point.
  void render(const Message& message, std::string& out) override;
  const PointSkips& skips() const { return skips_; }

 private:
  std::int64_t receive_time(const Message& message);

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
