// Messages for the user on standard error, prefixed with the tool's name.
// Every message goes out through terminal_safe(): messages quote payloads,
// topics, file contents and the broker's reason strings, and an escape
// sequence in any of them must not reach the user's terminal as a command.
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
  // A line printed even with --quiet (usage errors).
  void always(std::string_view message) const;

 private:
  std::string program_;
  bool quiet_ = false;
};

// `text` with every byte a terminal could act on shown as \xNN: C0 controls
// (tab and newline too: a message is one line), DEL, the C1 controls
// U+0080-U+009F (UTF-8 C2 80-C2 9F; some terminals read them as ESC
// sequences), and each byte of malformed UTF-8. Other text, UTF-8 included,
// is kept as it is.
std::string terminal_safe(std::string_view text);

}  // namespace mqtk
