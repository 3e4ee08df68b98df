#include "mqtk/cli/connect_flags.hpp"

#include <charconv>
#include <cstdint>

#include "mqtk/base/error.hpp"
#include "mqtk/cli/mqtt_url.hpp"
#include "mqtk/mqtt/topic.hpp"

namespace mqtk {

std::string describe_host_port(const std::string& host, int port) {
  bool ipv6_literal = host.find(':') != std::string::npos;
  return (ipv6_literal ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

std::string ConnectOptions::describe_server() const {
  if (websocket_path) return (tls ? "wss://" : "ws://") + describe_host_port(host, port) + *websocket_path;
  return unix_socket.empty() ? describe_host_port(host, port) : unix_socket;
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
    throw UsageError(
        "-x: the session expiry interval must be seconds from 0 to 4294967295, or -1 or ∞ "
        "for a session that never expires, not '" +
        text + "'");
  }
  return static_cast<std::uint32_t>(value);
}

namespace {

std::optional<std::string> percent_decode(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    unsigned value = 0;
    if (i + 2 >= text.size()) return std::nullopt;
    auto [end, ec] = std::from_chars(text.data() + i + 1, text.data() + i + 3, value, 16);
    if (ec != std::errc() || end != text.data() + i + 3) return std::nullopt;
    out.push_back(static_cast<char>(value));
    i += 2;
  }
  return out;
}

TlsOptions tls_options_from(const ConnectFlags& flags) {
  TlsOptions tls;
  tls.cafile = flags.cafile.value_or("");
  tls.capath = flags.capath.value_or("");
  tls.certfile = flags.certfile.value_or("");
  tls.keyfile = flags.keyfile.value_or("");
  tls.keyform = flags.keyform.value_or("pem");
  tls.ciphers = flags.ciphers.value_or("");
  tls.version = flags.tls_version.value_or("");
  tls.alpn = flags.tls_alpn.value_or("");
  tls.engine = flags.tls_engine.value_or("");
  tls.engine_kpass_sha1 = flags.tls_engine_kpass_sha1.value_or("");
  tls.insecure = flags.insecure;
  tls.use_os_certs = flags.tls_use_os_certs;
  tls.psk = flags.psk.value_or("");
  tls.psk_identity = flags.psk_identity.value_or("");
  tls.keylog = flags.tls_keylog.value_or("");
  return tls;
}

// The TLS flags that go together, or not, as mosquitto's clients pair them.
void check_tls_pairs(const ConnectFlags& flags, const TlsOptions& tls, bool certificates) {
  if (certificates && !tls.psk.empty()) throw UsageError("--psk: use either a PSK or --cafile/--capath, not both");
  if (!tls.psk.empty() && tls.psk_identity.empty()) throw UsageError("--psk: needs --psk-identity");
  if (tls.psk.empty() && !tls.psk_identity.empty()) throw UsageError("--psk-identity: needs --psk");
  if (tls.certfile.empty() != tls.keyfile.empty()) {
    throw UsageError(tls.certfile.empty() ? "--key: needs --cert" : "--cert: needs --key");
  }
  if (tls.keyform != "pem" && tls.keyform != "engine") {
    throw UsageError("--keyform: must be pem or engine, not '" + tls.keyform + "'");
  }
  if (flags.keyform && tls.keyfile.empty()) throw UsageError("--keyform: needs --key");
  if (tls.keyform == "engine" && tls.engine.empty()) throw UsageError("--keyform engine: needs --tls-engine");
  if (!tls.engine_kpass_sha1.empty() && (tls.keyform != "engine" || tls.engine.empty())) {
    throw UsageError("--tls-engine-kpass-sha1: needs --tls-engine and --keyform engine");
  }
  if (!tls.version.empty() && tls.version != "tlsv1.3" && tls.version != "tlsv1.2" && tls.version != "tlsv1.1") {
    throw UsageError("--tls-version: must be tlsv1.3, tlsv1.2 or tlsv1.1, not '" + tls.version + "'");
  }
}

// Flags that only mean something with TLS: say so rather than ignore them.
void refuse_flags_needing_tls(const ConnectFlags& flags, const TlsOptions& tls) {
  const std::pair<bool, const char*> needs_tls[] = {
      {!tls.certfile.empty(), "--cert"},       {flags.insecure, "--insecure"},    {!tls.ciphers.empty(), "--ciphers"},
      {!tls.version.empty(), "--tls-version"}, {!tls.alpn.empty(), "--tls-alpn"}, {!tls.engine.empty(), "--tls-engine"},
      {!tls.keylog.empty(), "--tls-keylog"}};
  for (const auto& [given, flag] : needs_tls) {
    if (given) {
      throw UsageError(std::string(flag) + ": needs TLS: give --cafile, --capath, --tls-use-os-certs or --psk");
    }
  }
}

// The TLS flags checked together, as mosquitto's clients check them; nothing
// when they do not ask for TLS.
std::optional<TlsOptions> build_tls(const ConnectFlags& flags, bool url_wants_tls) {
  TlsOptions tls = tls_options_from(flags);
  bool certificates = !tls.cafile.empty() || !tls.capath.empty();
  if (url_wants_tls && !certificates && tls.psk.empty()) tls.use_os_certs = true;  // as mosquitto does for mqtts://
  bool enabled = certificates || tls.use_os_certs || !tls.psk.empty();
  check_tls_pairs(flags, tls, certificates);
  if (!enabled) {
    refuse_flags_needing_tls(flags, tls);
    return std::nullopt;
  }
  return tls;
}

}  // namespace

ProxyOptions parse_proxy_url(const std::string& text) {
  const std::string scheme = "socks5h://";
  auto fail = [&](const std::string& problem) -> UsageError {
    return UsageError("--proxy: " + problem + "; use socks5h://[user[:password]@]host[:port]");
  };
  if (text.compare(0, scheme.size(), scheme) != 0) throw fail("only socks5h:// proxies are supported");
  std::string_view rest(text);
  rest.remove_prefix(scheme.size());
  ProxyOptions proxy;
  if (std::size_t at = rest.rfind('@'); at != std::string_view::npos) {
    std::string_view credentials = rest.substr(0, at);
    rest = rest.substr(at + 1);
    std::size_t colon = credentials.find(':');
    auto user = percent_decode(credentials.substr(0, colon));
    if (!user || user->empty()) throw fail("the user name is empty or badly percent-encoded");
    proxy.username = *user;
    if (colon != std::string_view::npos) {
      auto password = percent_decode(credentials.substr(colon + 1));
      if (!password) throw fail("the password is badly percent-encoded");
      proxy.password = *password;
    }
  }
  HostPort host_port = split_host_port(rest);
  if (!host_port.problem.empty()) throw fail(host_port.problem);
  proxy.host = std::move(host_port.host);
  if (host_port.port) proxy.port = *host_port.port;
  return proxy;
}

namespace {

// MQTT over WebSockets: -L ws:// or wss:// with its path, or --ws, which
// (as in mosquitto 2.1) keeps -h/-p, or -L mqtt://'s host, port and topic,
// and asks for the path mosquitto's library asks for, /mqtt.
void choose_websocket(const ConnectFlags& flags, const std::optional<MqttUrl>& url, ConnectOptions& options) {
  if (url && url->websocket_path) {
    options.websocket_path = url->websocket_path;
  } else if (flags.ws) {
    options.websocket_path = "/mqtt";
  }
  if (!options.websocket_path) return;
  const char* flag = flags.ws ? "--ws" : "-L";
  if (flags.unix_socket) throw UsageError(std::string(flag) + ": WebSockets and --unix cannot be used together");
  if (options.proxy) throw UsageError(std::string(flag) + ": WebSockets through --proxy are not supported");
  if (flags.bind_address)
    throw UsageError(std::string(flag) + ": -A (a local address to bind to) is not supported over WebSockets");
}

// Where the broker is: -h and -p, or -L's URL (the more specific of the two
// ways to name it), over TLS or not, through --proxy, or at --unix.
void choose_server(const ConnectFlags& flags, ConnectSetup& setup) {
  ConnectOptions& options = setup.options;
  if (flags.host) options.host = *flags.host;
  if (flags.username) options.username = flags.username;
  if (flags.password) options.password = flags.password;
  std::optional<MqttUrl> url;
  if (flags.url) {
    url = parse_mqtt_url(*flags.url);
    options.host = url->host;
    if (url->username) options.username = url->username;
    if (url->password) options.password = url->password;
    if (!url->websocket_path) setup.url_topic = url->topic;  // ws(s):// has a path instead
  }
  bool url_wants_tls = url && url->tls;
  options.tls = build_tls(flags, url_wants_tls);
  // Without a port, 8883 for TLS and 1883 otherwise, as mosquitto chooses;
  // a URL's own choice (mqtt:// or mqtts://) rules over the TLS flags.
  int default_port = (url ? url_wants_tls : options.tls.has_value()) ? 8883 : 1883;
  if (url && url->websocket_path) default_port = url_wants_tls ? 443 : 80;  // as for any ws:// URL
  options.port = url ? url->port.value_or(default_port) : flags.port.value_or(default_port);
  if (flags.proxy) options.proxy = parse_proxy_url(*flags.proxy);
  choose_websocket(flags, url, options);
  if (flags.unix_socket) {
    if (flags.host || flags.url) throw UsageError("--unix: give either a socket path or a host (-h/-L), not both");
    if (options.proxy) throw UsageError("--unix: a unix socket cannot be reached through --proxy");
    if (flags.unix_socket->empty()) throw UsageError("--unix: the socket path must not be empty");
    options.unix_socket = *flags.unix_socket;
  }
  if (options.host.empty()) throw UsageError("-h: the host must not be empty");
}

void choose_protocol_version(const ConnectFlags& flags, ConnectOptions& options) {
  if (flags.protocol_version) {
    options.protocol_version = parse_protocol_version(*flags.protocol_version);
  } else if (!flags.properties.empty() || flags.session_expiry) {
    // As in mosquitto's clients, properties imply MQTT v5.
    options.protocol_version = kMqtt5;
  }
}

void add_properties(const ConnectFlags& flags, ConnectOptions& options) {
  for (const auto& words : flags.properties) add_property(options.properties, words);
  check_properties(options.properties);
  if (!options.properties.empty() && options.protocol_version != kMqtt5) {
    throw UsageError("-D: MQTT properties need MQTT v5, but -V chose an older protocol");
  }
}

void choose_client_id(const ConnectFlags& flags, long process_id, ConnectOptions& options) {
  if (flags.id && flags.id_prefix) throw UsageError("-i and -I cannot be used together");
  if (flags.id) {
    if (flags.id->empty()) throw UsageError("-i: the client id must not be empty");
    options.client_id = *flags.id;
  }
  if (flags.id_prefix) options.client_id = *flags.id_prefix + std::to_string(process_id);
}

// How long the broker keeps the session (-c, -x). A session the broker keeps
// must be found again by a fixed client id.
void choose_session(const ConnectFlags& flags, ConnectOptions& options) {
  options.clean_session = !flags.disable_clean_session;
  if (flags.session_expiry) {
    if (options.protocol_version != kMqtt5) {
      throw UsageError("-x: the session expiry interval needs MQTT v5 (-V mqttv5)");
    }
    options.session_expiry_interval = parse_session_expiry(*flags.session_expiry);
  } else if (options.protocol_version == kMqtt5 && !options.clean_session) {
    // -c alone asks for a session that survives the client, as in mosquitto.
    options.session_expiry_interval = UINT32_MAX;
  }
  bool has_fixed_id = flags.id.has_value();
  if (options.protocol_version == kMqtt5) {
    if (options.session_expiry_interval == UINT32_MAX && !has_fixed_id) {
      throw UsageError("-c/-x: a session that never expires needs a fixed client id (-i)");
    }
  } else if (!options.clean_session && !has_fixed_id) {
    throw UsageError("-c: a persistent session needs a fixed client id (-i)");
  }
}

void choose_will(const ConnectFlags& flags, ConnectOptions& options) {
  if (flags.will_payload && !flags.will_topic) throw UsageError("--will-payload: needs --will-topic");
  if (flags.will_retain && !flags.will_topic) throw UsageError("--will-retain: needs --will-topic");
  if (flags.will_topic) {
    check_publish_topic(*flags.will_topic, "--will-topic");
    options.will = Will{*flags.will_topic, flags.will_payload.value_or(""), flags.will_qos, flags.will_retain};
  } else if (!options.properties.will.empty()) {
    throw UsageError("-D will: will properties need --will-topic");
  }
}

}  // namespace

// Later steps check what earlier ones chose (the password, the properties and
// the session need the protocol version), and a command line with several
// mistakes is told the first of them in this order, as it always was.
ConnectSetup build_connect_setup(const ConnectFlags& flags, long process_id) {
  ConnectSetup setup;
  ConnectOptions& options = setup.options;
  choose_server(flags, setup);
  choose_protocol_version(flags, options);
  if (options.password && !options.username && options.protocol_version != kMqtt5) {
    throw UsageError("-P: a password needs a username (-u) before MQTT v5");
  }
  add_properties(flags, options);
  choose_client_id(flags, process_id, options);
  options.keepalive = flags.keepalive;
  if (flags.bind_address) options.bind_address = *flags.bind_address;
  options.tcp_nodelay = flags.nodelay;
  options.debug = flags.debug;
  options.max_inflight = flags.max_inflight;
  options.connect_timeout_seconds = flags.connect_timeout;
  choose_session(flags, options);
  choose_will(flags, options);
  return setup;
}

}  // namespace mqtk
