// mqtk-top's own flags: as typed (TopFlags, defined for CLI11 by
// add_top_flags), then checked together with the connection into what the
// run needs (TopSetup).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mqtk/base/reporter.hpp"
#include "mqtk/cli/connect_flags.hpp"
#include "mqtk/cli/payload_flags.hpp"
#include "mqtk/cli/subscription_flags.hpp"
#include "mqtk/client/subscriber.hpp"
#include "mqtk/output/message_format.hpp"
#include "mqtk/top/payload_evaluation.hpp"
#include "mqtk/top/top_monitor.hpp"

namespace CLI {
class App;
}

namespace mqtk {

struct TopFlags {
  std::vector<std::string> topics;      // -t; "#" when none
  std::vector<std::string> filter_out;  // -T
  int qos = 0;
  bool once = false;                    // --once
  std::optional<std::string> after;     // --after DURATION
  bool json = false;                    // --json
  std::optional<std::string> interval;  // --interval DURATION
  std::optional<std::string> refresh;   // --refresh DURATION
  std::string sort = "rate";            // --sort
  std::optional<std::string> filter;    // --filter PATTERN
  std::optional<int> depth;             // --depth N: fold below N levels
  long max_topics = 100'000;            // --max-topics
  ColorChoice color = ColorChoice::kAuto;
  SubscriptionFlags subscription;  // --reconnect-*
  PayloadFlags payload;            // --decode, --proto-path, --jq, -r
};

void add_top_flags(CLI::App& app, TopFlags& flags);

struct TopSetup {
  SubscribeOptions subscribe;
  TopOptions options;
  std::unique_ptr<PayloadEvaluation> evaluation;
};

// Checks the flags with the connection. `interactive`: standard output is a
// terminal (the full screen needs one); `width` its width when it is.
// `reporter` receives the warnings of payloads that do not decode and jq
// errors. Throws UsageError naming the flag at fault.
TopSetup check_top_flags(const TopFlags& flags, ConnectSetup& connect, bool interactive, std::size_t width,
                         const Reporter& reporter);

}  // namespace mqtk
