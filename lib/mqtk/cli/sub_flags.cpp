#include "mqtk/cli/sub_flags.hpp"

#include <CLI/CLI.hpp>
#include <cstdlib>

#include <mqtt_protocol.h>

#include "mqtk/base/error.hpp"
#include "mqtk/cli/cli.hpp"
#include "mqtk/mqtt/topic.hpp"
#include "mqtk/output/decoded_format.hpp"
#include "mqtk/output/format_program.hpp"
#include "mqtk/output/formatted_output.hpp"
#include "mqtk/records/jq_output.hpp"
#include "mqtk/records/record_formats.hpp"

namespace mqtk {
namespace {

// libmosquitto's default receive maximum; mosquitto_sub lowers it for small -C.
constexpr long kDefaultReceiveMaximum = 20;

}  // namespace

void add_sub_flags(CLI::App& app, SubFlags& flags) {
  SubscribeOptions& o = flags.options;
  const char* what = "Subscription";
  app.add_option("-t,--topic", o.topics, "Topic filter to subscribe to; repeat for more")
      ->type_name("FILTER")
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->group(what);
  app.add_option("-T,--filter-out", o.filter_out, "Do not print topics matching this filter; repeatable")
      ->type_name("FILTER")
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->group(what);
  app.add_option("-U,--unsubscribe", o.unsubscribe, "Unsubscribe from this filter after subscribing; repeatable")
      ->type_name("FILTER")
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->group(what);
  app.add_option("-q,--qos", o.qos, "Subscription quality of service: 0, 1 or 2 (default: 0)")
      ->type_name("{0,1,2}")
      ->check(CLI::Range(0, 2))
      ->group(what);
  app.add_option("-C", o.max_messages, "Exit after this many messages")
      ->type_name("N")
      ->check(CLI::Range(1L, 2147483647L))
      ->group(what);
  app.add_option("-W", o.timeout_seconds, "Exit (status 27) after this many seconds")
      ->type_name("SECONDS")
      ->check(CLI::Range(1, 2147483647))
      ->group(what);
  app.add_flag("-E", o.exit_after_subscribe, "Exit once the broker has acknowledged the subscriptions")->group(what);
  app.add_flag("-R", o.skip_retained, "Do not print retained (stale) messages")->group(what);
  app.add_flag("--retained-only", o.retained_only, "Print only retained messages; exit at the first live one")
      ->group(what);
  app.add_flag("--remove-retained", o.remove_retained, "Clear each retained message received")->group(what);
  app.add_flag("--retain-as-published", flags.retain_as_published, "MQTT v5: keep the retain flag as published")
      ->group(what);
  add_retain_handling_flag(app, flags.subscription, what);
  add_reconnect_flags(app, flags.subscription, what);
  app.add_option("--random-filter", flags.random_filter, "Print only this percentage of messages (0.1 to 100)")
      ->type_name("PERCENT")
      ->check(decimal_between(0.1, 100.0))
      ->group(what);

  const char* output = "Output";
  app.add_flag("-v,--verbose", flags.verbose, "Print the topic before each payload")->group(output);
  app.add_flag("-N", flags.no_end_of_line, "Do not end each message with a newline")->group(output);
  app.add_option("-F", flags.format, "Output format, as mosquitto_sub's (see man mqtk-sub)")
      ->type_name("FORMAT")
      ->group(output);
  app.add_flag("--pretty", flags.pretty, "Indent the JSON of -F %j and %J")->group(output);
  app.add_option("--format-version", flags.format_version,
                 "-F as mosquitto_sub 2.0 (default) or 2.1 prints it, where they differ")
      ->check(CLI::IsMember({"2.0", "2.1"}))
      ->type_name("{2.0,2.1}")
      ->group(output);
  app.add_flag("--json", flags.json, "One JSON object per message (see man mqtk-sub)")->group(output);
  app.add_flag("--csv", flags.csv, "CSV, a header line and a row per message (see man mqtk-sub)")->group(output);
  add_color_flag(app, flags.color, "Colour topics with -v: auto (default), always or never")->group(output);
  add_payload_flags(app, flags.payload, "Payloads");
}

void check_sub_flags(SubFlags& flags, ConnectSetup& setup, bool interactive, const Reporter& reporter) {
  SubscribeOptions& options = flags.options;
  if (setup.url_topic) options.topics.insert(options.topics.begin(), *setup.url_topic);
  if (options.topics.empty()) throw UsageError("-t: give at least one topic to subscribe to");
  for (const std::string& t : options.topics) check_topic_filter(t, "-t");
  for (const std::string& t : options.filter_out) check_topic_filter(t, "-T");
  for (const std::string& t : options.unsubscribe) check_topic_filter(t, "-U");
  if (options.skip_retained && options.retained_only) {
    throw UsageError("-R and --retained-only together would print nothing");
  }
  apply_subscription_flags(flags.subscription, setup.options.protocol_version == kMqtt5, options);
  if (flags.random_filter) options.print_percentage = *flags.random_filter;
  if (options.skip_retained) options.subscribe_options |= MQTT_SUB_OPT_SEND_RETAIN_NEVER;
  if (flags.retain_as_published) options.subscribe_options |= MQTT_SUB_OPT_RETAIN_AS_PUBLISHED;
  // Publish properties go with --remove-retained's publishes; mosquitto_sub
  // accepts them either way, so only say when they do nothing.
  if (!setup.options.properties.publish.empty() && !options.remove_retained) {
    reporter.warning("-D publish: mqtk-sub publishes only with --remove-retained; ignored");
  }
  if (setup.options.protocol_version == kMqtt5) setup.options.receive_maximum = kReceiveMaximum;
  // Receiving more than -C asks for would acknowledge messages never printed.
  if (options.max_messages > 0 && options.max_messages < kDefaultReceiveMaximum) {
    setup.options.receive_maximum = static_cast<int>(options.max_messages);
  }
  // Into a pipe or file, read busy streams in bursts; see Session.
  if (!interactive) options.read_batching = kBatchedReading;
}

namespace {

// The output format the flags ask for, as mosquitto_sub's; --csv writes its
// header at once.
std::unique_ptr<MessageFormat> make_format(const SubFlags& flags, OutputBuffer& out, const Reporter& reporter) {
  if (flags.json + flags.csv + flags.format.has_value() > 1) {
    throw UsageError("choose one of -F, --json and --csv");
  }
  if (flags.pretty && !flags.format) {
    throw UsageError(
        "--pretty: indents the JSON of -F %j and %J; --json writes one record a line (pipe it into jq "
        "for indented JSON)");
  }
  if (flags.format_version && !flags.format) {
    throw UsageError("--format-version: chooses how -F prints; give -F too");
  }
  if ((flags.json || flags.csv) && (flags.verbose || flags.no_end_of_line)) {
    throw UsageError(std::string(flags.json ? "--json" : "--csv") + " writes whole records; drop -v and -N");
  }
  if (flags.format) {
    // As in mosquitto_sub, -F takes precedence over -v.
    FormatVersion version = flags.format_version == "2.1" ? FormatVersion::kMosquitto21 : FormatVersion::kMosquitto20;
    return std::make_unique<FormatProgram>(
        *flags.format, !flags.no_end_of_line, flags.pretty,
        [&reporter](std::string_view warning) { reporter.error(warning); }, version);
  }
  if (flags.json) return std::make_unique<JsonLinesFormat>();
  if (flags.csv) {
    out.append(CsvFormat::kHeader);
    out.end_message();
    return std::make_unique<CsvFormat>();
  }
  bool color = use_color(flags.color, out.fd(), std::getenv("NO_COLOR"));
  return make_plain_format(flags.verbose, !flags.no_end_of_line, color);
}

// --jq prints the program's outputs and nothing else: a format flag beside
// it would be ignored.
void check_jq_alone(const SubFlags& flags) {
  const char* conflict = flags.format           ? "-F"
                         : flags.json           ? "--json"
                         : flags.csv            ? "--csv"
                         : flags.verbose        ? "-v"
                         : flags.no_end_of_line ? "-N"
                                                : nullptr;
  if (conflict != nullptr) {
    throw UsageError(std::string("--jq prints its program's outputs, one a line; drop ") + conflict +
                     " (the program's input is the --json record: select or reshape it there)");
  }
}

}  // namespace

std::unique_ptr<MessageSink> make_sub_output(const SubFlags& flags, OutputBuffer& out, const Reporter& reporter) {
  if (flags.payload.jq) check_jq_alone(flags);
  PayloadSetup payload =
      check_payload_flags(flags.payload, [&reporter](const std::string& debug) { reporter.info(debug); });
  WarningCallback warn = [&reporter](const std::string& warning) { reporter.warning(warning); };
  bool decoding = !payload.decoders.empty();
  auto decoders = std::make_shared<const DecoderChoice>(std::move(payload.decoders));
  if (payload.jq) {
    return std::make_unique<JqOutput>(std::move(*payload.jq), payload.jq_form, PayloadDecoding(decoders, warn), out,
                                      warn);
  }
  std::unique_ptr<MessageFormat> format = make_format(flags, out, reporter);
  if (decoding) format = std::make_unique<DecodedFormat>(std::move(format), PayloadDecoding(decoders, warn));
  return std::make_unique<FormattedOutput>(std::move(format), out);
}

}  // namespace mqtk
