#include "mqtk/mqtt/properties.hpp"

#include <charconv>
#include <cstdint>
#include <utility>

#include <mosquitto.h>
#include <mqtt_protocol.h>

#include "mqtk/base/error.hpp"
#include "mqtk/mqtt/topic.hpp"

namespace mqtk {

PropertyList::PropertyList(const PropertyList& other) {
  if (other.head_ && mosquitto_property_copy_all(&head_, other.head_) != MOSQ_ERR_SUCCESS) {
    throw Error("out of memory copying MQTT properties");
  }
}

PropertyList& PropertyList::operator=(const PropertyList& other) {
  if (this != &other) {
    PropertyList copy(other);
    std::swap(head_, copy.head_);
  }
  return *this;
}

PropertyList::PropertyList(PropertyList&& other) noexcept : head_(std::exchange(other.head_, nullptr)) {}

PropertyList& PropertyList::operator=(PropertyList&& other) noexcept {
  std::swap(head_, other.head_);
  return *this;
}

PropertyList::~PropertyList() { mosquitto_property_free_all(&head_); }

bool PropertyList::contains(int identifier) const {
  for (const mosquitto_property* p = head_; p; p = mosquitto_property_next(p)) {
    if (mosquitto_property_identifier(p) == identifier) return true;
  }
  return false;
}

namespace {

struct NamedList {
  const char* name;
  PropertyList CommandProperties::*list;
  int command;
};

constexpr NamedList kLists[] = {
    {"connect", &CommandProperties::connect, CMD_CONNECT},
    {"publish", &CommandProperties::publish, CMD_PUBLISH},
    {"subscribe", &CommandProperties::subscribe, CMD_SUBSCRIBE},
    {"unsubscribe", &CommandProperties::unsubscribe, CMD_UNSUBSCRIBE},
    {"disconnect", &CommandProperties::disconnect, CMD_DISCONNECT},
    {"will", &CommandProperties::will, CMD_WILL},
};

[[noreturn]] void fail(const std::string& problem) { throw UsageError("-D: " + problem); }

std::uint32_t parse_number(const std::string& text, std::uint32_t max, const std::string& property) {
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value > max) {
    fail("the value of " + property + " must be a whole number from 0 to " + std::to_string(max) + ", not '" + text +
         "'");
  }
  return static_cast<std::uint32_t>(value);
}

}  // namespace

std::optional<std::string> property_value_problem(std::string_view value, bool utf8) {
  if (value.size() > kMaxPropertyBytes) {
    return "is " + std::to_string(value.size()) + " bytes long; MQTT allows at most " +
           std::to_string(kMaxPropertyBytes);
  }
  if (utf8 && mosquitto_validate_utf8(value.data(), static_cast<int>(value.size())) != MOSQ_ERR_SUCCESS) {
    return mqtt_string_problem(value);
  }
  return std::nullopt;
}

bool CommandProperties::empty() const { return commands_in_use().empty(); }

std::vector<std::string> CommandProperties::commands_in_use() const {
  std::vector<std::string> names;
  for (const NamedList& entry : kLists) {
    if (!(this->*entry.list).empty()) names.emplace_back(entry.name);
  }
  return names;
}

