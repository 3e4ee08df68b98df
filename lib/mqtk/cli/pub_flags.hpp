// mqtk-pub's own flags: as typed (PubFlags, defined for CLI11 by
// add_pub_flags), then checked together with the connection into what to
// publish: a PublishSource for -m, -f, -s, -l and -n, or the options of a
// replay.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mqtk/base/reporter.hpp"
#include "mqtk/base/standard_streams.hpp"
#include "mqtk/cli/connect_flags.hpp"
#include "mqtk/client/publish_source.hpp"
#include "mqtk/client/replay_source.hpp"

namespace CLI {
class App;
}

namespace mqtk {

struct PubFlags {
  std::optional<std::string> topic;
  std::optional<std::string> message;
  std::optional<std::string> file;
  bool stdin_whole = false;
  // -s reading nothing sends an empty message, as mosquitto_rr does;
  // mosquitto_pub (and mqtk-pub) refuse it, pointing to -n.
  bool empty_stdin_is_a_message = false;
  bool stdin_lines = false;
  bool null_message = false;
  std::optional<int> qos;  // unset: 0, or the recording's with --replay
  bool retain = false;
  bool retain_given = false;  // -r (a replay keeps the recorded flag otherwise)
  long repeat = 1;
  double repeat_delay = 0;
  std::optional<std::string> replay;
  std::string speed = "1";
  std::vector<std::string> loop;  // --loop [N]: one value, or "" for ever
  std::string topic_prefix;
  std::vector<std::string> topic_map;
  std::optional<std::string> from;
  std::optional<std::string> to;
  bool skip_bad = false;
};

void add_pub_flags(CLI::App& app, PubFlags& flags);

// What the flags ask to publish, checked with the connection (-L's topic,
// properties for packets mqtk-pub never sends, which are warned about).
// Reads -f and -s. Throws UsageError naming the flag at fault, Error when a
// file or standard input cannot be read.
std::unique_ptr<PublishSource> make_publish_source(const PubFlags& flags, const ConnectSetup& connect,
                                                   const StandardStreams& streams, const Reporter& reporter);

// The replay's options (--replay and the flags that shape it). Throws
// UsageError, also when a flag of the other mode is given.
ReplayOptions make_replay_options(const PubFlags& flags, const ConnectSetup& connect, const StandardStreams& streams);

}  // namespace mqtk
