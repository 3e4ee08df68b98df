// The one error style of libmqtk: functions that cannot do what was asked
// throw mqtk::Error, carrying the message for the user and the exit status it
// maps to. Tools catch it in exactly one place (run_tool in tool.hpp).
// Per-message hot paths never throw for expected conditions.
#pragma once

#include <stdexcept>
#include <string>

namespace mqtk {

// Exit statuses shared by every tool; documented in man mqtk(7).
// A broker refusing the connection exits with its CONNACK reason code, as
// mosquitto_pub and mosquitto_sub do.
inline constexpr int kExitSuccess = 0;
inline constexpr int kExitFailure = 1;
// mosquitto_sub's status when -W expires (MOSQ_ERR_TIMEOUT).
inline constexpr int kExitTimedOut = 27;
// Standard output was closed by its reader (as if killed by SIGPIPE).
inline constexpr int kExitBrokenPipe = 128 + 13;

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message, int exit_code = kExitFailure)
      : std::runtime_error(message), exit_code_(exit_code) {}
  int exit_code() const noexcept { return exit_code_; }

 private:
  int exit_code_;
};

// A mistake on the command line or in an options file. The tool prints a
// pointer to --help after the message.
class UsageError : public Error {
 public:
  explicit UsageError(const std::string& message) : Error(message, kExitFailure) {}
  // With the usage line of the mode the mistake is in (mqtk-pub --replay),
  // printed instead of the tool's.
  UsageError(const std::string& message, std::string usage) : Error(message, kExitFailure), usage_(std::move(usage)) {}
  const std::string& usage() const noexcept { return usage_; }

 private:
  std::string usage_;
};

}  // namespace mqtk
