// The shared connection flags as typed on the command line (or in an options
// file), before they are checked together and turned into ConnectOptions.
// Kept free of CLI11 so the checks can be tested on their own.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "mqtk/mqtt/broker_connection.hpp"
#include "mqtk/mqtt/connect_options.hpp"

namespace mqtk {

struct ConnectFlags {
  std::optional<std::string> host;
  std::optional<int> port;
  std::optional<std::string> unix_socket;
  std::optional<std::string> url;
  bool ws = false;  // --ws: MQTT over WebSockets at -h/-p, path /mqtt
  std::optional<std::string> protocol_version;
  std::optional<std::string> id;
  std::optional<std::string> id_prefix;
  int keepalive = 60;
  std::optional<std::string> username;
  std::optional<std::string> password;  // resolved from -P, --pw-file, the terminal or MQTK_PASSWORD
  std::optional<std::string> bind_address;
  bool nodelay = false;
  bool debug = false;
  bool quiet = false;
  bool disable_clean_session = false;
  std::optional<std::string> session_expiry;
  std::optional<std::string> will_topic;
  std::optional<std::string> will_payload;
  int will_qos = 0;
  bool will_retain = false;
  std::vector<std::vector<std::string>> properties;
  int max_inflight = 20;
  int connect_timeout = 10;
  // TLS
  std::optional<std::string> cafile;
  std::optional<std::string> capath;
  std::optional<std::string> certfile;
  std::optional<std::string> keyfile;
  std::optional<std::string> keyform;
  std::optional<std::string> ciphers;
  std::optional<std::string> tls_version;
  std::optional<std::string> tls_alpn;
  std::optional<std::string> tls_engine;
  std::optional<std::string> tls_engine_kpass_sha1;
  std::optional<std::string> tls_keylog;
  bool insecure = false;
  bool tls_use_os_certs = false;
  std::optional<std::string> psk;
  std::optional<std::string> psk_identity;
  std::optional<std::string> proxy;
};

struct ConnectSetup {
  ConnectOptions options;
  // The topic part of -L, when -L was given.
  std::optional<std::string> url_topic;
};

// Checks the flags together (the rules of mosquitto's clients, with clearer
// messages) and builds the options. `process_id` completes -I prefixes.
// Throws UsageError naming the flag at fault.
ConnectSetup build_connect_setup(const ConnectFlags& flags, long process_id);

// Parses a -V value: mqttv31/31, mqttv311/311, mqttv5/5.
int parse_protocol_version(const std::string& text);

// Parses --proxy socks5h://[user[:password]@]host[:port]; user and password
// may be percent-encoded (%40 for @, %3A for :, %25 for %).
ProxyOptions parse_proxy_url(const std::string& text);

// Parses a -x value: seconds, or -1 / 4294967295 / "∞" for "never expires".
std::uint32_t parse_session_expiry(const std::string& text);

}  // namespace mqtk
