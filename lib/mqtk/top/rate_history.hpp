// How many messages arrived in each of the last few seconds: the rate
// mqtk-top shows (msg/s over a short window) and its sparkline. A fixed
// ring of per-second counts, so a topic's history costs the same however
// long mqtk-top runs and however busy the topic is.
#pragma once

#include <array>
#include <cstdint>

namespace mqtk {

class RateHistory {
 public:
  // Seconds of history kept: the rate window and the sparkline fit in it.
  static constexpr int kSeconds = 12;
  // The window the rate is measured over.
  static constexpr double kWindowSeconds = 5.0;

  // Counts `n` messages in second `second` (whole seconds on the caller's
  // time line, which only moves forward).
  void add(std::int64_t second, std::uint32_t n = 1);

  // The messages counted in `second`; 0 for one outside the history.
  std::uint32_t at(std::int64_t second) const;

  // Messages per second over the kWindowSeconds before `now` (seconds on
  // the same time line), or since `since` when that is later (a topic first
  // seen a moment ago), but never over less than a second: one message just
  // arrived is 1 msg/s, not thousands. The oldest second counts for the part
  // of it inside the window.
  double rate(double now, double since) const;

 private:
  std::array<std::uint32_t, kSeconds> counts_{};
  std::int64_t newest_ = 0;  // the second counts_[newest_ % kSeconds] holds
  bool empty_ = true;
};

}  // namespace mqtk
