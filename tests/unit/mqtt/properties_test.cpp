#include "mqtk/mqtt/properties.hpp"

#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <mosquitto.h>
#include <mqtt_protocol.h>

#include "mqtk/base/error.hpp"

using mqtk::add_property;
using mqtk::CommandProperties;
using mqtk::UsageError;
using Words = std::vector<std::string>;

TEST_SUITE("properties") {
  TEST_CASE("values of every type reach the right list") {
    CommandProperties p;
    add_property(p, {"publish", "message-expiry-interval", "30"});
    add_property(p, {"publish", "content-type", "text/plain"});
    add_property(p, {"publish", "correlation-data", "abc"});
    add_property(p, {"publish", "payload-format-indicator", "1"});
    add_property(p, {"publish", "topic-alias", "3"});
    add_property(p, {"publish", "user-property", "k", "v"});
    add_property(p, {"connect", "receive-maximum", "10"});
    add_property(p, {"subscribe", "subscription-identifier", "7"});
    add_property(p, {"will", "will-delay-interval", "5"});
    add_property(p, {"disconnect", "session-expiry-interval", "0"});
    add_property(p, {"unsubscribe", "user-property", "a", "b"});
    CHECK_NOTHROW(mqtk::check_properties(p));

    uint32_t expiry = 0;
    CHECK(mosquitto_property_read_int32(p.publish.get(), MQTT_PROP_MESSAGE_EXPIRY_INTERVAL, &expiry, false));
    CHECK(expiry == 30);
    uint16_t alias = 0;
    CHECK(mosquitto_property_read_int16(p.publish.get(), MQTT_PROP_TOPIC_ALIAS, &alias, false));
    CHECK(alias == 3);
    uint32_t identifier = 0;
    CHECK(mosquitto_property_read_varint(p.subscribe.get(), MQTT_PROP_SUBSCRIPTION_IDENTIFIER, &identifier, false));
    CHECK(identifier == 7);
    CHECK(p.publish.contains(MQTT_PROP_USER_PROPERTY));
    CHECK_FALSE(p.connect.contains(MQTT_PROP_USER_PROPERTY));
    CHECK(p.commands_in_use() == Words{"connect", "publish", "subscribe", "unsubscribe", "disconnect", "will"});
  }

  TEST_CASE("copies are deep") {
    CommandProperties p;
    add_property(p, {"connect", "user-property", "k", "v"});
    mqtk::PropertyList copy = p.connect;
    CHECK(copy.contains(MQTT_PROP_USER_PROPERTY));
    CHECK(copy.get() != p.connect.get());
  }

  TEST_CASE("mistakes name the problem") {
    CommandProperties p;
    CHECK_THROWS_WITH_AS(add_property(p, {"publish", "bogus", "1"}), "-D: unknown property 'bogus'", UsageError);
    CHECK_THROWS_WITH(add_property(p, {"shout", "content-type", "x"}), "-D: unknown command 'shout'");
    CHECK_THROWS_WITH(add_property(p, {"publish", "receive-maximum", "5"}),
                      "-D: receive-maximum cannot be sent with publish");
    CHECK_THROWS_WITH(add_property(p, {"publish", "subscription-identifier", "5"}),
                      "-D: subscription-identifier cannot be sent with publish");
    CHECK_THROWS_WITH(add_property(p, {"subscribe", "content-type", "x"}),
                      "-D: content-type cannot be sent with subscribe");
    CHECK_THROWS_WITH(add_property(p, {"puback", "reason-string", "x"}),
                      "-D: properties cannot be set for 'puback'; use connect, publish, subscribe, unsubscribe, "
                      "disconnect or will");
    CHECK_THROWS_WITH(
        add_property(p, {"publish", "message-expiry-interval", "soon"}),
        "-D: the value of message-expiry-interval must be a whole number from 0 to 4294967295, not 'soon'");
    CHECK_THROWS_AS(add_property(p, {"publish", "payload-format-indicator", "256"}), UsageError);
    CHECK_THROWS_AS(add_property(p, {"publish", "topic-alias", "-1"}), UsageError);
    CHECK_THROWS_WITH(add_property(p, {"publish", "user-property", "k"}),
                      "-D: user-property takes a name and a value: -D publish user-property NAME VALUE");
    CHECK_THROWS_WITH(add_property(p, {"publish", "content-type", "a", "b"}),
                      "-D: content-type takes one value: -D publish content-type VALUE");
    CHECK_THROWS_AS(add_property(p, {"publish"}), UsageError);
    CHECK(p.empty());
  }

  TEST_CASE("values longer than MQTT's 16-bit length are refused, not cut") {
    const std::string longest(65535, 'x');
    const std::string too_long(65536, 'x');
    CommandProperties p;
    add_property(p, {"publish", "user-property", longest, longest});
    char* name = nullptr;
    char* value = nullptr;
    REQUIRE(mosquitto_property_read_string_pair(p.publish.get(), MQTT_PROP_USER_PROPERTY, &name, &value, false));
    CHECK(std::string(name).size() == 65535);
    CHECK(std::string(value).size() == 65535);
    free(name);
    free(value);
    CHECK_THROWS_WITH_AS(add_property(p, {"publish", "user-property", "k", too_long}),
                         "-D: the value of user-property is 65536 bytes long; MQTT allows at most 65535", UsageError);
    CHECK_THROWS_WITH(add_property(p, {"publish", "user-property", std::string(70000, 'k'), "v"}),
                      "-D: the name of user-property is 70000 bytes long; MQTT allows at most 65535");
    CHECK_THROWS_WITH(add_property(p, {"publish", "content-type", too_long}),
                      "-D: the value of content-type is 65536 bytes long; MQTT allows at most 65535");
    CHECK_THROWS_WITH(add_property(p, {"publish", "response-topic", std::string(131071, 'r')}),
                      "-D: the value of response-topic is 131071 bytes long; MQTT allows at most 65535");
    CHECK_THROWS_WITH(add_property(p, {"publish", "correlation-data", too_long}),
                      "-D: the value of correlation-data is 65536 bytes long; MQTT allows at most 65535");
    CHECK_THROWS_WITH(add_property(p, {"disconnect", "reason-string", too_long}),
                      "-D: the value of reason-string is 65536 bytes long; MQTT allows at most 65535");
    CHECK_THROWS_WITH(add_property(p, {"connect", "authentication-method", too_long}),
                      "-D: the value of authentication-method is 65536 bytes long; MQTT allows at most 65535");
    CHECK_NOTHROW(add_property(p, {"publish", "correlation-data", longest}));
    CHECK(p.connect.empty());
    CHECK(p.disconnect.empty());
  }

  TEST_CASE("characters MQTT strings may not hold are named") {
    CommandProperties p;
    CHECK_THROWS_WITH_AS(add_property(p, {"publish", "content-type", "text\x1b[31m"}),
                         "-D: the value of content-type contains a control character (U+001B)", UsageError);
    CHECK_THROWS_WITH(add_property(p, {"publish", "user-property", "k\x01", "v"}),
                      "-D: the name of user-property contains a control character (U+0001)");
    CHECK_THROWS_WITH(add_property(p, {"publish", "user-property", "k", "v\xff"}),
                      "-D: the value of user-property is not valid UTF-8 (at byte 2)");
    // Binary data may hold any byte.
    CHECK_NOTHROW(add_property(p, {"publish", "correlation-data", "\x01\xff"}));
  }

  TEST_CASE("whole-list checks: duplicates and forbidden values") {
    CommandProperties twice;
    add_property(twice, {"publish", "content-type", "a"});
    add_property(twice, {"publish", "content-type", "b"});
    CHECK_THROWS_AS(mqtk::check_properties(twice), UsageError);

    CommandProperties zero_alias;
    add_property(zero_alias, {"publish", "topic-alias", "0"});
    CHECK_THROWS_AS(mqtk::check_properties(zero_alias), UsageError);

    CommandProperties users;
    add_property(users, {"publish", "user-property", "k", "1"});
    add_property(users, {"publish", "user-property", "k", "2"});
    CHECK_NOTHROW(mqtk::check_properties(users));
  }
}
