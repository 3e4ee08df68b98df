#include "mqtk/record/line_protocol.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <vector>

#include "mqtk/base/payload_encoding.hpp"
#include "mqtk/base/rfc3339.hpp"

namespace mqtk {
namespace line_protocol {
namespace {

// Names (measurement, keys, tag values): `special` is escaped with '\'. A
// backslash right before a special character or at the end would escape the
// separator that follows, so it is doubled. Newline, carriage return and tab
// cannot be escaped at all: they are written as the text \n, \r, \t.
void append_name(std::string& out, std::string_view name, std::string_view special) {
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
  for (char c : value) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (c == '\n') {
      out.append("\\n");  // a raw newline would end the line
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
}

void append_float(std::string& out, double value) {
  char text[32];
  auto end = std::to_chars(text, text + sizeof text, value).ptr;
  out.append(text, end);
}

}  // namespace line_protocol

namespace {

// Ordered, so fields come in the payload's order.
using Json = nlohmann::ordered_json;

// Collects fields from a JSON value; keys are joined with '_' and array
// elements indexed, as Telegraf's JSON parser flattens them.
class FieldWriter {
 public:
  FieldWriter(std::string& out, bool integers) : out_(out), integers_(integers) {}

  void add(const std::string& name, const Json& value) {
    switch (value.type()) {
      case Json::value_t::object:
        for (const auto& [key, child] : value.items()) add(name.empty() ? key : name + "_" + key, child);
        break;
      case Json::value_t::array:
        for (std::size_t i = 0; i < value.size(); ++i) add(name + "_" + std::to_string(i), value[i]);
        break;
      case Json::value_t::null:
      case Json::value_t::discarded:
      case Json::value_t::binary:
        break;
      case Json::value_t::boolean:
        key(name);
        out_.append(value.get<bool>() ? "true" : "false");
        break;
      case Json::value_t::string:
        key(name);
        line_protocol::append_string_value(out_, value.get_ref<const std::string&>());
        break;
      case Json::value_t::number_integer:
      case Json::value_t::number_unsigned:
        key(name);
        // An integer beyond int64 can only be written as a float.
        if (integers_ && (!value.is_number_unsigned() || value.get<std::uint64_t>() <= INT64_MAX)) {
          char text[24];
          auto end = std::to_chars(text, text + sizeof text, value.get<std::int64_t>()).ptr;
          out_.append(text, end);
          out_.push_back('i');
        } else {
          line_protocol::append_float(out_, value.get<double>());
        }
        break;
      case Json::value_t::number_float: {
        double number = value.get<double>();
        if (std::isfinite(number)) {
          key(name);
          line_protocol::append_float(out_, number);
        }
        break;
      }
    }
  }

  int count() const { return count_; }

 private:
  void key(const std::string& name) {
    out_.push_back(count_++ == 0 ? ' ' : ',');
    // InfluxDB 1.x silently drops a field called "time".
    line_protocol::append_key(out_, name == "time" ? "time_" : name);
    out_.push_back('=');
  }

  std::string& out_;
  bool integers_;
  int count_ = 0;
};

std::optional<std::int64_t> time_from(const Json& value, TimeUnit unit) {
  if (value.is_string()) {
    auto time = parse_rfc3339(value.get_ref<const std::string&>());
    if (!time) return std::nullopt;
    return static_cast<std::int64_t>(time->tv_sec) * 1000000000 + time->tv_nsec;
  }
  if (!value.is_number()) return std::nullopt;
  static constexpr std::int64_t kNanoseconds[] = {1000000000, 1000000, 1000, 1};
  std::int64_t factor = kNanoseconds[static_cast<int>(unit)];
  if (value.is_number_integer() && !(value.is_number_unsigned() && value.get<std::uint64_t>() > INT64_MAX)) {
    // Integers exactly: 1588801680123 ms is 1588801680123000000 ns, not a double's neighbour.
    std::int64_t count = value.get<std::int64_t>();
    std::int64_t ns = 0;
    if (__builtin_mul_overflow(count, factor, &ns)) return std::nullopt;
    return ns;
  }
  // Whole units and the fraction apart: 1588801680.25 s is ...680250000000 ns.
  double whole = 0;
  double fraction = std::modf(value.get<double>(), &whole);
  if (!(whole > -9.2e18 / static_cast<double>(factor) && whole < 9.2e18 / static_cast<double>(factor))) {
    return std::nullopt;
  }
  return static_cast<std::int64_t>(whole) * factor + std::llround(fraction * static_cast<double>(factor));
}

}  // namespace

std::int64_t LineProtocolFormat::receive_time(const Message& message) {
  // Strictly increasing, so two messages never share a series and a time
  // (InfluxDB would keep only the second).
  std::int64_t ns = static_cast<std::int64_t>(message.received.tv_sec) * 1000000000 + message.received.tv_nsec;
  last_ns_ = std::max(ns, last_ns_ + 1);
  return last_ns_;
}

void LineProtocolFormat::render(const Message& message, std::string& out) {
  std::size_t mark = out.size();
  Json value = Json::parse(message.payload, nullptr, false);
  bool is_json = !value.is_discarded();
  if (!is_json) {
    if (!is_utf8(message.payload)) {
      ++skips_.binary;
      return;
    }
    if (options_.skip_text) {
      ++skips_.text;
      return;
    }
    if (message.payload.empty()) {
      ++skips_.no_fields;
      return;
    }
  }

  line_protocol::append_measurement(out, options_.measurement ? std::string_view(*options_.measurement)
                                                              : message.topic);
  std::vector<std::pair<std::string_view, std::string_view>> tags;
  if (!options_.topic_tag.empty()) tags.emplace_back(options_.topic_tag, message.topic);
  if (options_.topic_tags) {
    if (auto named = options_.topic_tags->match(message.topic)) tags.insert(tags.end(), named->begin(), named->end());
  }
  std::sort(tags.begin(), tags.end());
  for (const auto& [key, tag_value] : tags) {
    if (tag_value.empty()) continue;  // InfluxDB has no empty tag values
    out.push_back(',');
    line_protocol::append_key(out, key);
    out.push_back('=');
    line_protocol::append_key(out, tag_value);
  }

  std::optional<std::int64_t> time;
  FieldWriter fields(out, options_.integers);
  if (!is_json) {
    fields.add("value", Json(std::string(message.payload)));
  } else if (value.is_object()) {
    if (!options_.time_field.empty() && value.contains(options_.time_field)) {
      time = time_from(value[options_.time_field], options_.time_unit);
      value.erase(options_.time_field);
    }
    if (!options_.time_field.empty() && !time) ++skips_.time_fallback;
    fields.add("", value);
  } else {
    fields.add("value", value);
  }
  if (fields.count() == 0) {
    out.resize(mark);
    ++skips_.no_fields;
    return;
  }
  out.push_back(' ');
  char digits[24];
  auto end = std::to_chars(digits, digits + sizeof digits, time ? *time : receive_time(message)).ptr;
  out.append(digits, end);
  out.push_back('\n');
}

}  // namespace mqtk
