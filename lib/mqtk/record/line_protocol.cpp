#include "mqtk/record/line_protocol.hpp"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <vector>

#include "mqtk/base/payload_encoding.hpp"
#include "mqtk/base/rfc3339.hpp"
#include "mqtk/payload/json_text.hpp"
#include "mqtk/record/sparkplug_metrics.hpp"

namespace mqtk {
namespace line_protocol {
namespace {

// Names (measurement, keys, tag values): `special` is escaped with '\'. A
// backslash right before a special character or at the end would escape the
// separator that follows, so it is doubled. Newline, carriage return and tab
// cannot be escaped at all: they are written as the text \n, \r, \t.
void append_name(std::string& out, std::string_view name, std::string_view special) {
  // Most names need no escaping: they go in whole (a character at a time
  // was a tenth of mqtk-record's time with small JSON payloads).
  auto may_need_escaping = [](char c) {
    return static_cast<unsigned char>(c) <= ' ' || c == ',' || c == '=' || c == '\\';
  };
  if (std::none_of(name.begin(), name.end(), may_need_escaping)) {
    out.append(name);
    return;
  }
  for (std::size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    if (c == '\n') {
      out.append("\\n");
    } else if (c == '\r') {
      out.append("\\r");
    } else if (c == '\t') {
      out.append("\\t");
    } else if (special.find(c) != std::string_view::npos) {
      out.push_back('\\');
      out.push_back(c);
    } else if (c == '\\' && (i + 1 == name.size() || special.find(name[i + 1]) != std::string_view::npos)) {
      out.append("\\\\");
    } else {
      out.push_back(c);
    }
  }
}

}  // namespace

void append_measurement(std::string& out, std::string_view name) { append_name(out, name, ", "); }

void append_key(std::string& out, std::string_view name) { append_name(out, name, ",= "); }

void append_string_value(std::string& out, std::string_view value) {
  out.push_back('"');
  // The runs between the characters to escape go in whole, each found by
  // memchr: a character at a time was a third of mqtk-record's time with
  // kilobyte payloads.
  auto next = [&](char c, std::size_t from) {
    if (from >= value.size()) return std::string_view::npos;
    const void* found = std::memchr(value.data() + from, c, value.size() - from);
    return found ? static_cast<std::size_t>(static_cast<const char*>(found) - value.data()) : std::string_view::npos;
  };
  std::size_t quote = next('"', 0);
  std::size_t backslash = next('\\', 0);
  std::size_t newline = next('\n', 0);
  std::size_t run = 0;
  for (std::size_t at; (at = std::min({quote, backslash, newline})) != std::string_view::npos;) {
    out.append(value.substr(run, at - run));
    run = at + 1;
    if (at == quote) {
      out.append("\\\"");
      quote = next('"', run);
    } else if (at == backslash) {
      out.append("\\\\");
      backslash = next('\\', run);
    } else {
      out.append("\\n");  // a raw newline would end the line
      newline = next('\n', run);
    }
  }
  out.append(value.substr(run));
  out.push_back('"');
}

void append_integer(std::string& out, std::int64_t value) {
  char digits[24];
  auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
  out.append(digits, end);
}

void append_float(std::string& out, double value) {
  char text[32];
  auto end = std::to_chars(text, text + sizeof text, value).ptr;
  out.append(text, end);
}

}  // namespace line_protocol

std::int64_t LineProtocolFormat::receive_time(const Message& message) {
  // Strictly increasing, so two messages never share a series and a time
  // (InfluxDB would keep only the second).
  std::int64_t ns = static_cast<std::int64_t>(message.received.tv_sec) * 1000000000 + message.received.tv_nsec;
  last_ns_ = std::max(ns, last_ns_ + 1);
  return last_ns_;
}

LineProtocolFormat::LineProtocolFormat(PointOptions options, const PayloadDecoding* decoding, const RecordJq* jq)
    : options_(std::move(options)), metric_fields_(options_.fields), decoding_(decoding), jq_(jq) {
  metric_fields_.time_field.clear();
  metric_fields_.type_in_name = true;  // every metric's value is "value": a string one is "value_string"
}

void LineProtocolFormat::render(const Message& message, std::string& out) {
  if (jq_) {
    std::string text;
    for (const nlohmann::ordered_json& output : jq_->result().outputs) {
      text.clear();
      append_json_text(output, text);
      render_json(message, text, out);
    }
    return;
  }
  const Decoded* decoded = decoding_ ? decoding_->decoded() : nullptr;
  if (decoded == nullptr || !decoded->ok()) {
    render_json(message, message.payload, out);
  } else if (decoding_->sparkplug()) {
    render_sparkplug(message, decoded->value, out);
  } else {
    std::string text;
    append_json_text(decoded->value, text);
    render_json(message, text, out);
  }
}

void LineProtocolFormat::render_json(const Message& message, std::string_view json, std::string& out) {
  std::size_t mark = out.size();
  append_series(message.topic, out);
  JsonFields fields = append_json_fields(out, json, options_.fields);
  if (fields.outcome == JsonFields::Outcome::kFields && fields.top_level_object &&
      !options_.fields.time_field.empty() && !fields.time) {
    ++skips_.time_fallback;
  }
  if (fields.outcome != JsonFields::Outcome::kFields) {
    // Not JSON, or JSON beyond the limits: the payload as text, if it is text.
    if (!is_utf8(json)) {
      ++skips_.binary;
      out.resize(mark);
      return;
    }
    bool over_limit = fields.outcome == JsonFields::Outcome::kOverLimit;
    if ((options_.skip_text && !over_limit) || json.empty()) {
      ++(json.empty() ? skips_.no_fields : skips_.text);
      out.resize(mark);
      return;
    }
    if (over_limit) ++skips_.over_limit;
    out.append(" value=");
    line_protocol::append_string_value(out, json);
  } else if (fields.count == 0) {
    ++skips_.no_fields;
    out.resize(mark);
    return;
  }
  out.push_back(' ');
  line_protocol::append_integer(out, fields.time ? *fields.time : receive_time(message));
  out.push_back('\n');
}

void LineProtocolFormat::render_sparkplug(const Message& message, const nlohmann::json& payload, std::string& out) {
  std::int64_t received = receive_time(message);  // one for all its metrics: they are different series
  int points = 0;
  for (const SparkplugMetric& metric : sparkplug_metrics(payload)) {
    if (metric.value == nullptr || metric.name.empty()) {
      ++skips_.metrics_without_point;
      continue;
    }
    std::size_t mark = out.size();
    append_series(message.topic, out, Tag("metric", metric.name));
    // Under the name "value" however deep it is: {"value":...}.
    std::string value;
    append_json_text(*metric.value, value);
    JsonFields fields = append_json_fields(out, std::string("{\"value\":").append(value).append("}"), metric_fields_);
    if (fields.outcome != JsonFields::Outcome::kFields) {
      ++skips_.over_limit;
      out.append(" value_string=");
      line_protocol::append_string_value(out, value);
    } else if (fields.count == 0) {  // an empty array or DataSet
      ++skips_.metrics_without_point;
      out.resize(mark);
      continue;
    }
    out.push_back(' ');
    line_protocol::append_integer(out, metric.time.value_or(received));
    out.push_back('\n');
    ++points;
  }
  if (points == 0) ++skips_.no_fields;
}

void LineProtocolFormat::append_series(std::string_view topic, std::string& out, std::optional<Tag> extra) const {
  line_protocol::append_measurement(out, options_.measurement ? std::string_view(*options_.measurement) : topic);
  std::vector<Tag> tags;
  if (!options_.topic_tag.empty()) tags.emplace_back(options_.topic_tag, topic);
  if (options_.topic_tags) {
    if (auto named = options_.topic_tags->match(topic)) tags.insert(tags.end(), named->begin(), named->end());
  }
  if (extra) {
    std::erase_if(tags, [&](const Tag& tag) { return tag.first == extra->first; });
    tags.push_back(*extra);
  }
  std::sort(tags.begin(), tags.end());
  for (const auto& [key, tag_value] : tags) {
    if (tag_value.empty()) continue;  // InfluxDB has no empty tag values
    out.push_back(',');
    line_protocol::append_key(out, key);
    out.push_back('=');
    line_protocol::append_key(out, tag_value);
  }
}

}  // namespace mqtk
