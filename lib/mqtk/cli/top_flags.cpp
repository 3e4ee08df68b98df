#include "mqtk/cli/top_flags.hpp"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <map>

#include "mqtk/base/error.hpp"
#include "mqtk/base/units.hpp"
#include "mqtk/cli/cli.hpp"
#include "mqtk/mqtt/topic.hpp"
#include "mqtk/top/top_screen.hpp"

namespace mqtk {

void add_top_flags(CLI::App& app, TopFlags& flags) {
  const char* what = "Subscription";
  app.add_option("-t,--topic", flags.topics, "Topic filter to watch; repeat for more (default: #)")
      ->type_name("FILTER")
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->group(what);
  app.add_option("-T,--filter-out", flags.filter_out, "Leave out topics matching this filter; repeatable")
      ->type_name("FILTER")
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->group(what);
  app.add_option("-q,--qos", flags.qos, "Subscription quality of service: 0, 1 or 2 (default: 0)")
      ->type_name("{0,1,2}")
      ->check(CLI::Range(0, 2))
      ->group(what);
  add_reconnect_flags(app, flags.subscription, what);

  const char* view = "View";
  const std::map<std::string, std::string> sorts{
      {"rate", "rate"}, {"name", "name"}, {"count", "count"}, {"age", "age"}};
  app.add_option("--sort", flags.sort, "Sort by rate (default), name, count or age")
      ->transform(CLI::CheckedTransformer(sorts))
      ->type_name("{rate,name,count,age}")
      ->group(view);
  app.add_option("--filter", flags.filter, "Show only topics matching this pattern (a filter with + or #, or text)")
      ->type_name("PATTERN")
      ->group(view);
  app.add_option("--depth", flags.depth, "Fold the topic tree below this many levels")
      ->type_name("N")
      ->check(CLI::Range(1, 1000))
      ->group(view);
  app.add_option("--max-topics", flags.max_topics, "Topics kept at most (default: 100000); more are counted only")
      ->type_name("N")
      ->check(CLI::Range(1L, 100'000'000L))
      ->group(view);
  app.add_option("--refresh", flags.refresh, "How often the screen is redrawn (default: 1s)")
      ->type_name("DURATION")
      ->group(view);
  add_color_flag(app, flags.color, "Colour the screen: auto (default), always or never")->group(view);

  const char* scripts = "Output for scripts";
  app.add_flag("--once", flags.once, "Print the table once as text, after --after, and exit")->group(scripts);
  app.add_option("--after", flags.after, "How long to watch before the one snapshot (default: 5s)")
      ->type_name("DURATION")
      ->group(scripts);
  app.add_flag("--json", flags.json, "Print one JSON object per topic instead of the table")->group(scripts);
  app.add_option("--interval", flags.interval, "Print a snapshot every DURATION until stopped")
      ->type_name("DURATION")
      ->group(scripts);
  add_payload_flags(app, flags.payload, "Payloads");
}

namespace {

SortKey sort_key(const std::string& name) {
  if (name == "name") return SortKey::kName;
  if (name == "count") return SortKey::kCount;
  if (name == "age") return SortKey::kAge;
  return SortKey::kRate;
}

std::chrono::milliseconds positive_duration(const std::string& text, const char* flag) {
  std::chrono::milliseconds duration = parse_duration(text, flag);
  if (duration.count() <= 0) throw UsageError(std::string(flag) + ": give a duration longer than 0 (as 500ms or 2s)");
  return duration;
}

}  // namespace

TopSetup check_top_flags(const TopFlags& flags, ConnectSetup& connect, bool interactive, std::size_t width,
                         const Reporter& reporter) {
  TopSetup setup;
  SubscribeOptions& subscribe = setup.subscribe;
  subscribe.topics = flags.topics;
  if (connect.url_topic) subscribe.topics.insert(subscribe.topics.begin(), *connect.url_topic);
  if (subscribe.topics.empty()) subscribe.topics.push_back("#");
  for (const std::string& t : subscribe.topics) check_topic_filter(t, "-t");
  subscribe.filter_out = flags.filter_out;
  for (const std::string& t : subscribe.filter_out) check_topic_filter(t, "-T");
  subscribe.qos = flags.qos;
  apply_subscription_flags(flags.subscription, connect.options.protocol_version == kMqtt5, subscribe);
  if (connect.options.protocol_version == kMqtt5) connect.options.receive_maximum = kReceiveMaximum;
  // It only observes: no session of its own left behind on the broker.
  if (!connect.options.clean_session) throw UsageError("-c: mqtk-top only observes; it keeps no session");
  if (connect.options.will) throw UsageError("--will-topic: mqtk-top only observes; it leaves no will to publish");

  TopOptions& options = setup.options;
  bool snapshots = flags.once || flags.json || flags.interval.has_value();
  if (flags.once && flags.interval)
    throw UsageError("--once and --interval: choose one snapshot or one every interval");
  if (flags.after && !snapshots) throw UsageError("--after: the wait before the snapshot of --once or --json");
  if (flags.after && flags.interval) throw UsageError("--after goes with --once; --interval prints every interval");
  if (flags.refresh && snapshots)
    throw UsageError("--refresh: how often the screen is redrawn; not with --once, --json, --interval");
  if (!snapshots && !interactive) {
    throw UsageError(
        "the full screen needs a terminal on standard input and output: use --once or --json for text, --interval "
        "for a stream");
  }
  options.output = flags.json ? TopOutput::kJson : snapshots ? TopOutput::kText : TopOutput::kScreen;
  if (flags.after) options.after = positive_duration(*flags.after, "--after");
  if (flags.interval) options.interval = positive_duration(*flags.interval, "--interval");
  if (flags.refresh) options.refresh = positive_duration(*flags.refresh, "--refresh");
  options.view.sort = sort_key(flags.sort);
  if (flags.filter) options.view.filter = *flags.filter;
  options.view.depth = flags.depth.value_or(0);
  options.max_topics = static_cast<std::size_t>(flags.max_topics);
  options.color = use_color(flags.color, STDOUT_FILENO, std::getenv("NO_COLOR"));
  options.unicode = terminal_is_utf8();
  if (interactive && width > 0) options.width = width;
  // Into a pipe or file, read busy streams in bursts; see Session.
  if (!interactive) subscribe.read_batching = kBatchedReading;

  PayloadSetup payload =
      check_payload_flags(flags.payload, [&reporter](const std::string& debug) { reporter.info(debug); });
  WarningCallback warn = [&reporter](const std::string& warning) { reporter.warning(warning); };
  setup.evaluation =
      std::make_unique<PayloadEvaluation>(std::move(payload.decoders), std::move(payload.jq), payload.jq_form, warn);
  return setup;
}

}  // namespace mqtk
