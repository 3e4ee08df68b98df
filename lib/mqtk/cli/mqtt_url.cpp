#include "mqtk/cli/mqtt_url.hpp"

#include <strings.h>

#include <algorithm>
#include <charconv>

#include "mqtk/base/error.hpp"
#include "mqtk/cli/credentials.hpp"

namespace mqtk {
namespace {

bool starts_with_nocase(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && strncasecmp(text.data(), prefix.data(), prefix.size()) == 0;
}

[[noreturn]] void fail(std::string_view url, const std::string& problem) {
  throw UsageError("-L: invalid URL '" + redact_url(std::string(url)) + "': " + problem);
}

// The port's digits, or -1 when they are not a port number.
int parse_port(std::string_view digits) {
  int port = -1;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
  if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() || port < 1 || port > 65535) {
    return -1;
  }
  return port;
}

}  // namespace

HostPort split_host_port(std::string_view authority) {
  HostPort result;
  auto malformed = [](std::string problem) {
    HostPort bad;
    bad.problem = std::move(problem);
    return bad;
  };
  std::string_view host = authority;
  std::optional<std::string_view> digits;
  if (authority.starts_with('[')) {
    std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return malformed("unterminated '[' in the host");
    host = authority.substr(1, close - 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') return malformed("unexpected text after ']'");
      digits = after.substr(1);
    }
  } else if (std::size_t colon = authority.find(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    digits = authority.substr(colon + 1);
  }
  if (digits) {
    int port = parse_port(*digits);
    if (port < 0) return malformed("the port must be a number from 1 to 65535, not '" + std::string(*digits) + "'");
    result.port = port;
  }
  if (host.empty()) return malformed("the host is missing");
  result.host = std::string(host);
  return result;
}

MqttUrl parse_mqtt_url(std::string_view text) {
  MqttUrl url;
  std::string_view rest;
  bool websocket = false;
  for (std::string_view scheme : {"mqtt://", "mqtts://", "ws://", "wss://"}) {
    if (starts_with_nocase(text, scheme)) {
      rest = text.substr(scheme.size());
      url.tls = scheme == "mqtts://" || scheme == "wss://";
      websocket = scheme.starts_with("ws");
      break;
    }
  }
  if (rest.data() == nullptr) fail(text, "the scheme must be mqtt://, mqtts://, ws:// or wss://");

  std::size_t slash = rest.find('/');
  if (websocket) {
    // The path is sent as it is, query included; a URL without one asks for "/".
    url.websocket_path = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  } else {
    if (slash == std::string_view::npos) fail(text, "the topic is missing (mqtt://host/topic)");
    url.topic = std::string(rest.substr(slash + 1));
  }
  std::string_view authority = rest.substr(0, std::min(slash, rest.size()));

  if (std::size_t at = authority.find('@'); at != std::string_view::npos) {
    std::string_view credentials = authority.substr(0, at);
    authority = authority.substr(at + 1);
    if (std::size_t colon = credentials.find(':'); colon != std::string_view::npos) {
      url.password = std::string(credentials.substr(colon + 1));
      credentials = credentials.substr(0, colon);
    }
    url.username = std::string(credentials);
  }

  HostPort host_port = split_host_port(authority);
  if (!host_port.problem.empty()) fail(text, host_port.problem);
  url.host = std::move(host_port.host);
  url.port = host_port.port;
  return url;
}

}  // namespace mqtk
