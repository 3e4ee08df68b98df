#include "mqtk/base/warning_limiter.hpp"

#include "mqtk/base/counts.hpp"

namespace mqtk {

void WarningLimiter::warn(const std::string& warning, Clock::time_point now) {
  if (passed_ >= kBurst && now - last_passed_ < kInterval) {
    ++left_out_;
    return;
  }
  ++passed_;
  last_passed_ = now;
  if (left_out_ == 0) {
    out_(warning);
    return;
  }
  out_(warning + " (" + count_of(static_cast<long long>(left_out_), "more warning") + " like it not shown)");
  left_out_ = 0;
}

}  // namespace mqtk
