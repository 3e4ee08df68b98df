#include "mqtk/records/property_json.hpp"

#include <mosquitto.h>
#include <mqtt_protocol.h>

#include <nlohmann/json.hpp>

#include "mqtk/base/error.hpp"
#include "mqtk/base/payload_encoding.hpp"
#include "mqtk/mqtt/property_read.hpp"

namespace mqtk {
nlohmann::ordered_json properties_to_json(const mosquitto_property* properties) {
  nlohmann::ordered_json object = nlohmann::ordered_json::object();
  for (const mosquitto_property* p = properties; p; p = mosquitto_property_next(p)) {
    int id = mosquitto_property_identifier(p);
    const char* name = mosquitto_property_identifier_to_string(id);
    switch (id) {
      case MQTT_PROP_PAYLOAD_FORMAT_INDICATOR: {
        std::uint8_t value = 0;
        mosquitto_property_read_byte(p, id, &value, false);
        object[name] = value;
        break;
      }
      case MQTT_PROP_MESSAGE_EXPIRY_INTERVAL: {
        std::uint32_t value = 0;
        mosquitto_property_read_int32(p, id, &value, false);
        object[name] = value;
        break;
      }
      case MQTT_PROP_CONTENT_TYPE:
      case MQTT_PROP_RESPONSE_TOPIC:
        if (auto value = read_string_property(p, id)) object[name] = value->view();
        break;
      case MQTT_PROP_CORRELATION_DATA:
        if (auto value = read_binary_property(p, id)) {
          std::string text;
          append_base64(text, value->view());
          object[name] = text;
        }
        break;
      case MQTT_PROP_SUBSCRIPTION_IDENTIFIER: {
        std::uint32_t value = 0;
        mosquitto_property_read_varint(p, id, &value, false);
        object["subscription-identifiers"].push_back(value);
        break;
      }
      case MQTT_PROP_USER_PROPERTY:
        if (auto pair = read_user_property(p)) {
          object["user-properties"].push_back({pair->first.view(), pair->second.view()});
        }
        break;
      default:
        break;  // topic aliases and the like belong to one connection only
    }
  }
  return object;
}

PropertyList publish_properties_from_json(const nlohmann::json& properties) {
  PropertyList list;
  if (properties.is_null()) return list;
  if (!properties.is_object()) throw Error("\"properties\" must be an object");
  auto number = [&](const char* name, std::uint32_t max) -> std::optional<std::uint32_t> {
    if (!properties.contains(name)) return std::nullopt;
    const auto& value = properties[name];
    if (!value.is_number_unsigned() || value.get<std::uint64_t>() > max) {
      throw Error(std::string("property ") + name + " must be a whole number up to " + std::to_string(max));
    }
    return value.get<std::uint32_t>();
  };
  auto text = [&](const char* name) -> std::optional<std::string> {
    if (!properties.contains(name)) return std::nullopt;
    if (!properties[name].is_string()) throw Error(std::string("property ") + name + " must be a string");
    return properties[name].get<std::string>();
  };
  auto check = [](int rc, const char* name) {
    if (rc != MOSQ_ERR_SUCCESS) throw Error(std::string("property ") + name + ": " + mosquitto_strerror(rc));
  };
  if (auto v = number("payload-format-indicator", 255)) {
    check(mosquitto_property_add_byte(list.out(), MQTT_PROP_PAYLOAD_FORMAT_INDICATOR, static_cast<std::uint8_t>(*v)),
          "payload-format-indicator");
  }
  if (auto v = number("message-expiry-interval", UINT32_MAX)) {
    check(mosquitto_property_add_int32(list.out(), MQTT_PROP_MESSAGE_EXPIRY_INTERVAL, *v), "message-expiry-interval");
  }
  if (auto v = text("content-type")) {
    check(mosquitto_property_add_string(list.out(), MQTT_PROP_CONTENT_TYPE, v->c_str()), "content-type");
  }
  if (auto v = text("response-topic")) {
    check(mosquitto_property_add_string(list.out(), MQTT_PROP_RESPONSE_TOPIC, v->c_str()), "response-topic");
  }
  if (auto v = text("correlation-data")) {
    auto bytes = decode_base64(*v);
    if (!bytes || bytes->size() > UINT16_MAX) throw Error("property correlation-data must be base64 of at most 65535 bytes");
    check(mosquitto_property_add_binary(list.out(), MQTT_PROP_CORRELATION_DATA, bytes->data(),
                                        static_cast<std::uint16_t>(bytes->size())),
          "correlation-data");
  }
  if (properties.contains("user-properties")) {
    const auto& pairs = properties["user-properties"];
    if (!pairs.is_array()) throw Error("property user-properties must be an array of [name, value] pairs");
    for (const auto& pair : pairs) {
      if (!pair.is_array() || pair.size() != 2 || !pair[0].is_string() || !pair[1].is_string()) {
        throw Error("property user-properties must be an array of [name, value] pairs");
      }
      check(mosquitto_property_add_string_pair(list.out(), MQTT_PROP_USER_PROPERTY,
                                               pair[0].get<std::string>().c_str(), pair[1].get<std::string>().c_str()),
            "user-properties");
    }
  }
  return list;
}

}  // namespace mqtk
