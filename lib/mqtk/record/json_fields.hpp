// A JSON payload as line-protocol fields, flattened the way Telegraf's JSON
// parser does it: object keys joined with '_', array elements indexed
// ({"a":{"b":[1,2]}} makes a_b_0=1,a_b_1=2), a bare value as field "value".
//
// The payload is walked event by event, with nlohmann/json's SAX events,
// without building a document: memory does not grow with the nesting depth,
// nor does the stack beyond 64 levels (base/json_walk recurses, so deeper
// text goes to nlohmann's parser, which does not). No payload can crash the
// recorder or cost more than a small multiple of its size (the one field
// name being built, and the output). Deeper than `max_depth` or with more than `max_fields` fields, a
// payload is not flattened at all: the caller records it as text.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mqtk {

enum class TimeUnit { kSeconds, kMilliseconds, kMicroseconds, kNanoseconds };

struct JsonFieldOptions {
  bool integers = false;                    // JSON integers as integers (123i); floats otherwise
  std::string time_field;                   // a top-level member taken as the point's time, not a field
  TimeUnit time_unit = TimeUnit::kSeconds;  // of a numeric time field
  int max_depth = 32;
  int max_fields = 1000;
  // A field that is not a float has its type at the end of its name
  // (value_integer, value_boolean, value_string): fields that hold values of
  // many sources under one name (Sparkplug metrics) then never conflict.
  bool type_in_name = false;
};

// `count` of `unit` in nanoseconds; nothing when that overflows 64 bits.
std::optional<std::int64_t> nanoseconds_from(std::int64_t count, TimeUnit unit);

struct JsonFields {
  enum class Outcome {
    kFields,     // fields appended (possibly none: {}, null, [])
    kNotJson,    // nothing appended
    kOverLimit,  // deeper than max_depth or more fields than max_fields; nothing appended
  };
  Outcome outcome = Outcome::kNotJson;
  int count = 0;
  bool top_level_object = false;
  // The time field's value in nanoseconds, when present and readable.
  std::optional<std::int64_t> time;
};

// Appends the fields of `payload` to `out`, each preceded by ' ' (the first)
// or ',' (the others): " a=1,b=\"x\"".
JsonFields append_json_fields(std::string& out, std::string_view payload, const JsonFieldOptions& options);

}  // namespace mqtk
