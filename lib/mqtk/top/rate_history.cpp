#include "mqtk/top/rate_history.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace mqtk {
namespace {

std::size_t slot(std::int64_t second) {
  auto n = static_cast<std::int64_t>(RateHistory::kSeconds);
  return static_cast<std::size_t>(((second % n) + n) % n);
}

}  // namespace

void RateHistory::add(std::int64_t second, std::uint32_t n) {
  if (empty_ || second > newest_) {
    // The seconds between the newest counted and this one had no messages.
    std::int64_t first_cleared = empty_ ? second : std::max(newest_ + 1, second - kSeconds + 1);
    for (std::int64_t s = first_cleared; s <= second; ++s) counts_[slot(s)] = 0;
    newest_ = second;
    empty_ = false;
  } else if (second <= newest_ - kSeconds) {
    return;  // older than the history (a clock that went back)
  }
  std::uint32_t& count = counts_[slot(second)];
  // Saturates rather than wraps: 4 billion messages in a second is "many".
  count = n > std::numeric_limits<std::uint32_t>::max() - count ? std::numeric_limits<std::uint32_t>::max() : count + n;
}

std::uint32_t RateHistory::at(std::int64_t second) const {
  if (empty_ || second > newest_ || second <= newest_ - kSeconds) return 0;
  return counts_[slot(second)];
}

double RateHistory::rate(double now, double since) const {
  // A topic younger than the window: all its messages, over its age.
  bool young = since > now - kWindowSeconds;
  double start = young ? since : now - kWindowSeconds;
  auto first = static_cast<std::int64_t>(std::floor(start));
  auto last = static_cast<std::int64_t>(std::floor(now));
  double messages = 0;
  for (std::int64_t s = first; s <= last; ++s) {
    double part = 1.0;
    // Only the end of the oldest second is in the window: its messages are
    // taken as spread evenly over it.
    if (s == first && !young) part = static_cast<double>(first + 1) - start;
    messages += part * at(s);
  }
  return messages / std::max(1.0, now - start);
}

}  // namespace mqtk
