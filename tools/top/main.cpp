// mqtk-top: every topic of a broker at a glance, redrawn in place; or the
// same numbers as text and JSON lines for scripts.
#include <sys/ioctl.h>
#include <unistd.h>

#include "mqtk/cli/cli.hpp"
#include "mqtk/cli/top_flags.hpp"

int main(int argc, char** argv) {
  mqtk::ToolInfo tool{"mqtk-top",
                      "mqtk-top [-h host] [-t filter] [--once] [--json] [--interval T]",
                      "top",
                      {"mqtk-top -h broker                        # every topic, on the full screen",
                       "mqtk-top -t 'sensors/#' --sort name        # one subtree, by name",
                       "mqtk-top --once --after 10s                # the table once, as text",
                       "mqtk-top --json --interval 5s | jq .topic  # a snapshot every 5 s, for scripts"}};
  // A clean stop gives the terminal back; Ctrl-\ and a closed terminal too.
  tool.stops_on_hangup = true;
  tool.stops_on_quit = true;
  return mqtk::run_tool(tool, [&](mqtk::ToolContext& context) {
    mqtk::CommandLine command_line(tool, "Watch every topic of a broker: counts, rates, last payloads.");
    mqtk::TopFlags flags;
    mqtk::add_top_flags(command_line.app(), flags);
    if (auto status = command_line.parse(argc, argv, context.reporter)) return *status;
    mqtk::ConnectSetup connect = command_line.connect_setup();
    context.streams.require(STDOUT_FILENO, "mqtk-top shows the topics there");
    mqtk::OutputBuffer out(STDOUT_FILENO);
    winsize size{};
    bool interactive = out.interactive() && isatty(STDIN_FILENO);
    std::size_t width = ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 ? size.ws_col : 0;
    mqtk::TopSetup setup = mqtk::check_top_flags(flags, connect, interactive, width, context.reporter);
    return mqtk::run_top(connect.options, setup.subscribe, setup.options, *setup.evaluation, context.reporter,
                         context.signals, out);
  });
}
