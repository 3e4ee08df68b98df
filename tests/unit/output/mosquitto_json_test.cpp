#include "mqtk/output/mosquitto_json.hpp"

#include <cmath>
#include <limits>
#include <string>

#include <doctest/doctest.h>
#include <mosquitto.h>
#include <mqtt_protocol.h>

namespace cjson = mqtk::cjson;

namespace {

std::string string_of(std::string_view bytes) {
  std::string out;
  cjson::append_string(out, bytes);
  return out;
}

std::string number_of(double value) {
  std::string out;
  cjson::append_number(out, value);
  return out;
}

std::string reprint(std::string_view text, bool pretty = false, int depth = 0) {
  std::string out = "keep:";
  if (!cjson::reprint(text, pretty, depth, out)) return out == "keep:" ? "<invalid>" : "<invalid, output changed>";
  return out.substr(5);
}

}  // namespace

TEST_SUITE("mosquitto_json") {
  TEST_CASE("string escaping as cJSON prints it") {
    CHECK(string_of("plain") == "\"plain\"");
    CHECK(string_of("q\"b\\s/") == "\"q\\\"b\\\\s/\"");
    CHECK(string_of("\b\f\n\r\t") == "\"\\b\\f\\n\\r\\t\"");
    CHECK(string_of("\x01\x1f\x7f") == "\"\\u0001\\u001f\x7f\"");
    CHECK(string_of("caf\xc3\xa9 \xff\xfe") == "\"caf\xc3\xa9 \xff\xfe\"");  // bytes >= 0x80 as they are
    CHECK(string_of(std::string_view("cut\0here", 8)) == "\"cut\"");
    CHECK(string_of("") == "\"\"");
  }

  TEST_CASE("numbers as cJSON prints them") {
    CHECK(number_of(0) == "0");
    CHECK(number_of(-0.0) == "-0");
    CHECK(number_of(21.5) == "21.5");
    CHECK(number_of(0.1) == "0.1");
    CHECK(number_of(100000) == "100000");
    CHECK(number_of(1e21) == "1e+21");
    CHECK(number_of(0.30000000000000004) == "0.3");  // within cJSON's DBL_EPSILON tolerance
    CHECK(number_of(12345678901234567890.0) == "1.2345678901234567e+19");
    CHECK(number_of(std::numeric_limits<double>::infinity()) == "null");
    CHECK(number_of(std::nan("")) == "null");
  }

  TEST_CASE("reprinting valid JSON") {
    CHECK(reprint(R"({"a": 1.50, "b" : [true,false , null], "c":{}})") == R"({"a":1.5,"b":[true,false,null],"c":{}})");
    CHECK(reprint("  42  ") == "42");
    CHECK(reprint(R"("\u00e9\ud83d\ude00\/")") == "\"\xc3\xa9\xf0\x9f\x98\x80/\"");
    CHECK(reprint(R"({"a":1,"a":2})") == R"({"a":1,"a":2})");  // duplicates kept
    CHECK(reprint("01") == "1");                               // cJSON's leniencies
    CHECK(reprint("-.5") == "-0.5");
    CHECK(reprint("1e999") == "null");
    CHECK(reprint("\xef\xbb\xbf[1]") == "[1]");
    CHECK(reprint("\x01[1]\x7f") == "<invalid>");
    CHECK(reprint("\x01[1]\x1f") == "[1]");  // bytes <= 32 are whitespace
    CHECK(reprint("\"a\x01"
                  "b\"") == "\"a\\u0001b\"");
    CHECK(reprint(R"("x\u0000y")") == "\"x\"");  // NUL ends the printed string
    CHECK(reprint(R"("x\uZZZZy")") == "\"x\"");  // bad hex reads as NUL
    CHECK(reprint(std::string(1000, '[') + std::string(1000, ']')).size() == 2000);
  }

  TEST_CASE("reprinting rejects what cJSON rejects") {
    for (const char* bad :
         {"", "{", "[1,]", "tru", "{\"a\":1}x", "\"\\q\"", "[\"\\ud800\"]", "[\"\\udc00\"]", "[\"\\ud800\\u0041\"]",
          "[1 2]", "+1", ".5", "1e", "{\"a\"}", "{1:2}", "\"unterminated", "\"\\u12\""}) {
      CAPTURE(bad);
      CHECK(reprint(bad) == "<invalid>");
    }
    CHECK(reprint(std::string(1001, '[') + std::string(1001, ']')) == "<invalid>");
  }

  TEST_CASE("pretty layout: tabs for objects, \", \" in arrays") {
    CHECK(reprint(R"({"a":[1,{"b":{}}],"c":{"d":2}})", true, 1) ==
          "{\n\t\t\"a\":\t[1, {\n\t\t\t\t\"b\":\t{\n\t\t\t\t}\n\t\t\t}],\n\t\t\"c\":\t{\n\t\t\t\"d\":\t2\n\t\t}\n\t}");
    CHECK(reprint("{}", true, 0) == "{\n}");
    CHECK(reprint("[]", true, 0) == "[]");
  }

  TEST_CASE("the whole %j object") {
    mqtk::Message message;
    message.topic = "t";
    message.payload = "a\"b";
    std::string out;
    REQUIRE(mqtk::append_mosquitto_json(message, "TST", true, false, out));
    CHECK(out == R"({"tst":"TST","topic":"t","qos":0,"retain":0,"payloadlen":3,"payload":"a\"b"})");

    out.clear();
    message.payload = "";
    message.qos = 2;
    message.mid = 9;
    message.retain = true;
    REQUIRE(mqtk::append_mosquitto_json(message, "TST", false, true, out));
    CHECK(out ==
          "{\n\t\"tst\":\t\"TST\",\n\t\"topic\":\t\"t\",\n\t\"qos\":\t2,\n\t\"retain\":\t1,\n"
          "\t\"payloadlen\":\t0,\n\t\"mid\":\t9,\n\t\"payload\":\tnull\n}");

    out = "before";
    message.payload = "{oops";
    CHECK_FALSE(mqtk::append_mosquitto_json(message, "TST", false, false, out));
    CHECK(out == "before");
    message.payload = std::string_view("{}\0", 3);
    CHECK_FALSE(mqtk::append_mosquitto_json(message, "TST", false, false, out));
  }

  TEST_CASE("properties: known ones in order, user properties gathered") {
    mosquitto_property* props = nullptr;
    mosquitto_property_add_string_pair(&props, MQTT_PROP_USER_PROPERTY, "k", "1");
    mosquitto_property_add_string(&props, MQTT_PROP_CONTENT_TYPE, "ct");
    mosquitto_property_add_binary(&props, MQTT_PROP_CORRELATION_DATA, "xyz", 3);
    mosquitto_property_add_string_pair(&props, MQTT_PROP_USER_PROPERTY, "k", "2");
    mosquitto_property_add_int16(&props, MQTT_PROP_TOPIC_ALIAS, 5);  // printed as mosquitto_sub does: wrongly
    mosquitto_property_add_varint(&props, MQTT_PROP_SUBSCRIPTION_IDENTIFIER, 4);
    mqtk::Message message;
    message.topic = "t";
    message.payload = "1";
    message.properties = props;
    std::string out;
    REQUIRE(mqtk::append_mosquitto_json(message, "TST", true, false, out));
    CHECK(out == R"({"tst":"TST","topic":"t","qos":0,"retain":0,"payloadlen":1,"properties":{"user-properties":)"
                 R"({"k":"1","k":"2"},"content-type":"ct","correlation-data":"xyz","topic-alias":3,)"
                 R"("subscription-identifier":4},"payload":"1"})");
    mosquitto_property_free_all(&props);
  }
}
