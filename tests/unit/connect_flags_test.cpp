#include "mqtk/connect_flags.hpp"

#include <doctest/doctest.h>
#include <mqtt_protocol.h>

#include <cstdint>

#include "mqtk/error.hpp"

using mqtk::build_connect_setup;
using mqtk::ConnectFlags;
using mqtk::UsageError;

TEST_SUITE("connect_flags") {
  TEST_CASE("defaults are mosquitto's") {
    auto setup = build_connect_setup(ConnectFlags{}, 42);
    const auto& o = setup.options;
    CHECK(o.host == "localhost");
    CHECK(o.port == 1883);
    CHECK(o.protocol_version == mqtk::kMqtt311);
    CHECK(o.keepalive == 60);
    CHECK(o.clean_session);
    CHECK(o.client_id.empty());
    CHECK_FALSE(o.session_expiry_interval.has_value());
    CHECK_FALSE(o.will.has_value());
    CHECK_FALSE(setup.url_topic.has_value());
    CHECK(o.describe_server() == "localhost:1883");
  }

  TEST_CASE("-L sets server, credentials and topic, over -h/-p") {
    ConnectFlags f;
    f.host = "ignored";
    f.port = 1;
    f.url = "mqtt://u:p@[::1]:1884/a/b";
    auto setup = build_connect_setup(f, 1);
    CHECK(setup.options.host == "::1");
    CHECK(setup.options.port == 1884);
    CHECK(setup.options.username == "u");
    CHECK(setup.options.password == "p");
    CHECK(setup.url_topic == "a/b");
    CHECK(setup.options.describe_server() == "[::1]:1884");
  }

  TEST_CASE("protocol versions") {
    CHECK(mqtk::parse_protocol_version("mqttv31") == mqtk::kMqtt31);
    CHECK(mqtk::parse_protocol_version("311") == mqtk::kMqtt311);
    CHECK(mqtk::parse_protocol_version("5") == mqtk::kMqtt5);
    CHECK_THROWS_WITH_AS(mqtk::parse_protocol_version("6"),
                         "-V: unknown protocol version '6'; use mqttv5, mqttv311 or mqttv31", UsageError);
  }

  TEST_CASE("session expiry values") {
    CHECK(mqtk::parse_session_expiry("0") == 0);
    CHECK(mqtk::parse_session_expiry("3600") == 3600);
    CHECK(mqtk::parse_session_expiry("-1") == UINT32_MAX);
    CHECK(mqtk::parse_session_expiry("∞") == UINT32_MAX);
    CHECK(mqtk::parse_session_expiry("4294967295") == UINT32_MAX);
    CHECK_THROWS_AS(mqtk::parse_session_expiry("4294967296"), UsageError);
    CHECK_THROWS_AS(mqtk::parse_session_expiry("-2"), UsageError);
    CHECK_THROWS_AS(mqtk::parse_session_expiry("1h"), UsageError);
  }

  TEST_CASE("-D and -x imply MQTT v5; an explicit older -V is an error") {
    ConnectFlags f;
    f.properties = {{"connect", "user-property", "k", "v"}};
    CHECK(build_connect_setup(f, 1).options.protocol_version == mqtk::kMqtt5);
    f.protocol_version = "mqttv311";
    CHECK_THROWS_WITH_AS(build_connect_setup(f, 1),
                         "-D: MQTT properties need MQTT v5, but -V chose an older protocol", UsageError);

    ConnectFlags x;
    x.session_expiry = "60";
    CHECK(build_connect_setup(x, 1).options.session_expiry_interval == 60u);
    x.protocol_version = "311";
    CHECK_THROWS_AS(build_connect_setup(x, 1), UsageError);
  }

  TEST_CASE("client ids") {
    ConnectFlags f;
    f.id_prefix = "rec-";
    CHECK(build_connect_setup(f, 1234).options.client_id == "rec-1234");
    f.id = "x";
    CHECK_THROWS_WITH(build_connect_setup(f, 1), "-i and -I cannot be used together");
    ConnectFlags empty;
    empty.id = "";
    CHECK_THROWS_AS(build_connect_setup(empty, 1), UsageError);
  }

  TEST_CASE("persistent sessions need a fixed id") {
    ConnectFlags f;
    f.disable_clean_session = true;
    CHECK_THROWS_WITH(build_connect_setup(f, 1), "-c: a persistent session needs a fixed client id (-i)");
    f.id_prefix = "p";
    CHECK_THROWS_AS(build_connect_setup(f, 1), UsageError);
    f.id_prefix.reset();
    f.id = "me";
    auto v311 = build_connect_setup(f, 1).options;
    CHECK_FALSE(v311.clean_session);
    CHECK_FALSE(v311.session_expiry_interval.has_value());

    f.protocol_version = "5";
    CHECK(build_connect_setup(f, 1).options.session_expiry_interval == UINT32_MAX);
    f.id.reset();
    CHECK_THROWS_WITH(build_connect_setup(f, 1), "-c/-x: a session that never expires needs a fixed client id (-i)");
    f.session_expiry = "600";  // a finite session is fine without an id
    CHECK(build_connect_setup(f, 1).options.session_expiry_interval == 600u);
  }

  TEST_CASE("will") {
    ConnectFlags f;
    f.will_topic = "status/me";
    f.will_payload = "gone";
    f.will_qos = 1;
    f.will_retain = true;
    auto will = build_connect_setup(f, 1).options.will;
    REQUIRE(will.has_value());
    CHECK(will->topic == "status/me");
    CHECK(will->payload == "gone");
    CHECK(will->qos == 1);
    CHECK(will->retain);

    ConnectFlags no_topic;
    no_topic.will_payload = "x";
    CHECK_THROWS_WITH(build_connect_setup(no_topic, 1), "--will-payload: needs --will-topic");
    ConnectFlags wildcard;
    wildcard.will_topic = "a/#";
    CHECK_THROWS_AS(build_connect_setup(wildcard, 1), UsageError);
  }

  TEST_CASE("other mistakes") {
    ConnectFlags tls;
    tls.unsupported = {"--cafile"};
    CHECK_THROWS_WITH(build_connect_setup(tls, 1),
                      "--cafile: TLS and proxy connections are not supported by this version of mqtk yet");
    ConnectFlags unix_and_host;
    unix_and_host.unix_socket = "/tmp/s";
    unix_and_host.host = "h";
    CHECK_THROWS_AS(build_connect_setup(unix_and_host, 1), UsageError);
    ConnectFlags password_only;
    password_only.password = "p";
    CHECK_THROWS_AS(build_connect_setup(password_only, 1), UsageError);
    password_only.protocol_version = "5";  // MQTT v5 allows a password alone
    CHECK_NOTHROW(build_connect_setup(password_only, 1));
    ConnectFlags empty_host;
    empty_host.host = "";
    CHECK_THROWS_AS(build_connect_setup(empty_host, 1), UsageError);
  }
}
