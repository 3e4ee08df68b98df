// mqtk-pub --replay: publishes a recording again, each message at the time it
// came relative to the first, scaled by --speed. Times are scheduled against
// the recording's clock (start + (t - t0) / speed), never by adding up
// sleeps, so the replay does not drift.
//
// The rule for far times: (t - t0) / speed is computed exactly (RFC 3339
// spans ten thousand years, past an int64 of nanoseconds), a record earlier
// than the first goes out at once, and one due more than kMaxReplayWait
// after the first is a malformed record (file:line; --skip-bad skips it):
// such a gap is a wrong clock, not a wait anyone means.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "mqtk/base/warning_callback.hpp"
#include "mqtk/client/publish_source.hpp"
#include "mqtk/records/replay_reader.hpp"

namespace mqtk {

// The longest a replay waits for a record (within what the steady clock
// holds, 292 years).
inline constexpr std::chrono::years kMaxReplayWait{100};

struct ReplayOptions {
  std::string path;           // "-" for standard input
  double speed = 1.0;         // 0: as fast as the broker takes them
  std::optional<long> loops;  // --loop: 0 for ever, N times; unset: once
  std::string topic_prefix;
  std::vector<std::pair<std::string, std::string>> topic_map;  // OLD prefix -> NEW prefix
  // Bounds: an RFC 3339 time, or a duration after the first record ("30s").
  std::optional<std::string> from;
  std::optional<std::string> to;
  bool skip_bad = false;
  std::optional<int> qos;       // -q: instead of the recorded QoS
  std::optional<bool> retain;   // -r: instead of the recorded flag
  bool with_properties = true;  // false below MQTT v5: properties are dropped, with a warning
};

// --from/--to: absolute RFC 3339 times, or durations after the first record
// seen (resolved then).
class TimeBounds {
 public:
  // Throws UsageError naming --from or --to.
  TimeBounds(const std::optional<std::string>& from, const std::optional<std::string>& to);
  bool contains(const timespec& time);

 private:
  struct Bound {
    std::optional<timespec> time;
    std::optional<std::chrono::milliseconds> after_first;
  };
  std::optional<Bound> from_;
  std::optional<Bound> to_;
  bool resolved_ = false;
};

class ReplaySource final : public PublishSource {
 public:
  // Opens the recording. Throws Error / UsageError.
  explicit ReplaySource(ReplayOptions options, WarningCallback warn);

  std::optional<OutgoingMessage> take(Clock::time_point now) override;
  bool exhausted() const override;
  std::optional<Clock::time_point> ready_at() const override;
  int input_fd() const override;
  void read_input() override { reader_.fill(); }
  void stop() override { stopped_ = true; }

  // Why the replay stopped early (a malformed record), if it did.
  const std::optional<std::string>& failure() const { return failure_; }
  long published() const { return published_; }
  long skipped() const { return skipped_; }
  // The latest a message went out after its scheduled time.
  std::chrono::microseconds worst_lag() const { return worst_lag_; }
  // Records in one pass over a file (for the progress bar); counted on first use.
  std::optional<long> total();
  // The recording's time of the next message, from the start of the pass.
  std::chrono::nanoseconds position() const;
  std::chrono::nanoseconds span();

 private:
  // Reads the next record to publish into current_; a new pass starts at `pass_start`.
  bool load(Clock::time_point pass_start);
  // A record that cannot be replayed: skipped with a warning under
  // --skip-bad, else the replay's failure. True when reading goes on.
  bool skip_or_fail(const MalformedRecord& bad);
  // At the end of the recording: true when --loop reads it again.
  bool start_next_pass();
  // Why `record` is too far from the first of its pass to wait for, if it is.
  std::optional<MalformedRecord> wait_too_long(const ReplayRecord& record) const;
  std::string mapped_topic(const std::string& topic) const;
  Clock::time_point due() const;

  ReplayOptions options_;
  WarningCallback warn_;
  ReplayReader reader_;
  std::optional<ReplayRecord> current_;  // the next to publish
  ReplayRecord sending_;                 // the one handed out last (take()'s result points into it)
  std::string topic_;
  bool waiting_for_input_ = false;
  bool warned_properties_ = false;
  bool at_end_ = false;
  bool stopped_ = false;
  std::optional<std::string> failure_;
  long published_ = 0;
  long skipped_ = 0;
  long passes_ = 0;
  TimeBounds bounds_;
  std::optional<timespec> pass_origin_;  // the first record published in this pass
  Clock::time_point pass_start_{};
  std::chrono::microseconds worst_lag_{0};
  std::optional<long> total_;
  std::optional<std::chrono::nanoseconds> span_;
};

}  // namespace mqtk
