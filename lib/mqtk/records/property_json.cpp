#include "mqtk/records/property_json.hpp"

#include <nlohmann/json.hpp>
#include <tuple>

#include <mosquitto.h>
#include <mqtt_protocol.h>

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

namespace {

constexpr const char* kPairsShape = "property user-properties must be an array of [name, value] pairs";

}  // namespace

bool PropertiesJsonReader::key(std::string& name) {
  if (skipping() || depth_ != 1) return true;
  static constexpr std::pair<std::string_view, Member> kMembers[] = {
      {"payload-format-indicator", Member::kFormat}, {"message-expiry-interval", Member::kExpiry},
      {"content-type", Member::kContentType},        {"response-topic", Member::kResponseTopic},
      {"correlation-data", Member::kCorrelation},    {"user-properties", Member::kUser},
  };
  member_ = Member::kSkipped;
  for (const auto& [known, member] : kMembers) {
    if (name == known) member_ = member;
  }
  if (member_ == Member::kSkipped) return true;
  unsigned bit = 1u << static_cast<unsigned>(member_);
  if (seen_ & bit) problem("property " + name + " appears twice");
  seen_ |= bit;
  return true;
}

bool PropertiesJsonReader::scalar(Kind kind) {
  if (depth_ == 0) {
    started_ = true;
    if (kind != Kind::kNull) problem("\"properties\" must be an object");
  } else if (!skipping()) {
    value(kind);
  }
  return true;
}

bool PropertiesJsonReader::open(Kind kind) {
  if (depth_ == 0) {
    started_ = true;
    if (kind != Kind::kObject) problem("\"properties\" must be an object");
  } else if (!skipping()) {
    value(kind);
  }
  ++depth_;
  return true;
}

bool PropertiesJsonReader::close() {
  --depth_;
  if (skip_to_ == depth_) {
    skip_to_ = -1;
  } else if (!skipping() && depth_ == 2 && pair_size_ != 2) {
    problem(kPairsShape);
  }
  return true;
}

void PropertiesJsonReader::value(Kind kind) {
  bool container = kind == Kind::kObject || kind == Kind::kArray;
  if (depth_ == 2) {  // an element of user-properties
    if (kind != Kind::kArray) return problem(kPairsShape);
    user_properties_.emplace_back();
    pair_size_ = 0;
    return;
  }
  if (depth_ == 3) {  // a string of a pair
    if (kind != Kind::kString || pair_size_ == 2) return problem(kPairsShape);
    auto& pair = user_properties_.back();
    (pair_size_++ == 0 ? pair.first : pair.second) = std::move(*text_);
    return;
  }
  auto number = [&](std::optional<std::uint32_t>& to, const char* name, std::uint32_t max) {
    if (kind != Kind::kUnsigned || number_ > max) {
      return problem(std::string("property ") + name + " must be a whole number up to " + std::to_string(max));
    }
    to = static_cast<std::uint32_t>(number_);
  };
  auto text = [&](std::optional<std::string>& to, const char* name) {
    if (kind != Kind::kString) return problem(std::string("property ") + name + " must be a string");
    to = std::move(*text_);
  };
  switch (member_) {
    case Member::kFormat:
      return number(payload_format_indicator_, "payload-format-indicator", UINT8_MAX);
    case Member::kExpiry:
      return number(message_expiry_interval_, "message-expiry-interval", UINT32_MAX);
    case Member::kContentType:
      return text(content_type_, "content-type");
    case Member::kResponseTopic:
      return text(response_topic_, "response-topic");
    case Member::kCorrelation:
      return text(correlation_data_, "correlation-data");
    case Member::kUser:
      if (kind != Kind::kArray) problem(kPairsShape);
      return;
    case Member::kNone:
    case Member::kSkipped:
      if (container) skip_to_ = depth_;
      return;
  }
}

void PropertiesJsonReader::problem(const std::string& text) {
  if (problem_.empty()) problem_ = text;
}

PropertyList PropertiesJsonReader::take() {
  if (!problem_.empty()) throw Error(problem_);
  PropertyList list;
  auto check = [](int rc, const std::string& name) {
    if (rc != MOSQ_ERR_SUCCESS) throw Error("property " + name + ": " + mosquitto_strerror(rc));
  };
  // libmosquitto takes C strings and 16-bit lengths: what it would cut or
  // refuse with a vague message is refused here, by name.
  auto sendable = [](std::string_view value, bool utf8, const std::string& what) {
    if (auto problem = property_value_problem(value, utf8)) throw Error(what + " " + *problem);
  };
  if (payload_format_indicator_) {
    check(mosquitto_property_add_byte(list.out(), MQTT_PROP_PAYLOAD_FORMAT_INDICATOR,
                                      static_cast<std::uint8_t>(*payload_format_indicator_)),
          "payload-format-indicator");
  }
  if (message_expiry_interval_) {
    check(mosquitto_property_add_int32(list.out(), MQTT_PROP_MESSAGE_EXPIRY_INTERVAL, *message_expiry_interval_),
          "message-expiry-interval");
  }
  for (auto [value, identifier, name] : {std::tuple{&content_type_, MQTT_PROP_CONTENT_TYPE, "content-type"},
                                         std::tuple{&response_topic_, MQTT_PROP_RESPONSE_TOPIC, "response-topic"}}) {
    if (!*value) continue;
    sendable(**value, true, std::string("property ") + name);
    check(mosquitto_property_add_string(list.out(), identifier, (*value)->c_str()), name);
  }
  if (correlation_data_) {
    auto bytes = decode_base64(*correlation_data_);
    if (!bytes) throw Error("property correlation-data is not valid base64");
    sendable(*bytes, false, "property correlation-data");
    check(mosquitto_property_add_binary(list.out(), MQTT_PROP_CORRELATION_DATA, bytes->data(),
                                        static_cast<std::uint16_t>(bytes->size())),
          "correlation-data");
  }
  for (std::size_t i = 0; i < user_properties_.size(); ++i) {
    const auto& [name, value] = user_properties_[i];
    std::string which = "property user-properties: pair " + std::to_string(i + 1) + "'s ";
    sendable(name, true, which + "name");
    sendable(value, true, which + "value");
    check(mosquitto_property_add_string_pair(list.out(), MQTT_PROP_USER_PROPERTY, name.c_str(), value.c_str()),
          "user-properties");
  }
  return list;
}

namespace {

// PropertiesJsonReader as a whole document's SAX handler.
struct PropertiesDocument {
  PropertiesJsonReader& reader;
  bool null() { return reader.null(); }
  bool boolean(bool value) { return reader.boolean(value); }
  bool number_integer(std::int64_t value) { return reader.number_integer(value); }
  bool number_unsigned(std::uint64_t value) { return reader.number_unsigned(value); }
  bool number_float(double value, const std::string& text) { return reader.number_float(value, text); }
  bool string(std::string& value) { return reader.string(value); }
  bool binary(nlohmann::json::binary_t&) { return false; }  // not in JSON text
  bool start_object(std::size_t size) { return reader.start_object(size); }
  bool key(std::string& name) { return reader.key(name); }
  bool end_object() { return reader.end_object(); }
  bool start_array(std::size_t size) { return reader.start_array(size); }
  bool end_array() { return reader.end_array(); }
  bool parse_error(std::size_t, const std::string&, const nlohmann::json::exception&) { return false; }
};

}  // namespace

PropertyList publish_properties_from_json(std::string_view text) {
  PropertiesJsonReader reader;
  PropertiesDocument document{reader};
  if (!nlohmann::json::sax_parse(text, &document)) throw Error("the properties are not JSON");
  return reader.take();
}

}  // namespace mqtk
