// The shared connection flags as typed on the command line (or in an options
// file), before they are checked together and turned into ConnectOptions.
// Kept free of CLI11 so the checks can be tested on their own.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "mqtk/connect_options.hpp"

namespace mqtk {

struct ConnectFlags {
  std::optional<std::string> host;
  std::optional<int> port;
  std::optional<std::string> unix_socket;
  std::optional<std::string> url;
  std::optional<std::string> protocol_version;
  std::optional<std::string> id;
  std::optional<std::string> id_prefix;
  int keepalive = 60;
  std::optional<std::string> username;
  std::optional<std::string> password;
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
  // TLS and proxy flags that were given; this build rejects them by name.
  std::vector<std::string> unsupported;
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

// Parses a -x value: seconds, or -1 / 4294967295 / "∞" for "never expires".
std::uint32_t parse_session_expiry(const std::string& text);

}  // namespace mqtk
