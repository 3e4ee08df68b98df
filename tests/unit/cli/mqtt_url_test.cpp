#include "mqtk/cli/mqtt_url.hpp"

#include <doctest/doctest.h>

#include "mqtk/base/error.hpp"

using mqtk::parse_mqtt_url;

TEST_SUITE("mqtt_url") {
  TEST_CASE("host and topic") {
    auto url = parse_mqtt_url("mqtt://broker.example/things/1/temperature");
    CHECK_FALSE(url.tls);
    CHECK(url.host == "broker.example");
    CHECK_FALSE(url.port.has_value());
    CHECK(url.topic == "things/1/temperature");
    CHECK_FALSE(url.username.has_value());
  }

  TEST_CASE("credentials, port, case-insensitive scheme") {
    auto url = parse_mqtt_url("MQTTS://alice:s3cr:et@10.0.0.5:8884/a/b");
    CHECK(url.tls);
    CHECK(url.username == "alice");
    CHECK(url.password == "s3cr:et");
    CHECK(url.host == "10.0.0.5");
    CHECK(url.port == 8884);
    CHECK(url.topic == "a/b");
  }

  TEST_CASE("user without password, empty topic") {
    auto url = parse_mqtt_url("mqtt://bob@h/");
    CHECK(url.username == "bob");
    CHECK_FALSE(url.password.has_value());
    CHECK(url.topic.empty());
  }

  TEST_CASE("IPv6 literal") {
    auto url = parse_mqtt_url("mqtt://[::1]:1884/t");
    CHECK(url.host == "::1");
    CHECK(url.port == 1884);
    CHECK(parse_mqtt_url("mqtt://[fe80::1]/t").host == "fe80::1");
  }

  TEST_CASE("WebSocket URLs carry the HTTP path, not a topic") {
    auto url = parse_mqtt_url("ws://broker.example:8080/mqtt");
    CHECK_FALSE(url.tls);
    CHECK(url.host == "broker.example");
    CHECK(url.port == 8080);
    CHECK(url.websocket_path == "/mqtt");
    CHECK(url.topic.empty());
    auto secure = parse_mqtt_url("WSS://alice:pw@[::1]/a/b?x=1");
    CHECK(secure.tls);
    CHECK(secure.username == "alice");
    CHECK(secure.host == "::1");
    CHECK_FALSE(secure.port.has_value());
    CHECK(secure.websocket_path == "/a/b?x=1");
    CHECK(parse_mqtt_url("ws://h").websocket_path == "/");
    CHECK_FALSE(parse_mqtt_url("mqtt://h/t").websocket_path.has_value());
    CHECK_THROWS_AS(parse_mqtt_url("ws://:80/mqtt"), mqtk::UsageError);
  }

  TEST_CASE("host and port on their own") {
    auto plain = mqtk::split_host_port("proxy.local:1081");
    CHECK(plain.host == "proxy.local");
    CHECK(plain.port == 1081);
    CHECK(plain.problem.empty());
    CHECK_FALSE(mqtk::split_host_port("proxy.local").port.has_value());
    auto v6 = mqtk::split_host_port("[::1]:1080");
    CHECK(v6.host == "::1");
    CHECK(v6.port == 1080);
    CHECK(mqtk::split_host_port("[::1]x").problem == "unexpected text after ']'");
    CHECK(mqtk::split_host_port("h:0").problem == "the port must be a number from 1 to 65535, not '0'");
    CHECK(mqtk::split_host_port(":5").problem == "the host is missing");
  }

  TEST_CASE("malformed") {
    CHECK_THROWS_WITH_AS(parse_mqtt_url("http://h/t"),
                         "-L: invalid URL 'http://h/t': the scheme must be mqtt://, mqtts://, ws:// or wss://",
                         mqtk::UsageError);
    CHECK_THROWS_WITH(parse_mqtt_url("mqtt://h"),
                      "-L: invalid URL 'mqtt://h': the topic is missing (mqtt://host/topic)");
    CHECK_THROWS_WITH(parse_mqtt_url("mqtt://h:99999/t"),
                      "-L: invalid URL 'mqtt://h:99999/t': the port must be a number from 1 to 65535, not '99999'");
    CHECK_THROWS_AS(parse_mqtt_url("mqtt://h:x/t"), mqtk::UsageError);
    CHECK_THROWS_AS(parse_mqtt_url("mqtt://h:/t"), mqtk::UsageError);
    CHECK_THROWS_AS(parse_mqtt_url("mqtt://:1883/t"), mqtk::UsageError);
    CHECK_THROWS_AS(parse_mqtt_url("mqtt://[::1/t"), mqtk::UsageError);
  }
}
