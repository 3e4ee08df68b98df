// A warning that can come once per message (a payload that does not
// decode), shown at most once per period: the first at once, then the
// first one after each period, saying how many like it went unshown in
// between. A stream of bad payloads then cannot flood a terminal or a log,
// and the user still learns the reason and how often it happens.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "mqtk/base/warning_callback.hpp"

namespace mqtk {

class RateLimitedWarning {
 public:
  using Clock = std::chrono::steady_clock;

  RateLimitedWarning(WarningCallback show, Clock::duration period) : show_(std::move(show)), period_(period) {}

  // Shows `warning` when the last one shown is at least a period old (or
  // none was), else counts it. `now` is for tests.
  void warn(const std::string& warning, Clock::time_point now = Clock::now());
  // Warnings not shown since the last one shown.
  long unshown() const { return unshown_; }

 private:
  WarningCallback show_;
  Clock::duration period_;
  std::optional<Clock::time_point> last_shown_;
  long unshown_ = 0;
};

}  // namespace mqtk
