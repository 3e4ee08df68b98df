// mqtk-rr's own flags: as typed (RrFlags, defined for CLI11 by add_rr_flags),
// then checked together with the connection into the requests to send and
// how to wait for their replies. The request's flags are mqtk-pub's
// (-t, -m, -f, -s, -l, -n, -q) and the reply's output mqtk-sub's (-v, -N,
// -F, --pretty, --json), so both go through those tools' checks.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "mqtk/base/reporter.hpp"
#include "mqtk/base/standard_streams.hpp"
#include "mqtk/cli/connect_flags.hpp"
#include "mqtk/cli/pub_flags.hpp"
#include "mqtk/cli/sub_flags.hpp"
#include "mqtk/client/publish_source.hpp"
#include "mqtk/client/requester.hpp"

namespace CLI {
class App;
}

namespace mqtk {

// How long --count waits for each reply when -W does not say.
inline constexpr std::chrono::seconds kDefaultCountTimeout{5};

struct RrFlags {
  PubFlags request;  // -t, -m, -f, -s, -l, -n, -q
  SubFlags output;   // -v, -N, -F, --pretty, --json
  std::optional<std::string> response_topic;
  int timeout_seconds = 0;  // -W
  bool skip_retained = false;
  bool latency = false;
  std::optional<long> count;
  std::optional<std::string> interval;
};

void add_rr_flags(CLI::App& app, RrFlags& flags);

// mosquitto_rr speaks MQTT v5 unless told otherwise; mqtk-rr only speaks it
// (a response topic and correlation data need it): -V 5 when none is given,
// UsageError for any other.
void require_mqtt5(ConnectFlags& flags);

struct RrSetup {
  RequestOptions options;
  std::unique_ptr<PublishSource> requests;
};

// The requests and how to wait for their replies, checked with the
// connection (-L's topic). Reads -f and -s. Throws UsageError naming the
// flag at fault, Error when a file or standard input cannot be read.
RrSetup make_rr_setup(const RrFlags& flags, const ConnectSetup& connect, const StandardStreams& streams,
                      const Reporter& reporter);

}  // namespace mqtk
