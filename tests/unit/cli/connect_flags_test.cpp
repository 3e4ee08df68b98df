#include "mqtk/cli/connect_flags.hpp"

#include <cstdint>

#include <doctest/doctest.h>
#include <mqtt_protocol.h>

#include "mqtk/base/error.hpp"

using mqtk::build_connect_setup;
using mqtk::ConnectFlags;
using mqtk::UsageError;

TEST_SUITE("connect_flags") {
  TEST_CASE("TLS turns on with a CA, the system's CAs, a PSK or mqtts://, and moves the port to 8883") {
    ConnectFlags plain;
    CHECK_FALSE(build_connect_setup(plain, 1).options.tls.has_value());

    ConnectFlags ca;
    ca.cafile = "/ca.pem";
    auto setup = build_connect_setup(ca, 1);
    REQUIRE(setup.options.tls.has_value());
    CHECK(setup.options.tls->cafile == "/ca.pem");
    CHECK(setup.options.port == 8883);
    ca.port = 8884;
    CHECK(build_connect_setup(ca, 1).options.port == 8884);

    ConnectFlags url;
    url.url = "mqtts://broker.example/t";
    setup = build_connect_setup(url, 1);
    REQUIRE(setup.options.tls.has_value());
    CHECK(setup.options.tls->use_os_certs);
    CHECK(setup.options.port == 8883);

    ConnectFlags psk;
    psk.psk = "deadbeef";
    psk.psk_identity = "me";
    CHECK(build_connect_setup(psk, 1).options.tls->psk == "deadbeef");
  }

  TEST_CASE("TLS flags checked together") {
    auto rejects = [](ConnectFlags f, const char* message) {
      CHECK_THROWS_WITH_AS(build_connect_setup(f, 1), message, UsageError);
    };
    ConnectFlags f;
    f.cafile = "ca";
    f.certfile = "c";
    rejects(f, "--cert: needs --key");
    f.certfile.reset();
    f.keyfile = "k";
    rejects(f, "--key: needs --cert");
    f.keyfile.reset();
    f.psk = "00";
    f.psk_identity = "i";
    rejects(f, "--psk: use either a PSK or --cafile/--capath, not both");
    ConnectFlags identity_missing;
    identity_missing.psk = "00";
    rejects(identity_missing, "--psk: needs --psk-identity");
    ConnectFlags version;
    version.cafile = "ca";
    version.tls_version = "tlsv9";
    rejects(version, "--tls-version: must be tlsv1.3, tlsv1.2 or tlsv1.1, not 'tlsv9'");
    ConnectFlags keyform;
    keyform.cafile = "ca";
    keyform.keyform = "engine";
    rejects(keyform, "--keyform: needs --key");
    ConnectFlags insecure;
    insecure.insecure = true;
    rejects(insecure, "--insecure: needs TLS: give --cafile, --capath, --tls-use-os-certs or --psk");
  }

  TEST_CASE("proxy URLs") {
    auto proxy = mqtk::parse_proxy_url("socks5h://alice:p%40ss%3A1@proxy.local:1081");
    CHECK(proxy.host == "proxy.local");
    CHECK(proxy.port == 1081);
    CHECK(proxy.username == "alice");
    CHECK(proxy.password == "p@ss:1");
    proxy = mqtk::parse_proxy_url("socks5h://127.0.0.1");
    CHECK(proxy.port == 1080);
    CHECK_FALSE(proxy.username.has_value());
    proxy = mqtk::parse_proxy_url("socks5h://bob@[::1]:1082");
    CHECK(proxy.host == "::1");
    CHECK(proxy.port == 1082);
    CHECK(proxy.username == "bob");
    CHECK_FALSE(proxy.password.has_value());
    CHECK_THROWS_WITH(mqtk::parse_proxy_url("socks5h://h:70000"),
                      "--proxy: the port must be a number from 1 to 65535, not '70000'; use "
                      "socks5h://[user[:password]@]host[:port]");
    CHECK_THROWS_AS(mqtk::parse_proxy_url("socks5://h"), UsageError);
    CHECK_THROWS_AS(mqtk::parse_proxy_url("socks5h://h:0"), UsageError);
    CHECK_THROWS_AS(mqtk::parse_proxy_url("socks5h://:pw@h"), UsageError);
    CHECK_THROWS_AS(mqtk::parse_proxy_url("socks5h://u:%4@h"), UsageError);
  }

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

  TEST_CASE("WebSockets: ws:// and wss:// URLs with their path, or --ws at -h/-p with /mqtt") {
    ConnectFlags url;
    url.url = "ws://broker.example/mqtt";
    auto setup = build_connect_setup(url, 1);
    CHECK(setup.options.websocket_path == "/mqtt");
    CHECK(setup.options.port == 80);
    CHECK_FALSE(setup.options.tls.has_value());
    CHECK_FALSE(setup.url_topic.has_value());
    CHECK(setup.options.describe_server() == "ws://broker.example:80/mqtt");

    url.url = "wss://broker.example:8443/ws?x";
    setup = build_connect_setup(url, 1);
    CHECK(setup.options.port == 8443);
    REQUIRE(setup.options.tls.has_value());
    CHECK(setup.options.tls->use_os_certs);
    CHECK(setup.options.describe_server() == "wss://broker.example:8443/ws?x");
    url.url = "wss://broker.example/mqtt";
    CHECK(build_connect_setup(url, 1).options.port == 443);

    ConnectFlags flag;
    flag.ws = true;
    flag.host = "h";
    setup = build_connect_setup(flag, 1);
    CHECK(setup.options.websocket_path == "/mqtt");
    CHECK(setup.options.port == 1883);  // as mosquitto 2.1 chooses for --ws
    flag.cafile = "/ca.pem";
    CHECK(build_connect_setup(flag, 1).options.describe_server() == "wss://h:8883/mqtt");
    flag.cafile.reset();
    flag.url = "mqtt://u@h2:9001/a/b";
    setup = build_connect_setup(flag, 1);
    CHECK(setup.options.describe_server() == "ws://h2:9001/mqtt");
    CHECK(setup.url_topic == "a/b");

    ConnectFlags with_unix;
    with_unix.ws = true;
    with_unix.unix_socket = "/run/mosquitto.sock";
    CHECK_THROWS_WITH_AS(build_connect_setup(with_unix, 1), "--ws: WebSockets and --unix cannot be used together",
                         UsageError);
    ConnectFlags with_bind;
    with_bind.url = "ws://h/mqtt";
    with_bind.bind_address = "127.0.0.1";
    CHECK_THROWS_WITH_AS(build_connect_setup(with_bind, 1),
                         "-L: -A (a local address to bind to) is not supported over WebSockets", UsageError);
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
    CHECK_THROWS_WITH_AS(build_connect_setup(f, 1), "-D: MQTT properties need MQTT v5, but -V chose an older protocol",
                         UsageError);

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
