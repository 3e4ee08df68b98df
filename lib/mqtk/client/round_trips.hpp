// The round trips of mqtk-rr's requests: how long each reply took, how many
// never came, and the summary printed at the end of a --count run.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace mqtk {

class RoundTrips {
 public:
  using Duration = std::chrono::nanoseconds;

  void answered(Duration round_trip) { times_.push_back(round_trip); }
  void lost() { ++lost_; }
  // A request still waiting for its reply when the run ended (Ctrl-C, or the
  // connection lost): neither answered nor given up on.
  void unanswered() { ++unanswered_; }

  long sent() const { return static_cast<long>(times_.size()) + lost_ + unanswered_; }
  long replies() const { return static_cast<long>(times_.size()); }
  long lost_count() const { return lost_; }

  // The round trip at `percent` (50: the median) by the nearest-rank
  // method: the smallest time that at least `percent` of the replies took
  // no longer than. Zero when there was no reply.
  Duration percentile(double percent) const;

  // "5 requests, 4 replies, 1 lost; round trip min 0.210 ms, median 0.400 ms,
  // p99 1.300 ms, max 1.300 ms" (no times when no reply came; ", 1
  // unanswered" after "lost" when the run ended during a wait).
  std::string summary() const;

 private:
  std::vector<Duration> times_;
  long lost_ = 0;
  long unanswered_ = 0;
};

// "0.412 ms": milliseconds with three decimals (microseconds).
std::string milliseconds_text(RoundTrips::Duration duration);

}  // namespace mqtk
