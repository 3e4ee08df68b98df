// A fast check of JSON text's grammar, as nlohmann/json's strict parser
// takes it (RFC 8259: one value, whitespace around it, no comments), with a
// limit on nesting. For payloads that are checked far more often than
// parsed: mqtk-record keeps every JSON payload verbatim in its records, and
// the parser, which builds each string and number it meets, spends about 150
// instructions a byte on a short one only to say yes.
#pragma once

#include <cstddef>
#include <string_view>

namespace mqtk {

enum class JsonScan {
  kValid,
  kInvalid,
  // Valid grammar, but a number may be too large for a double, which
  // nlohmann/json refuses ("number overflow"): only its parser can tell.
  kAskParser,
};

// Whether `text`, which must be well-formed UTF-8 (see is_utf8), is one
// JSON value with no object or array nested deeper than `max_depth`.
JsonScan scan_json(std::string_view text, std::size_t max_depth);

// The first byte in [at, end) that a JSON string cannot hold as it is: the
// quote, the backslash or a control character; `end` when there is none.
// Eight bytes at a time: long string values are most of a typical payload.
const char* find_string_special(const char* at, const char* end);

}  // namespace mqtk
