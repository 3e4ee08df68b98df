// mqtk-sub's own flags: as typed (SubFlags, defined for CLI11 by
// add_sub_flags), then checked together with the connection (SubSetup) and
// turned into the output format the flags ask for.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "mqtk/base/output_buffer.hpp"
#include "mqtk/base/reporter.hpp"
#include "mqtk/cli/connect_flags.hpp"
#include "mqtk/cli/payload_flags.hpp"
#include "mqtk/cli/subscription_flags.hpp"
#include "mqtk/client/subscriber.hpp"
#include "mqtk/output/message_format.hpp"

namespace CLI {
class App;
}

namespace mqtk {

struct SubFlags {
  SubscribeOptions options;
  bool no_end_of_line = false;
  bool verbose = false;
  std::optional<std::string> format;
  bool json = false;
  bool csv = false;
  ColorChoice color = ColorChoice::kAuto;
  bool pretty = false;
  std::optional<std::string> format_version;  // "2.0" or "2.1": whose -F output
  bool retain_as_published = false;
  SubscriptionFlags subscription;  // --retain-handling, --reconnect-*
  std::optional<double> random_filter;
  PayloadFlags payload;  // --decode, --proto-path, --jq, -r
};

void add_sub_flags(CLI::App& app, SubFlags& flags);

// Checks the subscription flags with the connection (-L's topic, MQTT v5's
// receive maximum) and fills in `flags.options` and `connect.options`.
// `interactive` is whether standard output is a terminal (no read batching
// then). Throws UsageError. Warnings go to `reporter`.
void check_sub_flags(SubFlags& flags, ConnectSetup& connect, bool interactive, const Reporter& reporter);

// The output format the flags ask for, decoding payloads as --decode says
// (warnings about payloads that do not decode go to `reporter`); --csv
// writes its header into `out`. Throws UsageError when formats are mixed or
// a decoder cannot be made.
std::unique_ptr<MessageFormat> make_sub_format(const SubFlags& flags, OutputBuffer& out, const Reporter& reporter);

}  // namespace mqtk
