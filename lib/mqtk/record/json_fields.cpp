#include "mqtk/record/json_fields.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>
#include <vector>

#include "mqtk/base/json_scan.hpp"
#include "mqtk/base/json_walk.hpp"
#include "mqtk/base/payload_encoding.hpp"
#include "mqtk/base/rfc3339.hpp"
#include "mqtk/record/line_protocol.hpp"

namespace mqtk {
namespace {

using Json = nlohmann::json;

std::optional<std::int64_t> time_from_float(double value, TimeUnit unit) {
  static constexpr double kNanoseconds[] = {1e9, 1e6, 1e3, 1};
  double factor = kNanoseconds[static_cast<int>(unit)];
  // Whole units and the fraction apart: 1588801680.25 s is ...680250000000 ns.
  double whole = 0;
  double fraction = std::modf(value, &whole);
  if (!(whole > -9.2e18 / factor && whole < 9.2e18 / factor)) return std::nullopt;
  return static_cast<std::int64_t>(whole) * static_cast<std::int64_t>(factor) + std::llround(fraction * factor);
}

// An RFC 3339 time in nanoseconds since 1970, when 64 bits hold it (about
// 1677 to 2262).
std::optional<std::int64_t> time_from_text(std::string_view text) {
  std::optional<timespec> time = parse_rfc3339(text);
  std::int64_t nanoseconds = 0;
  if (!time || __builtin_mul_overflow(static_cast<std::int64_t>(time->tv_sec), 1000000000, &nanoseconds) ||
      __builtin_add_overflow(nanoseconds, time->tv_nsec, &nanoseconds)) {
    return std::nullopt;
  }
  return nanoseconds;
}

// The SAX events of one payload, turned into fields as they come. The name
// of the current field is one string, grown and cut back as the walk goes
// down and up the tree.
class FieldEvents final : public nlohmann::json_sax<Json> {
 public:
  FieldEvents(std::string& out, const JsonFieldOptions& options) : out_(out), options_(options) {
    result_.outcome = JsonFields::Outcome::kFields;
  }

  bool null() override {
    return scalar([] {}, false);
  }
  bool boolean(bool value) override {
    return scalar([&] { out_.append(value ? "true" : "false"); }, true, "_boolean");
  }
  bool number_integer(number_integer_t value) override {
    if (taking_time()) return take_time(nanoseconds_from(value, options_.time_unit));
    return scalar([&] { append_integer(value, static_cast<double>(value)); }, true, integer_suffix());
  }
  bool number_unsigned(number_unsigned_t value) override {
    if (taking_time()) {
      return take_time(value <= INT64_MAX ? nanoseconds_from(static_cast<std::int64_t>(value), options_.time_unit)
                                          : std::nullopt);
    }
    // An integer beyond int64 can only be written as a float.
    return scalar(
        [&] {
          if (value <= INT64_MAX) {
            append_integer(static_cast<std::int64_t>(value), static_cast<double>(value));
          } else {
            line_protocol::append_float(out_, static_cast<double>(value));
          }
        },
        true, value <= INT64_MAX ? integer_suffix() : "");
  }
  bool number_float(number_float_t value, const string_t&) override {
    if (taking_time()) return take_time(time_from_float(value, options_.time_unit));
    return scalar([&] { line_protocol::append_float(out_, value); }, std::isfinite(value));
  }
  bool string(string_t& value) override {
    if (taking_time()) return take_time(time_from_text(value));
    return scalar([&] { line_protocol::append_string_value(out_, value); }, true, "_string");
  }
  bool binary(binary_t&) override {
    return scalar([] {}, false);
  }

  bool start_object(std::size_t) override { return open(false); }
  bool key(string_t& key) override {
    Level& level = levels_.back();
    name_.resize(level.name_length);
    if (!name_.empty()) name_.push_back('_');
    name_.append(key);
    // A top-level member named as the time field is the point's time.
    next_is_time_ = levels_.size() == 1 && !options_.time_field.empty() && key == options_.time_field;
    return true;
  }
  bool end_object() override { return close(); }
  bool start_array(std::size_t) override { return open(true); }
  bool end_array() override { return close(); }

  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    result_.outcome = JsonFields::Outcome::kNotJson;
    return false;
  }

  JsonFields result() {
    result_.count = count_;
    return result_;
  }

 private:
  struct Level {
    std::size_t name_length;  // of the container's own name
    bool array;
    std::size_t next_index = 0;
  };

  // Names the next value: in an array by its index; at the top, "value"
  // for a bare value, nothing for an object's members.
  void name_value() {
    if (levels_.empty()) {
      name_ = "value";
    } else if (levels_.back().array) {
      Level& level = levels_.back();
      name_.resize(level.name_length);
      name_.push_back('_');
      name_.append(std::to_string(level.next_index++));
    }
  }

