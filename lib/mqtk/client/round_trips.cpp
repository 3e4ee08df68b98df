#include "mqtk/client/round_trips.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace mqtk {

RoundTrips::Duration RoundTrips::percentile(double percent) const {
  if (times_.empty()) return Duration::zero();
  std::vector<Duration> sorted = times_;
  std::sort(sorted.begin(), sorted.end());
  auto rank = static_cast<std::size_t>(std::ceil(percent / 100.0 * static_cast<double>(sorted.size())));
  return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
}

std::string milliseconds_text(RoundTrips::Duration duration) {
  char text[48];
  std::snprintf(text, sizeof text, "%.3f ms", std::chrono::duration<double, std::milli>(duration).count());
  return text;
}

std::string RoundTrips::summary() const {
  auto plural = [](long n, const char* one, const char* many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
  };
  std::string text = plural(sent(), "request", "requests") + ", " + plural(replies(), "reply", "replies") + ", " +
                     std::to_string(lost_) + " lost";
  if (unanswered_ > 0) text += ", " + std::to_string(unanswered_) + " unanswered";
  if (times_.empty()) return text;
  return text + "; round trip min " + milliseconds_text(percentile(0)) + ", median " +
         milliseconds_text(percentile(50)) + ", p99 " + milliseconds_text(percentile(99)) + ", max " +
         milliseconds_text(percentile(100));
}

}  // namespace mqtk
