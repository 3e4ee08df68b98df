#include "mqtk/records/record_json.hpp"

#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <mosquitto.h>
#include <mqtt_protocol.h>

#include "mqtk/base/rfc3339.hpp"
#include "mqtk/mqtt/properties.hpp"
#include "mqtk/records/record_formats.hpp"

namespace {

mqtk::Message message(std::string_view payload) {
  mqtk::Message m;
  m.topic = "sensors/\"1\"";
  m.payload = payload;
  m.qos = 2;
  m.retain = true;
  m.received = timespec{1588801680, 123456789};
  return m;
}

// What `mqtk-sub --json | jq` reads for the message: the --json line parsed,
// keys in its order.
nlohmann::ordered_json json_line(const mqtk::Message& m) {
  std::string out;
  mqtk::JsonLinesFormat().render(m, out);
  return nlohmann::ordered_json::parse(out);
}

nlohmann::ordered_json record(const mqtk::Message& m, const nlohmann::json& decoded) {
  mqtk::Rfc3339Clock clock;
  return mqtk::record_json(m, clock.format(m.received), decoded);
}

std::string nested(std::size_t levels) { return std::string(levels, '[') + std::string(levels, ']'); }

}  // namespace

TEST_SUITE("record_json") {
  TEST_CASE("the value of the --json line of the decoded text, keys in its order") {
    for (const std::string& text :
         {std::string(R"({"t":21.5,"id":"a","n":[1,-2,1.5e300,null,true]})"), std::string("\"s\\n\u00e9\""),
          std::string("18446744073709551615"), nested(128), nested(129)}) {
      CAPTURE(text);
      nlohmann::json value = nlohmann::json::parse(text);
      CHECK(record(message("\xa1\x61\x74"), value).dump() == json_line(message(value.dump())).dump());
    }
  }

  TEST_CASE("MQTT v5 properties, where --json has them") {
    mqtk::PropertyList properties;
    REQUIRE(mosquitto_property_add_string(properties.out(), MQTT_PROP_CONTENT_TYPE, "application/cbor") ==
            MOSQ_ERR_SUCCESS);
    REQUIRE(mosquitto_property_add_string_pair(properties.out(), MQTT_PROP_USER_PROPERTY, "k", "v") ==
            MOSQ_ERR_SUCCESS);
    mqtk::Message m = message("\x01");
    m.properties = properties.get();
    nlohmann::json value = 1;
    mqtk::Message as_text = m;
    as_text.payload = "1";
    CHECK(record(m, value).dump() == json_line(as_text).dump());
  }
}
