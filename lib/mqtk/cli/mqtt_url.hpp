// The -L/--url form of a connection: mqtt(s)://[user[:password]@]host[:port]/topic
// or, over WebSockets, ws(s)://[user[:password]@]host[:port]/path
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mqtk {

struct MqttUrl {
  bool tls = false;  // mqtts:// or wss://
  // ws:// or wss://: the HTTP path of the WebSocket endpoint ("/mqtt"), which
  // takes the place of the topic, as in mosquitto 2.1's manual.
  std::optional<std::string> websocket_path;
  std::optional<std::string> username;
  std::optional<std::string> password;
  std::string host;
  std::optional<int> port;
  std::string topic;  // everything after the first '/' following the host; empty for ws(s)://
};

// The host[:port] part of a URL; an IPv6 literal is written in brackets,
// [::1]:1883. `problem` says what is wrong when it cannot be read.
struct HostPort {
  std::string host;
  std::optional<int> port;
  std::string problem;
};
HostPort split_host_port(std::string_view authority);

// Parses `text` the way mosquitto's clients do: the scheme is matched without
// regard to case, user and password are taken literally (no percent-decoding).
// An IPv6 literal may be written in brackets: mqtt://[::1]:1883/topic.
// Throws UsageError naming -L on anything malformed.
MqttUrl parse_mqtt_url(std::string_view text);

}  // namespace mqtk
