// mqtk-record: subscribe and record every message durably, into files (JSON
// lines, CSV, line protocol) and InfluxDB.
#include <unistd.h>

#include <cstdlib>

#include "mqtk/cli/cli.hpp"
#include "mqtk/cli/record_flags.hpp"
#include "mqtk/record/housekeeping.hpp"
#include "mqtk/record/recorder.hpp"

int main(int argc, char** argv) {
  mqtk::ToolInfo tool{"mqtk-record",
                      "mqtk-record [-h host] -t filter... {-o file | --influx url ...} [options]",
                      "record",
                      {"mqtk-record -h broker -t 'sensors/#' -o sensors.jsonl --rotate 1d",
                       "mqtk-record -t 'sensors/#' --influx http://db:8086 --influx-db plant",
                       "mqtk-record -t 'site/#' -o - | jq .payload          # to standard output"}};
  tool.stops_on_hangup = true;
  tool.quiet_keeps_errors = true;
  return mqtk::run_tool(tool, [&](mqtk::ToolContext& context) {
    mqtk::CommandLine command_line(tool, "Record MQTT messages durably into files and InfluxDB.");
    mqtk::RecordFlags flags;
    mqtk::add_record_flags(command_line.app(), flags);
    if (auto status = command_line.parse(argc, argv, context.reporter)) return *status;
    // jq's `debug` as mqtk-sub prints it: on standard error through the
    // reporter, which keeps the status line whole, and not with --quiet.
    mqtk::RecordSetup setup = mqtk::build_record_setup(
        flags, command_line.connect_flags(), {std::getenv("XDG_STATE_HOME"), std::getenv("HOME")},
        [&reporter = context.reporter](const std::string& debug) { reporter.info(debug); });
    if (setup.mode == mqtk::RecordMode::kList) return mqtk::list_recordings(setup);
    mqtk::ConnectSetup connect = command_line.connect_setup();
    if (connect.options.protocol_version == mqtk::kMqtt5) connect.options.receive_maximum = mqtk::kReceiveMaximum;
    switch (setup.mode) {
      case mqtk::RecordMode::kForget:
        return mqtk::forget_recording(setup, connect.options, context.reporter, context.signals);
      case mqtk::RecordMode::kResendRejected:
        return mqtk::resend_rejected(setup, context.reporter);
      default:
        break;
    }
    for (const auto& output : setup.recording.outputs) {
      if (output.path == "-") context.streams.require(STDOUT_FILENO, "-o - records there");
    }
    return mqtk::run_recorder(setup, connect.options, context.reporter, context.signals);
  });
}