void add_property(CommandProperties& properties, const std::vector<std::string>& words) {
  if (words.size() < 3) fail("expected 'command property value', for example -D publish content-type text/plain");
  const std::string& command_name = words[0];
  const std::string& property_name = words[1];

  int command = 0;
  if (mosquitto_string_to_command(command_name.c_str(), &command) != MOSQ_ERR_SUCCESS) {
    fail("unknown command '" + command_name + "'");
  }
  const NamedList* target = nullptr;
  for (const NamedList& entry : kLists) {
    if (entry.command == command) target = &entry;
  }
  if (!target) {
    fail("properties cannot be set for '" + command_name +
         "'; use connect, publish, subscribe, unsubscribe, disconnect or will");
  }

  int identifier = 0;
  int type = 0;
  if (mosquitto_string_to_property_info(property_name.c_str(), &identifier, &type) != MOSQ_ERR_SUCCESS) {
    fail("unknown property '" + property_name + "'");
  }
  if (mosquitto_property_check_command(command, identifier) != MOSQ_ERR_SUCCESS ||
      (command == CMD_PUBLISH && identifier == MQTT_PROP_SUBSCRIPTION_IDENTIFIER) ||
      (command == CMD_SUBSCRIBE && identifier != MQTT_PROP_SUBSCRIPTION_IDENTIFIER &&
       identifier != MQTT_PROP_USER_PROPERTY)) {
    fail(property_name + " cannot be sent with " + command_name);
  }

  const std::size_t expected_words = type == MQTT_PROP_TYPE_STRING_PAIR ? 4 : 3;
  if (words.size() != expected_words) {
    fail(type == MQTT_PROP_TYPE_STRING_PAIR
             ? "user-property takes a name and a value: -D " + command_name + " user-property NAME VALUE"
             : property_name + " takes one value: -D " + command_name + " " + property_name + " VALUE");
  }
  const std::string& value = words.back();
  if (type == MQTT_PROP_TYPE_STRING_PAIR) {
    if (auto problem = property_value_problem(words[2], true)) fail("the name of " + property_name + " " + *problem);
  }
  if (type == MQTT_PROP_TYPE_STRING || type == MQTT_PROP_TYPE_STRING_PAIR || type == MQTT_PROP_TYPE_BINARY) {
    if (auto problem = property_value_problem(value, type != MQTT_PROP_TYPE_BINARY)) {
      fail("the value of " + property_name + " " + *problem);
    }
  }
  mosquitto_property** list = (properties.*(target->list)).out();

  int rc = MOSQ_ERR_SUCCESS;
  switch (type) {
    case MQTT_PROP_TYPE_BYTE:
      rc = mosquitto_property_add_byte(list, identifier,
                                       static_cast<std::uint8_t>(parse_number(value, UINT8_MAX, property_name)));
      break;
    case MQTT_PROP_TYPE_INT16:
      rc = mosquitto_property_add_int16(list, identifier,
                                        static_cast<std::uint16_t>(parse_number(value, UINT16_MAX, property_name)));
      break;
    case MQTT_PROP_TYPE_INT32:
      rc = mosquitto_property_add_int32(list, identifier, parse_number(value, UINT32_MAX, property_name));
      break;
    case MQTT_PROP_TYPE_VARINT:
      // A variable byte integer holds at most 268,435,455.
      rc = mosquitto_property_add_varint(list, identifier, parse_number(value, 268435455, property_name));
      break;
    case MQTT_PROP_TYPE_BINARY:
      rc = mosquitto_property_add_binary(list, identifier, value.data(), static_cast<std::uint16_t>(value.size()));
      break;
    case MQTT_PROP_TYPE_STRING:
      rc = mosquitto_property_add_string(list, identifier, value.c_str());
      break;
    case MQTT_PROP_TYPE_STRING_PAIR:
      rc = mosquitto_property_add_string_pair(list, identifier, words[2].c_str(), value.c_str());
      break;
    default:
      fail("unsupported property type for " + property_name);
  }
  if (rc != MOSQ_ERR_SUCCESS) fail("cannot add " + property_name + ": " + mosquitto_strerror(rc));
}

void check_properties(const CommandProperties& properties) {
  for (const NamedList& entry : kLists) {
    int rc = mosquitto_property_check_all(entry.command, (properties.*entry.list).get());
    if (rc != MOSQ_ERR_SUCCESS) {
      fail(std::string("invalid ") + entry.name + " properties: " + mosquitto_strerror(rc) +
           " (a property given twice, or a value the protocol forbids)");
    }
  }
}

}  // namespace mqtk
