// The time the client loops go by (-W, the grace for the last publishes,
// tickers, the pace of a replay), behind an interface: the unit tests move a
// clock of their own by hand instead of sleeping.
#pragma once

#include <chrono>

namespace mqtk {

class MonotonicClock {
 public:
  using time_point = std::chrono::steady_clock::time_point;
  virtual ~MonotonicClock() = default;
  virtual time_point now() const = 0;
};

class SteadyClock final : public MonotonicClock {
 public:
  time_point now() const override { return std::chrono::steady_clock::now(); }
};

// The one the tools use. It holds no state, so sharing it is harmless.
inline const MonotonicClock& steady_clock() {
  static const SteadyClock clock;
  return clock;
}

}  // namespace mqtk
