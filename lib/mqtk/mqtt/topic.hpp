// Topic names and topic filters: validation with the rules of the MQTT
// specification (through libmosquitto's own checks) and wildcard matching.
#pragma once

#include <string>
#include <string_view>

namespace mqtk {

// Throws UsageError naming `what` (for example "-t") when `topic` cannot be
// published to: empty, wildcards, longer than 65,535 bytes, or a character
// MQTT strings may not hold (see mqtt_string_problem).
void check_publish_topic(std::string_view topic, std::string_view what);

// Throws UsageError naming `what` when `filter` is not a valid subscription
// filter ('+' and '#' only as whole levels, '#' last).
void check_topic_filter(std::string_view filter, std::string_view what);

// What is wrong with a string libmosquitto refused as an MQTT UTF-8 string
// (mosquitto_validate_utf8: malformed UTF-8, NUL, the control characters
// U+0001-U+001F and U+007F-U+009F, Unicode non-characters), as the end of
// a sentence: "contains a control character (U+0001)".
std::string mqtt_string_problem(std::string_view text);

// True when `topic` matches `filter` ("a/+/c", "a/#", "$share/g/..." is not
// special here: shared subscription prefixes are for the broker).
bool topic_matches(std::string_view filter, std::string_view topic);

}  // namespace mqtk