  bool open(bool array) {
    if (skipping_ > 0 || (next_is_time_ && levels_.size() == 1)) {
      // A time field that is an object or array: not a time, and not fields.
      if (skipping_ == 0) result_.time.reset();
      next_is_time_ = false;
      ++skipping_;
      return true;
    }
    if (static_cast<int>(levels_.size()) >= options_.max_depth) {
      result_.outcome = JsonFields::Outcome::kOverLimit;
      return false;
    }
    if (levels_.empty()) {
      result_.top_level_object = !array;
      if (array) name_ = "value";
    } else {
      name_value();
    }
    levels_.push_back({name_.size(), array});
    return true;
  }

  bool close() {
    if (skipping_ > 0) {
      --skipping_;
      return true;
    }
    levels_.pop_back();
    if (!levels_.empty()) name_.resize(levels_.back().name_length);
    return true;
  }

  bool taking_time() const { return next_is_time_ && skipping_ == 0; }
  bool take_time(std::optional<std::int64_t> time) {
    next_is_time_ = false;
    result_.time = time;
    return true;
  }

  // What type_in_name adds to the name of a field of this type.
  std::string_view integer_suffix() const { return options_.integers ? "_integer" : ""; }

  template <class AppendValue>
  bool scalar(AppendValue append_value, bool is_field, std::string_view type_suffix = {}) {
    if (skipping_ > 0) return true;
    if (next_is_time_) return take_time(std::nullopt);  // null, true: not a time
    name_value();
    if (!is_field) return true;
    if (++count_ > options_.max_fields) {
      result_.outcome = JsonFields::Outcome::kOverLimit;
      return false;
    }
    out_.push_back(count_ == 1 ? ' ' : ',');
    if (options_.type_in_name && !type_suffix.empty()) {
      line_protocol::append_key(out_, name_ + std::string(type_suffix));
    } else {
      // InfluxDB 1.x silently drops a field called "time".
      line_protocol::append_key(out_, name_ == "time" ? "time_" : name_);
    }
    out_.push_back('=');
    append_value();
    return true;
  }

  void append_integer(std::int64_t value, double as_float) {
    if (!options_.integers) {
      line_protocol::append_float(out_, as_float);
      return;
    }
    line_protocol::append_integer(out_, value);
    out_.push_back('i');
  }

  std::string& out_;
  const JsonFieldOptions& options_;
  std::vector<Level> levels_;
  std::string name_;
  int count_ = 0;
  int skipping_ = 0;  // depth inside a time field that is a container
  bool next_is_time_ = false;
  JsonFields result_;
};

}  // namespace

std::optional<std::int64_t> nanoseconds_from(std::int64_t count, TimeUnit unit) {
  static constexpr std::int64_t kNanoseconds[] = {1000000000, 1000000, 1000, 1};
  std::int64_t ns = 0;
  // Integers exactly: 1588801680123 ms is 1588801680123000000 ns, not a double's neighbour.
  if (__builtin_mul_overflow(count, kNanoseconds[static_cast<int>(unit)], &ns)) return std::nullopt;
  return ns;
}

namespace {

// The events of `payload` into `out`: walked in place when the text is valid
// and no deeper than the walk may recurse, else (or when the walk cannot
// hold a number) through nlohmann's parser. Whether the events all came.
bool send_events(std::string& out, std::string_view payload, const JsonFieldOptions& options,
                 std::optional<FieldEvents>& events) {
  constexpr int kMostWalkedDepth = 64;
  int walked_depth = std::min(options.max_depth, kMostWalkedDepth - 1) + 1;
  std::size_t mark = out.size();
  if (is_utf8(payload) && scan_json(payload, walked_depth) == JsonScan::kValid) {
    JsonWalk walk = walk_json(payload, events.emplace(out, options));
    if (walk != JsonWalk::kAskParser) return walk == JsonWalk::kDone;
    out.resize(mark);
  }
  return Json::sax_parse(payload, &events.emplace(out, options), Json::input_format_t::json, true);
}

}  // namespace

JsonFields append_json_fields(std::string& out, std::string_view payload, const JsonFieldOptions& options) {
  std::size_t mark = out.size();
  std::optional<FieldEvents> events;
  bool parsed = send_events(out, payload, options, events);
  JsonFields result = events->result();
  if (!parsed && result.outcome == JsonFields::Outcome::kFields) result.outcome = JsonFields::Outcome::kNotJson;
  if (result.outcome != JsonFields::Outcome::kFields) {
    out.resize(mark);
    result.count = 0;
    result.time.reset();
  }
  return result;
}

}  // namespace mqtk
