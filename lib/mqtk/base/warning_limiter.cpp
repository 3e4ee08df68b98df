#include "mqtk/base/warning_limiter.hpp"

#include <utility>

#include "mqtk/base/counts.hpp"

namespace mqtk {

WarningLimiter::~WarningLimiter() {
  if (left_out_ > 0) out_(count_of(static_cast<long long>(left_out_), "more warning") + " like those above not shown");
}

WarningLimiter::WarningLimiter(WarningLimiter&& other) noexcept
    : out_(std::move(other.out_)),
      passed_(other.passed_),
      left_out_(std::exchange(other.left_out_, 0)),
      last_passed_(other.last_passed_) {}

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
