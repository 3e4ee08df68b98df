#include "mqtk/connect_flags.hpp"

#include <charconv>
#include <cstdint>

#include "mqtk/error.hpp"
#include "mqtk/mqtt_url.hpp"
#include "mqtk/topic.hpp"

namespace mqtk {

std::string ConnectOptions::describe_server() const {
  if (!unix_socket.empty()) return unix_socket;
  bool ipv6_literal = host.find(':') != std::string::npos;
  return (ipv6_literal ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

int parse_protocol_version(const std::string& text) {
  if (text == "mqttv31" || text == "31") return kMqtt31;
  if (text == "mqttv311" || text == "311") return kMqtt311;
  if (text == "mqttv5" || text == "5") return kMqtt5;
  throw UsageError("-V: unknown protocol version '" + text + "'; use mqttv5, mqttv311 or mqttv31");
}

std::uint32_t parse_session_expiry(const std::string& text) {
  if (text == "∞" || text == "-1") return UINT32_MAX;
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value > UINT32_MAX) {
    throw UsageError("-x: the session expiry interval must be seconds from 0 to 4294967295, or -1 or ∞ "
                     "for a session that never expires, not '" + text + "'");
  }
  return static_cast<std::uint32_t>(value);
}

ConnectSetup build_connect_setup(const ConnectFlags& flags, long process_id) {
  if (!flags.unsupported.empty()) {
    throw UsageError(flags.unsupported.front() +
                     ": TLS and proxy connections are not supported by this version of mqtk yet");
  }
  ConnectSetup setup;
  ConnectOptions& options = setup.options;

  if (flags.host) options.host = *flags.host;
  if (flags.port) options.port = *flags.port;
  if (flags.username) options.username = flags.username;
  if (flags.password) options.password = flags.password;
  if (flags.url) {
    MqttUrl url = parse_mqtt_url(*flags.url);
    if (url.tls) throw UsageError("-L: mqtts:// needs TLS, which this version of mqtk does not support yet");
    // The URL is the more specific of the two ways to name the server.
    options.host = url.host;
    options.port = url.port.value_or(1883);
    if (url.username) options.username = url.username;
    if (url.password) options.password = url.password;
    setup.url_topic = url.topic;
  }
  if (flags.unix_socket) {
    if (flags.host || flags.url) throw UsageError("--unix: give either a socket path or a host (-h/-L), not both");
    if (flags.unix_socket->empty()) throw UsageError("--unix: the socket path must not be empty");
    options.unix_socket = *flags.unix_socket;
  }
  if (options.host.empty()) throw UsageError("-h: the host must not be empty");
  if (flags.protocol_version) {
    options.protocol_version = parse_protocol_version(*flags.protocol_version);
  } else if (!flags.properties.empty() || flags.session_expiry) {
    // As in mosquitto's clients, properties imply MQTT v5.
    options.protocol_version = kMqtt5;
  }

  if (options.password && !options.username && options.protocol_version != kMqtt5) {
    throw UsageError("-P: a password needs a username (-u) before MQTT v5");
  }

  for (const auto& words : flags.properties) add_property(options.properties, words);
  check_properties(options.properties);
  if (!options.properties.empty() && options.protocol_version != kMqtt5) {
    throw UsageError("-D: MQTT properties need MQTT v5, but -V chose an older protocol");
  }

  if (flags.id && flags.id_prefix) throw UsageError("-i and -I cannot be used together");
  if (flags.id) {
    if (flags.id->empty()) throw UsageError("-i: the client id must not be empty");
    options.client_id = *flags.id;
  }
  if (flags.id_prefix) options.client_id = *flags.id_prefix + std::to_string(process_id);
  bool has_fixed_id = flags.id.has_value();

  options.keepalive = flags.keepalive;
  if (flags.bind_address) options.bind_address = *flags.bind_address;
  options.tcp_nodelay = flags.nodelay;
  options.debug = flags.debug;
  options.clean_session = !flags.disable_clean_session;
  options.max_inflight = flags.max_inflight;
  options.connect_timeout_seconds = flags.connect_timeout;

  if (flags.session_expiry) {
    if (options.protocol_version != kMqtt5) {
      throw UsageError("-x: the session expiry interval needs MQTT v5 (-V mqttv5)");
    }
    options.session_expiry_interval = parse_session_expiry(*flags.session_expiry);
  } else if (options.protocol_version == kMqtt5 && !options.clean_session) {
    // -c alone asks for a session that survives the client, as in mosquitto.
    options.session_expiry_interval = UINT32_MAX;
  }
  if (options.protocol_version == kMqtt5) {
    if (options.session_expiry_interval == UINT32_MAX && !has_fixed_id) {
      throw UsageError("-c/-x: a session that never expires needs a fixed client id (-i)");
    }
  } else if (!options.clean_session && !has_fixed_id) {
    throw UsageError("-c: a persistent session needs a fixed client id (-i)");
  }

  if (flags.will_payload && !flags.will_topic) throw UsageError("--will-payload: needs --will-topic");
  if (flags.will_retain && !flags.will_topic) throw UsageError("--will-retain: needs --will-topic");
  if (flags.will_topic) {
    check_publish_topic(*flags.will_topic, "--will-topic");
    options.will = Will{*flags.will_topic, flags.will_payload.value_or(""), flags.will_qos, flags.will_retain};
  } else if (!options.properties.will.empty()) {
    throw UsageError("-D will: will properties need --will-topic");
  }
  return setup;
}

}  // namespace mqtk
