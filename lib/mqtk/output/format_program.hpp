// A compiled mosquitto_sub -F format: the format string is checked and turned
// into a list of operations once, then rendered for every message into the
// output buffer, with mosquitto_sub 2.0's exact results (its quirks
// included: a field width also truncates %p, %x halves it, and so on), or
// 2.1's: its additions (%f, %d, a hex separator such as %.2:x), which 2.0
// refuses, and its output where the two differ.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "mqtk/base/local_time.hpp"
#include "mqtk/base/warning_callback.hpp"
#include "mqtk/output/message_format.hpp"
#include "mqtk/output/mosquitto_json.hpp"

namespace mqtk {

class FormatProgram final : public MessageFormat {
 public:
  // Throws UsageError naming -F and the problem. `warn` receives %J's
  // "payload is not valid JSON" and %f's "non-float data" complaints.
  FormatProgram(std::string_view format, bool end_of_line, bool pretty, WarningCallback warn,
                FormatVersion version = FormatVersion::kMosquitto20);

  void render(const Message& message, std::string& out) override;

 private:
  enum class OpKind : unsigned char { kLiteral, kField, kStrftime, kNanoseconds };
  struct Op {
    explicit Op(OpKind k) : kind(k) {}
    OpKind kind;
    char conversion = 0;  // the character after % (or after @ for kStrftime)
    char align = 0;       // '-' for left alignment
    char pad = ' ';       // '0' for zero padding
    int width = 0;
    int precision = -1;
    char separator = ' ';     // between groups of `precision` hex digits (2.1)
    std::string literal;      // kLiteral
    StrftimeCache clock{""};  // kStrftime, and %I
  };

  // The last op when it is a literal, else a new literal op: the text to add to.
  std::string& literal();
  // Compiling the specifier whose first character after % or @ is f[i].
  void compile_field(std::string_view f, std::size_t& i);
  void compile_time(char conversion);
  void render_field(Op& op, const Message& message, std::string& out);
  void render_iso_time(Op& op, std::string& out);
  void render_float(const Op& op, std::string_view payload, std::string& out);

  std::vector<Op> ops_;
  bool end_of_line_;
  bool pretty_;
  bool uses_time_ = false;
  FormatVersion version_;
  std::string timestamp_;  // %j's for 2.1, reused
  WarningCallback warn_;
  LocalTime time_;
};

}  // namespace mqtk
