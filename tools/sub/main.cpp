// mqtk-sub: subscribe and print MQTT messages, mosquitto_sub's flags and
// output, byte for byte.
#include <unistd.h>

#include "mqtk/cli/cli.hpp"
#include "mqtk/cli/sub_flags.hpp"

int main(int argc, char** argv) {
  const mqtk::ToolInfo tool{"mqtk-sub",
                            "mqtk-sub [-h host] -t filter [-t filter ...] [-v] [-C count] [-q qos]",
                            "sub",
                            {"mqtk-sub -h broker -t 'sensors/#' -v                # topic and payload",
                             "mqtk-sub -t 'sensors/#' -F '%I %t %p' > log.txt     # timestamped, to a file",
                             "mqtk-sub -t 'sensors/#' --json | jq .payload        # JSON lines",
                             "mqtk-sub -t status -C 1 -W 5 -R                      # the next live message"}};
  return mqtk::run_tool(tool, [&](mqtk::ToolContext& context) {
    mqtk::CommandLine command_line(tool, "Subscribe and print MQTT messages: mosquitto_sub's flags and output.");
    mqtk::SubFlags flags;
    mqtk::add_sub_flags(command_line.app(), flags);
    if (auto status = command_line.parse(argc, argv, context.reporter)) return *status;
    mqtk::ConnectSetup setup = command_line.connect_setup();
    context.streams.require(STDOUT_FILENO, "mqtk-sub prints the messages there (use > /dev/null to drop them)");
    mqtk::OutputBuffer out(STDOUT_FILENO);
    mqtk::check_sub_flags(flags, setup, out.interactive(), context.reporter);
    auto sink = mqtk::make_sub_output(flags, out, context.reporter);
    // -d lines go to standard output, in order with the messages, as mosquitto_sub prints them.
    mqtk::Subscriber subscriber(setup.options, flags.options, *sink, context.reporter, context.signals,
                                [&out](std::string_view line) {
                                  out.append(line);
                                  out.put('\n');
                                  out.end_message();
                                });
    return subscriber.run();
  });
}
