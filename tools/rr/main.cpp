// mqtk-rr: send an MQTT v5 request and print the reply, mosquitto_rr's flags
// and output, byte for byte; --count and --latency make it a health probe.
#include <unistd.h>

#include "mqtk/cli/cli.hpp"
#include "mqtk/cli/rr_flags.hpp"

int main(int argc, char** argv) {
  const mqtk::ToolInfo tool{"mqtk-rr",
                            "mqtk-rr [-h host] -t topic -e topic {-m msg|-f file|-s|-l|-n} [-W secs]",
                            "rr",
                            {"mqtk-rr -h broker -t svc/time -e me/time -n      # ask, print the reply",
                             "mqtk-rr -t svc/echo -e me/echo -m hi -v -W 5     # topic and reply, or exit 27",
                             "mqtk-rr -t svc/echo -e me/echo -m hi --json      # the reply as JSON",
                             "mqtk-rr -t svc/ping -e me/pong -n --count 10     # health probe: round trips"}};
  return mqtk::run_tool(tool, [&](mqtk::ToolContext& context) {
    mqtk::CommandLine command_line(tool,
                                   "Send MQTT v5 requests and print the replies: mosquitto_rr's flags and output.");
    mqtk::RrFlags flags;
    mqtk::add_rr_flags(command_line.app(), flags);
    command_line.connect_flags().protocol_version.emplace(1, '5');  // requests need v5 (a response topic)
    if (auto status = command_line.parse(argc, argv, context.reporter)) return *status;
    mqtk::require_mqtt5(command_line.connect_flags());
    mqtk::ConnectSetup setup = command_line.connect_setup();
    setup.options.mqtt5_only = true;
    context.streams.require(STDOUT_FILENO, "mqtk-rr prints the replies there (use > /dev/null to drop them)");
    mqtk::OutputBuffer out(STDOUT_FILENO);
    mqtk::RrSetup rr = mqtk::make_rr_setup(flags, setup, context.streams, context.reporter);
    auto sink = mqtk::make_sub_output(flags.output, out, context.reporter);
    // -d lines go to standard output, in order with the replies, as mosquitto_rr prints them.
    mqtk::Requester requester(setup.options, rr.options, *rr.requests, *sink, context.reporter, context.signals,
                              [&out](std::string_view line) {
                                out.append(line);
                                out.put('\n');
                                out.end_message();
                              });
    return requester.run();
  });
}
