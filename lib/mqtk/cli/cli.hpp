// Command-line parsing shared by the tools (the only library file that
// includes CLI11, which is slow to compile).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mqtk/cli/connect_flags.hpp"
#include "mqtk/cli/flag_info.hpp"
#include "mqtk/cli/tool.hpp"
#include "mqtk/output/message_format.hpp"

namespace CLI {
class App;
class Option;
class Validator;
}  // namespace CLI

namespace mqtk {

// A tool's command line: its own flags (added through app()) followed by the
// shared connection flags, read from the options file and then argv.
class CommandLine {
 public:
  // An App that parses like mosquitto's clients: -h is the host and help is
  // --help only, -V is the protocol version, and when a single-value flag is
  // repeated (in the options file and on the command line) the last one wins.
  CommandLine(const ToolInfo& tool, const std::string& description);
  ~CommandLine();
  CommandLine(const CommandLine&) = delete;
  CommandLine& operator=(const CommandLine&) = delete;

  CLI::App& app() { return *app_; }

  // Adds the connection flags, parses the tool's options file (the one -o
  // names, else the default one) and then argv,
  // and applies --quiet to `reporter`. Returns an exit status when the run is
  // already over (--help or --version was printed). Throws UsageError.
  std::optional<int> parse(int argc, char** argv, Reporter& reporter);

  // The connection flags checked together. Throws UsageError.
  ConnectSetup connect_setup() const;

  // The raw connection flags, for a tool to set its own defaults (before
  // parse) or fill in what was not given (after).
  ConnectFlags& connect_flags() { return connect_flags_; }

  // Every flag the tool accepts (after parse() has added the shared ones),
  // for the short help and the completions.
  std::vector<FlagInfo> flags() const;

 private:
  const ToolInfo& tool_;
  std::unique_ptr<CLI::App> app_;
  ConnectFlags connect_flags_;
  std::vector<std::string> password_values_;  // -P: its value, or kAskForPassword
  bool password_prompt_ = false;
  std::optional<std::string> password_file_;
  std::optional<std::string> password_variable_;  // MQTK_PASSWORD
  std::optional<std::string> completion_shell_;
  std::optional<std::string> options_file_name_;  // -o
};

// A check for a decimal flag such as --random-filter 0.1..100 that names the
// bounds as a user would write them (CLI::Range prints 0.100000).
CLI::Validator decimal_between(double low, double high);

// --color auto|always|never (mqtk-sub's -v topics, mqtk-top's screen).
CLI::Option* add_color_flag(CLI::App& app, ColorChoice& choice, const std::string& description);

}  // namespace mqtk
