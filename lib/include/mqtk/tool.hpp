// What every mqtk executable shares around its main: library set-up, the
// mapping of errors to messages and exit statuses, done in one place.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace mqtk {

struct ToolInfo {
  std::string name;      // "mqtk-pub"
  std::string synopsis;  // one usage line, printed after a usage error
  std::string config_name;  // options file name: "pub", "sub", "record"
  std::vector<std::string> examples;  // for --help: "command   # what it does"
};

// Messages for the user on standard error, prefixed with the tool's name.
class Reporter {
 public:
  explicit Reporter(std::string program) : program_(std::move(program)) {}
  // --quiet: runtime errors and warnings are not printed (usage errors are).
  void set_quiet(bool quiet) { quiet_ = quiet; }
  bool quiet() const { return quiet_; }
  const std::string& program() const { return program_; }

  void error(std::string_view message) const;
  void warning(std::string_view message) const;
  // A line printed even with --quiet (usage errors).
  void always(std::string_view message) const;

 private:
  std::string program_;
  bool quiet_ = false;
};

// Runs `body` with libmosquitto initialised. Returns body's exit status, or
// the status of an Error it throws after printing it; a UsageError is
// followed by the synopsis and a pointer to --help.
int run_tool(const ToolInfo& tool, const std::function<int(Reporter&)>& body);

}  // namespace mqtk
