// Topic names and topic filters: validation with the rules of the MQTT
// specification (through libmosquitto's own checks) and wildcard matching.
#pragma once

#include <string_view>

namespace mqtk {

// Throws UsageError naming `what` (for example "-t") when `topic` cannot be
// published to: empty, wildcards, malformed UTF-8, or longer than 65,535 bytes.
void check_publish_topic(std::string_view topic, std::string_view what);

// Throws UsageError naming `what` when `filter` is not a valid subscription
// filter ('+' and '#' only as whole levels, '#' last).
void check_topic_filter(std::string_view filter, std::string_view what);

// True when `topic` matches `filter` ("a/+/c", "a/#", "$share/g/..." is not
// special here: shared subscription prefixes are for the broker).
bool topic_matches(std::string_view filter, std::string_view topic);

}  // namespace mqtk
