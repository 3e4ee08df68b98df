// Everything needed to connect to a broker: the validated result of the
// shared connection flags. Built once at start-up and then only read.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "mqtk/mqtt/properties.hpp"
#include "mqtk/mqtt/tls_context.hpp"

namespace mqtk {

// MQTT protocol levels as they appear in the CONNECT packet.
inline constexpr int kMqtt31 = 3;
inline constexpr int kMqtt311 = 4;
inline constexpr int kMqtt5 = 5;

struct Will {
  std::string topic;
  std::string payload;
  int qos = 0;
  bool retain = false;
};

// --proxy socks5h://[user[:password]@]host[:port]
struct ProxyOptions {
  std::string host;
  int port = 1080;
  std::optional<std::string> username;
  std::optional<std::string> password;
};

struct ConnectOptions {
  std::string host = "localhost";
  int port = 1883;
  std::string unix_socket;  // --unix: a socket path used instead of host and port
  // Over WebSockets (-L ws://, wss://, --ws): the HTTP path of the endpoint;
  // unset for plain MQTT over TCP. With tls, wss://.
  std::optional<std::string> websocket_path;
  int protocol_version = kMqtt311;
  // MQTT v5 or nothing (mqtk-rr): a broker without v5 has no -V to fall back on.
  bool mqtt5_only = false;
  std::string client_id;  // empty: libmosquitto or the broker chooses one
  int keepalive = 60;
  std::optional<std::string> username;
  std::optional<std::string> password;
  std::string bind_address;
  bool tcp_nodelay = false;
  bool debug = false;
  bool clean_session = true;
  // MQTT v5 session expiry sent in CONNECT; unset sends none.
  std::optional<std::uint32_t> session_expiry_interval;
  std::optional<Will> will;
  CommandProperties properties;
  std::optional<TlsOptions> tls;
  std::optional<ProxyOptions> proxy;
  int max_inflight = 20;
  int connect_timeout_seconds = 10;
  // MQTT v5 receive maximum; 0 keeps libmosquitto's default (20).
  int receive_maximum = 0;

  // "host:port", "ws://host:port/path" or the socket path, for messages to the user.
  std::string describe_server() const;
};

// "host:port" for messages to the user, an IPv6 address in brackets.
std::string describe_host_port(const std::string& host, int port);

}  // namespace mqtk
