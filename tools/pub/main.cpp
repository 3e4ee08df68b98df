// mqtk-pub: publish MQTT messages, mosquitto_pub's flags and behaviour,
// without losing any.
#include <cstdio>

#include "mqtk/cli/cli.hpp"
#include "mqtk/cli/pub_flags.hpp"
#include "mqtk/client/publisher.hpp"
#include "mqtk/client/replay.hpp"

int main(int argc, char** argv) {
  const mqtk::ToolInfo tool{"mqtk-pub",
                            "mqtk-pub [-h host] -t topic {-m message|-f file|-s|-l|-n} [-q qos] [-r]",
                            "pub",
                            {"mqtk-pub -h broker -t sensors/1 -m 21.5 -q 1      # one message",
                             "tail -f app.log | mqtk-pub -t logs/app -l -q 1     # each line, none lost",
                             "mqtk-pub -t config -f settings.json -r             # a file, retained",
                             "mqtk-pub -V 5 --replay rec.jsonl --speed 10        # a recording, 10x faster"}};
  return mqtk::run_tool(tool, [&](mqtk::ToolContext& context) {
    mqtk::CommandLine command_line(tool, "Publish MQTT messages: mosquitto_pub's flags, without losing any.");
    mqtk::PubFlags flags;
    mqtk::add_pub_flags(command_line.app(), flags);
    if (auto status = command_line.parse(argc, argv, context.reporter)) return *status;
    mqtk::ConnectSetup connect = command_line.connect_setup();
    if (flags.replay) {
      return mqtk::run_replay(mqtk::make_replay_options(flags, connect, context.streams), connect.options,
                              context.reporter);
    }
    // At QoS 2 every message ends with a PUBREL of ours, a few bytes that
    // Nagle's algorithm holds back while large publishes wait for TCP's
    // acknowledgement (delayed: 40 ms on Linux); -l of 64 KB lines went at a
    // third of the speed.
    if (flags.qos == 2) connect.options.tcp_nodelay = true;
    auto source = mqtk::make_publish_source(flags, connect, context.streams, context.reporter);
    // -d lines go to standard output, as mosquitto_pub prints them.
    mqtk::Publisher publisher(connect.options, *source, context.reporter, [](std::string_view line) {
      std::fwrite(line.data(), 1, line.size(), stdout);
      std::fputc('\n', stdout);
    });
    return publisher.run();
  });
}
