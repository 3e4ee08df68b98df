// Warnings about single messages (a payload that would not decode, a jq
// error) at a rate a person can read: a stream of bad messages must not bury
// standard error, nor cost more than the messages themselves, yet none may
// pass unmentioned. The first few are passed on as they come; after them at
// most one per interval, which says how many were left out before it.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

#include "mqtk/base/warning_callback.hpp"

namespace mqtk {

class WarningLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::size_t kBurst = 5;
  static constexpr std::chrono::seconds kInterval{10};

  explicit WarningLimiter(WarningCallback out) : out_(std::move(out)) {}
  // Says how many were left out since the last one passed on, if any: at
  // the end of a run there is no later warning to say it.
  ~WarningLimiter();
  // Moved, the count goes with it: it is said once.
  WarningLimiter(WarningLimiter&& other) noexcept;
  WarningLimiter& operator=(WarningLimiter&&) = delete;

  // Passes `warning` on or counts it as left out. `now` is the clock's
  // time, given by tests.
  void warn(const std::string& warning, Clock::time_point now = Clock::now());
  // Warnings left out since the last one passed on.
  std::size_t left_out() const { return left_out_; }

 private:
  WarningCallback out_;
  std::size_t passed_ = 0;
  std::size_t left_out_ = 0;
  Clock::time_point last_passed_{};
};

}  // namespace mqtk
