#include "mqtk/mqtt/topic.hpp"

#include <mosquitto.h>

#include <string>

#include "mqtk/base/error.hpp"

namespace mqtk {
namespace {

constexpr std::size_t kMaxTopicBytes = 65535;

// The checks both kinds of topic share; `kind` is "topic" or "filter".
void check_common(std::string_view text, std::string_view what, std::string_view kind) {
  std::string prefix = std::string(what) + ": ";
  if (text.empty()) throw UsageError(prefix + "the " + std::string(kind) + " must not be empty");
  if (text.size() > kMaxTopicBytes) {
    throw UsageError(prefix + "the " + std::string(kind) + " is " + std::to_string(text.size()) +
                     " bytes long; MQTT allows at most 65535");
  }
  if (mosquitto_validate_utf8(text.data(), static_cast<int>(text.size())) != MOSQ_ERR_SUCCESS) {
    throw UsageError(prefix + "the " + std::string(kind) +
                     " is not valid UTF-8 (or contains a NUL character)");
  }
}

}  // namespace

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
  if (mosquitto_topic_matches_sub2(filter.data(), filter.size(), topic.data(), topic.size(),
                                   &result) != MOSQ_ERR_SUCCESS) {
    return false;
  }
  return result;
}

}  // namespace mqtk
