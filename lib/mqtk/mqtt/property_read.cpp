#include "mqtk/mqtt/property_read.hpp"

#include <cstring>

#include <mosquitto.h>
#include <mqtt_protocol.h>

namespace mqtk {

std::optional<PropertyBytes> read_string_property(const mosquitto_property* from, int identifier) {
  char* value = nullptr;
  if (!mosquitto_property_read_string(from, identifier, &value, false)) return std::nullopt;
  return PropertyBytes(value, value ? std::strlen(value) : 0);
}

std::optional<PropertyBytes> read_binary_property(const mosquitto_property* from, int identifier) {
  void* value = nullptr;
  std::uint16_t length = 0;
  if (!mosquitto_property_read_binary(from, identifier, &value, &length, false)) return std::nullopt;
  return PropertyBytes(value, length);
}

std::optional<std::pair<PropertyBytes, PropertyBytes>> read_user_property(const mosquitto_property* from) {
  char* name = nullptr;
  char* value = nullptr;
  if (!mosquitto_property_read_string_pair(from, MQTT_PROP_USER_PROPERTY, &name, &value, false)) return std::nullopt;
  return std::make_pair(PropertyBytes(name, name ? std::strlen(name) : 0),
                        PropertyBytes(value, value ? std::strlen(value) : 0));
}

}  // namespace mqtk
