// JSON values (nlohmann) to libjq's values (jv) and back, directly: no JSON
// text between them, so a message's record reaches a jq program without
// being printed and parsed again.
//
// jv's rule holds for everything here: a function taking a jv consumes it
// (frees its reference); one returning a jv hands over a reference the
// caller must free or pass on.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>

// libjq's headers declare C functions without saying so.
extern "C" {
#include <jv.h>
}

namespace mqtk {

// The deepest nesting jq 1.6 reads: its parser refuses to open an array or
// an object while 256 entries are open on its stack, where an array is one
// entry and an object two (itself and the key of the member being read).
// So `mqtk-sub --jq` refuses exactly the records that `mqtk-sub --json | jq`
// does, and the conversion's recursion stays shallow.
inline constexpr int kJqParsingDepthLimit = 256;

// The deepest output turned back into JSON: 256 arrays or objects, the depth
// below which jq 1.6 prints a value whole (deeper parts it prints as a
// marker instead).
inline constexpr int kJqOutputDepthLimit = 256;

// `value` as a jq value; an invalid jv with a message instead when it nests
// deeper than kJqParsingDepthLimit allows. Numbers become doubles, as jq's
// parser makes them (an integer past 2^53 rounds to the nearest double, as
// jq reads it); a string that is not valid UTF-8 has each bad byte sequence
// replaced by U+FFFD, as jq does when it reads one; nlohmann's binary values
// become the object nlohmann prints for them ({"bytes":[...],"subtype":...}).
// Explicitly instantiated for nlohmann::json and nlohmann::ordered_json.
template <class Json>
jv jv_of_json(const Json& value);

extern template jv jv_of_json(const nlohmann::json&);
extern template jv jv_of_json(const nlohmann::ordered_json&);

// A valid jq value as JSON, its objects' keys in jq's order; nothing when it
// nests deeper than kJqOutputDepthLimit. Consumes `value`.
// Numbers: an integral value within ±2^53 becomes an integer (so 1.0 is 1,
// as jq prints it); ±infinity becomes ±DBL_MAX and NaN null, as jq prints
// them; others stay doubles.
std::optional<nlohmann::ordered_json> json_of_jv(jv value);

}  // namespace mqtk
