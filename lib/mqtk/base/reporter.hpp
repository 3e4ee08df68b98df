// Messages for the user on standard error, prefixed with the tool's name,
// and the live status line some tools keep at the bottom of a terminal.
// Safe to call from any thread (mqtk-record's InfluxDB writer reports too).
// Every message goes out through terminal_safe(): messages quote payloads,
// topics, file contents and the broker's reason strings, and an escape
// sequence in any of them must not reach the user's terminal as a command.
#pragma once

#include <mutex>
#include <string>
#include <string_view>

namespace mqtk {

class Reporter {
 public:
  explicit Reporter(std::string program) : program_(std::move(program)) {}
  Reporter(const Reporter&) = delete;
  Reporter& operator=(const Reporter&) = delete;

  // --quiet: warnings, notes and information are not printed, nor runtime
  // errors when `errors_too` (the --quiet of mosquitto's clients); errors
  // that end mqtk-record's run still are. Usage errors always are.
  void set_quiet(bool quiet, bool errors_too = true) {
    quiet_ = quiet;
    quiet_errors_ = quiet && errors_too;
  }
  bool quiet() const { return quiet_; }
  const std::string& program() const { return program_; }

  void error(std::string_view message) const;
  void warning(std::string_view message) const;
  // Good news ("note: InfluxDB is accepting points again").
  void note(std::string_view message) const;
  // What the tool tells when it starts and stops (mqtk-record's summary).
  void info(std::string_view message) const;
  // A line printed even with --quiet (usage errors).
  void always(std::string_view message) const;

  // Draws `line` as the status line (on a terminal: the caller decides).
  // Messages printed while it shows clear it and draw it again below them,
  // so the two never overwrite each other.
  void show_status(std::string line) const;
  // Clears the status line for good.
  void clear_status() const;

 private:
  void print(std::string_view prefix, std::string_view message) const;

  std::string program_;
  bool quiet_ = false;
  bool quiet_errors_ = false;
  mutable std::mutex mutex_;
  mutable std::string status_;  // shown now; empty when none
};

// `text` with every byte a terminal could act on shown as \xNN: C0 controls
// (tab and newline too: a message is one line), DEL, the C1 controls
// U+0080-U+009F (UTF-8 C2 80-C2 9F; some terminals read them as ESC
// sequences), and each byte of malformed UTF-8. Other text, UTF-8 included,
// is kept as it is.
std::string terminal_safe(std::string_view text);

}  // namespace mqtk
