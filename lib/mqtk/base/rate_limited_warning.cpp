#include "mqtk/base/rate_limited_warning.hpp"

#include "mqtk/base/counts.hpp"

namespace mqtk {

void RateLimitedWarning::warn(const std::string& warning, Clock::time_point now) {
  if (last_shown_ && now - *last_shown_ < period_) {
    ++unshown_;
    return;
  }
  last_shown_ = now;
  if (unshown_ == 0) {
    show_(warning);
    return;
  }
  show_(warning + " (" + with_commas(unshown_) + " more like it since the last shown)");
  unshown_ = 0;
}

}  // namespace mqtk
