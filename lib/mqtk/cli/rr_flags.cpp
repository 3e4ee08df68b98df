#include "mqtk/cli/rr_flags.hpp"

#include <CLI/CLI.hpp>

#include "mqtk/base/error.hpp"
#include "mqtk/base/units.hpp"
#include "mqtk/cli/cli.hpp"
#include "mqtk/mqtt/topic.hpp"

namespace mqtk {

void add_rr_flags(CLI::App& app, RrFlags& flags) {
  PubFlags& request = flags.request;
  const char* group = "Request";
  app.add_option("-t,--topic", request.topic, "Topic to send the request to")->group(group);
  app.add_option("-e,--response-topic", flags.response_topic, "Topic to wait for the reply on")
      ->type_name("TOPIC")
      ->group(group);
  app.add_option("-m,--message", request.message, "Send this message as the request")->group(group);
  app.add_option("-f,--file", request.file, "Send the contents of this file as the request")->group(group);
  app.add_flag("-s,--stdin-file", request.stdin_whole, "Send all of standard input as the request")->group(group);
  app.add_flag("-l,--stdin-line", request.stdin_lines, "Send each line of standard input as a request, in turn")
      ->group(group);
  app.add_flag("-n,--null-message", request.null_message, "Send an empty request")->group(group);
  app.add_option("-q,--qos", request.qos, "Quality of service of the request and the reply: 0, 1 or 2 (default: 0)")
      ->type_name("{0,1,2}")
      ->check(CLI::Range(0, 2))
      ->group(group);
  app.add_option("-W", flags.timeout_seconds, "Exit (status 27) when no reply came in this many seconds")
      ->type_name("SECONDS")
      ->check(CLI::Range(1, 2147483647))
      ->group(group);
  app.add_flag("-R", flags.skip_retained, "Ask the broker not to send the response topic's retained message")
      ->group(group);

  const char* probe = "Round trips";
  app.add_flag("--latency", flags.latency, "Print each round trip's time on standard error")->group(probe);
  app.add_option("--count", flags.count, "Send the request N times, one after another; summary on standard error")
      ->type_name("N")
      ->check(CLI::Range(1L, 1000000000L))
      ->group(probe);
  app.add_option("--interval", flags.interval, "With --count, pause this long after each reply (default: none)")
      ->type_name("DURATION")
      ->group(probe);

  SubFlags& output = flags.output;
  output.color = ColorChoice::kNever;  // mosquitto_rr colours nothing
  const char* reply = "Output";
  app.add_flag("-v,--verbose", output.verbose, "Print the topic before the reply")->group(reply);
  app.add_flag("-N", output.no_end_of_line, "Do not end the reply with a newline")->group(reply);
  app.add_option("-F", output.format, "Output format, as mosquitto_sub's (see man mqtk-sub)")
      ->type_name("FORMAT")
      ->group(reply);
  app.add_flag("--pretty", output.pretty, "Indent the JSON of -F %j and %J")->group(reply);
  app.add_option("--format-version", output.format_version,
                 "-F as mosquitto_rr 2.0 (default) or 2.1 prints it, where they differ")
      ->check(CLI::IsMember({"2.0", "2.1"}))
      ->type_name("{2.0,2.1}")
      ->group(reply);
  app.add_flag("--json", output.json, "The reply as a JSON object, as mqtk-sub --json prints it")->group(reply);
  add_payload_flags(app, output.payload, "Payloads");
}

void require_mqtt5(ConnectFlags& flags) {
  if (!flags.protocol_version) {
    flags.protocol_version = "5";
  } else if (parse_protocol_version(*flags.protocol_version) != kMqtt5) {
    throw UsageError("-V " + *flags.protocol_version +
                     ": mqtk-rr only supports connecting to an MQTT v5 broker (requests need a response topic "
                     "and correlation data)");
  }
}

namespace {

RequestOptions request_options(const RrFlags& flags, const ConnectSetup& connect) {
  if (!flags.response_topic) throw UsageError("-e: give the response topic to wait for the reply on");
  check_publish_topic(*flags.response_topic, "-e");
  RequestOptions options;
  options.response_topic = *flags.response_topic;
  options.qos = flags.request.qos.value_or(0);
  options.skip_retained = flags.skip_retained;
  options.timeout = std::chrono::seconds(flags.timeout_seconds);
  options.report_latency = flags.latency;
  if (flags.interval && !flags.count) throw UsageError("--interval: goes with --count");
  if (flags.count) {
    if (flags.request.stdin_lines) throw UsageError("--count: -l sends a request per line; drop one of them");
    options.carry_on_when_lost = true;
    options.report_summary = true;
    if (flags.timeout_seconds == 0) options.timeout = kDefaultCountTimeout;
  }
  if (!connect.options.properties.unsubscribe.empty()) {
    throw UsageError("-D unsubscribe: mqtk-rr sends no unsubscribe packets");
  }
  return options;
}

}  // namespace

RrSetup make_rr_setup(const RrFlags& flags, const ConnectSetup& connect, const StandardStreams& streams,
                      const Reporter& reporter) {
  RrSetup setup;
  setup.options = request_options(flags, connect);
  PubFlags request = flags.request;
  if (flags.count) request.repeat = *flags.count;
  request.empty_stdin_is_a_message = true;
  if (flags.interval) {
    request.repeat_delay = std::chrono::duration<double>(parse_duration(*flags.interval, "--interval")).count();
  }
  // mqtk-pub's checks and sources, without its word on -D subscribe (which
  // mqtk-rr sends with its SUBSCRIBE to the response topic).
  ConnectSetup publishing = connect;
  publishing.options.properties.subscribe = PropertyList();
  setup.requests = make_publish_source(request, publishing, streams, reporter);
  return setup;
}

}  // namespace mqtk
