// What every mqtk executable shares around its main: library set-up, the
// mapping of errors to messages and exit statuses, done in one place.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "mqtk/base/reporter.hpp"
#include "mqtk/base/signal_watch.hpp"
#include "mqtk/base/standard_streams.hpp"

namespace mqtk {

struct ToolInfo {
  std::string name;                   // "mqtk-pub"
  std::string synopsis;               // one usage line, printed after a usage error
  std::string config_name;            // options file name: "pub", "sub", "record"
  std::vector<std::string> examples;  // for --help: "command   # what it does"
  // SIGHUP stops the tool cleanly, as SIGINT and SIGTERM do (mqtk-record: a
  // closed terminal must not cut a write short); mosquitto's clients die of it.
  bool stops_on_hangup = false;
  // SIGQUIT (Ctrl-\) stops it cleanly too: mqtk-top holds the terminal in
  // modes that only a clean stop gives back.
  bool stops_on_quit = false;
  // --quiet still prints the error that ends the run (mqtk-record); it
  // silences every runtime error in mosquitto's clients.
  bool quiet_keeps_errors = false;
};

// What run_tool sets up for a tool's body.
struct ToolContext {
  Reporter& reporter;
  const StandardStreams& streams;  // which of 0-2 were closed at start-up
  // The stop signals (SIGINT, SIGTERM and, as ToolInfo says, SIGHUP and SIGQUIT),
  // blocked before anything else happens and read as events: there is no
  // moment at which one of them kills the tool by its default action.
  SignalWatch& signals;
};

// Runs `body` with the standard streams secured and libmosquitto
// initialised. Returns body's exit status, or the status of an Error it
// throws after printing it; a UsageError is followed by the synopsis and a
// pointer to --help.
int run_tool(const ToolInfo& tool, const std::function<int(ToolContext&)>& body);

}  // namespace mqtk
