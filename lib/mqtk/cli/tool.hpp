// What every mqtk executable shares around its main: library set-up, the
// mapping of errors to messages and exit statuses, done in one place.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "mqtk/base/reporter.hpp"
#include "mqtk/base/standard_streams.hpp"

namespace mqtk {

struct ToolInfo {
  std::string name;      // "mqtk-pub"
  std::string synopsis;  // one usage line, printed after a usage error
  std::string config_name;  // options file name: "pub", "sub", "record"
  std::vector<std::string> examples;  // for --help: "command   # what it does"
};

// What run_tool sets up for a tool's body.
struct ToolContext {
  Reporter reporter;
  StandardStreams streams;  // which of 0-2 were closed at start-up
};

// Runs `body` with the standard streams secured and libmosquitto
// initialised. Returns body's exit status, or the status of an Error it
// throws after printing it; a UsageError is followed by the synopsis and a
// pointer to --help.
int run_tool(const ToolInfo& tool, const std::function<int(ToolContext&)>& body);

}  // namespace mqtk
