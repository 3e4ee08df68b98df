#include "mqtk/mqtt/topic.hpp"

#include <cstdio>
#include <string>

#include <mosquitto.h>

#include "mqtk/base/error.hpp"
#include "mqtk/base/payload_encoding.hpp"

namespace mqtk {
namespace {

constexpr std::size_t kMaxTopicBytes = 65535;

std::string code_point_name(char32_t c) {
  char text[16];
  std::snprintf(text, sizeof text, "U+%04X", static_cast<unsigned>(c));
  return text;
}

// The checks both kinds of topic share; `kind` is "topic" or "filter".
void check_common(std::string_view text, std::string_view what, std::string_view kind) {
  std::string prefix = std::string(what) + ": ";
  if (text.empty()) throw UsageError(prefix + "the " + std::string(kind) + " must not be empty");
  if (text.size() > kMaxTopicBytes) {
    throw UsageError(prefix + "the " + std::string(kind) + " is " + std::to_string(text.size()) +
                     " bytes long; MQTT allows at most 65535");
  }
  if (mosquitto_validate_utf8(text.data(), static_cast<int>(text.size())) != MOSQ_ERR_SUCCESS) {
    throw UsageError(prefix + "the " + std::string(kind) + " " + mqtt_string_problem(text));
  }
}

}  // namespace

std::string mqtt_string_problem(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    auto character = decode_utf8(text.substr(i));
    if (!character) return "is not valid UTF-8 (at byte " + std::to_string(i + 1) + ")";
    char32_t c = character->codepoint;
    if (c == 0) return "contains a NUL character (U+0000)";
    if (c < 0x20 || (c >= 0x7F && c <= 0x9F)) return "contains a control character (" + code_point_name(c) + ")";
    if ((c >= 0xFDD0 && c <= 0xFDEF) || (c & 0xFFFE) == 0xFFFE) {
      return "contains a Unicode non-character (" + code_point_name(c) + ")";
    }
    i += character->length;
  }
  return "is not a valid MQTT string";
}

void check_publish_topic(std::string_view topic, std::string_view what) {
  check_common(topic, what, "topic");
  if (mosquitto_pub_topic_check2(topic.data(), topic.size()) != MOSQ_ERR_SUCCESS) {
    throw UsageError(std::string(what) + ": cannot publish to '" + std::string(topic) +
                     "': wildcards '+' and '#' are only allowed in subscriptions");
  }
}

void check_topic_filter(std::string_view filter, std::string_view what) {
  check_common(filter, what, "filter");
  if (mosquitto_sub_topic_check2(filter.data(), filter.size()) != MOSQ_ERR_SUCCESS) {
    throw UsageError(std::string(what) + ": invalid topic filter '" + std::string(filter) +
                     "': '+' and '#' must fill a whole level, and '#' must be the last level");
  }
}

bool topic_matches(std::string_view filter, std::string_view topic) {
  bool result = false;
  if (mosquitto_topic_matches_sub2(filter.data(), filter.size(), topic.data(), topic.size(), &result) !=
      MOSQ_ERR_SUCCESS) {
    return false;
  }
  return result;
}

}  // namespace mqtk
