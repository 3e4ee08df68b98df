// Messages for the user on standard error, prefixed with the tool's name.
#pragma once

#include <string>
#include <string_view>

namespace mqtk {

class Reporter {
 public:
  explicit Reporter(std::string program) : program_(std::move(program)) {}
  // --quiet: runtime errors and warnings are not printed (usage errors are).
  void set_quiet(bool quiet) { quiet_ = quiet; }
  bool quiet() const { return quiet_; }
  const std::string& program() const { return program_; }

  void error(std::string_view message) const;
  void warning(std::string_view message) const;
  // Good news ("note: InfluxDB is accepting points again").
  void note(std::string_view message) const;
  // A line printed even with --quiet (usage errors).
  void always(std::string_view message) const;

 private:
  std::string program_;
  bool quiet_ = false;
};

}  // namespace mqtk
