#include "mqtk/client/replay_source.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "mqtk/base/error.hpp"
#include "mqtk/base/rfc3339.hpp"
#include "mqtk/base/units.hpp"

namespace mqtk {
namespace {

// t - origin in nanoseconds. RFC 3339 years 0001-9999 are ten thousand
// years apart, 34 times what an int64 of nanoseconds holds; a long double
// holds them, exactly up to 584 years (64-bit mantissa).
long double nanoseconds_between(const timespec& origin, const timespec& t) {
  return static_cast<long double>(t.tv_sec - origin.tv_sec) * 1e9L +
         static_cast<long double>(t.tv_nsec - origin.tv_nsec);
}

// Nanoseconds as a duration, saturated instead of wrapped.
std::chrono::nanoseconds saturated(long double nanoseconds) {
  using Limits = std::numeric_limits<std::chrono::nanoseconds::rep>;
  // The largest long double below 2^63 that converts back exactly.
  constexpr long double kMax = static_cast<long double>(Limits::max() / 2) * 2.0L;
  return std::chrono::nanoseconds(static_cast<std::chrono::nanoseconds::rep>(std::clamp(nanoseconds, -kMax, kMax)));
}

// t - origin for progress figures.
std::chrono::nanoseconds since(const timespec& origin, const timespec& t) {
  return saturated(nanoseconds_between(origin, t));
}

// The wait from the pass's first record to one at `t`, at `speed`, in
// nanoseconds (negative when `t` is earlier).
long double scaled_wait(const timespec& origin, const timespec& t, double speed) {
  return static_cast<long double>(nanoseconds_between(origin, t)) / speed;
}

constexpr long double kNanosecondsPerYear = 1e9L * 31556952;  // the Gregorian year std::chrono::years is

bool before(const timespec& a, const timespec& b) {
  return a.tv_sec < b.tv_sec || (a.tv_sec == b.tv_sec && a.tv_nsec < b.tv_nsec);
}

timespec add(const timespec& t, std::chrono::milliseconds offset) {
  long long ns = static_cast<long long>(t.tv_nsec) + offset.count() % 1000 * 1000000;
  timespec result{t.tv_sec + static_cast<time_t>(offset.count() / 1000 + ns / 1000000000),
                  static_cast<long>(ns % 1000000000)};
  return result;
}

// A span of time in years, for messages.
std::string years(long double nanoseconds) {
  char text[32];
  std::snprintf(text, sizeof text, "%.0Lf years", std::floor(nanoseconds / kNanosecondsPerYear));
  return text;
}

}  // namespace

TimeBounds::TimeBounds(const std::optional<std::string>& from, const std::optional<std::string>& to) {
  auto bound = [](const std::string& text, const char* flag) {
    Bound b;
    if (auto time = parse_rfc3339(text)) {
      b.time = *time;
      return b;
    }
    try {
      b.after_first = parse_duration(text, flag);
    } catch (const UsageError&) {
      throw UsageError(std::string(flag) +
                       ": expected an RFC 3339 time (2026-11-25T08:00:00Z) or a duration after "
                       "the first message (500ms, 30s, 5m, 1h30m), not '" +
                       text + "'");
    }
    return b;
  };
  if (from) from_ = bound(*from, "--from");
  if (to) to_ = bound(*to, "--to");
}

bool TimeBounds::contains(const timespec& time) {
  if (!resolved_) {
    resolved_ = true;
    for (std::optional<Bound>* b : {&from_, &to_}) {
      if (*b && (*b)->after_first) (*b)->time = add(time, *(*b)->after_first);
    }
  }
  if (from_ && before(time, *from_->time)) return false;
  if (to_ && before(*to_->time, time)) return false;
  return true;
}

ReplaySource::ReplaySource(ReplayOptions options, WarningCallback warn)
    : options_(std::move(options)),
      warn_(std::move(warn)),
      reader_(options_.path),
      bounds_(options_.from, options_.to) {
  if (options_.loops && !reader_.rewindable()) throw UsageError("--loop: needs a file, not standard input");
}

std::string ReplaySource::mapped_topic(const std::string& topic) const {
  for (const auto& [old_prefix, new_prefix] : options_.topic_map) {
    if (topic.starts_with(old_prefix)) return options_.topic_prefix + new_prefix + topic.substr(old_prefix.size());
  }
  return options_.topic_prefix + topic;
}

bool ReplaySource::load(Clock::time_point pass_start) {
  waiting_for_input_ = false;
  while (!stopped_ && !failure_) {
    ReplayRecord record;
    ReplayReader::Status status;
    try {
      status = reader_.next(record);
    } catch (const MalformedRecord& e) {
      if (!skip_or_fail(e)) return false;
      continue;
    }
    if (status == ReplayReader::Status::kNeedInput) {
      waiting_for_input_ = true;
      return false;
    }
    if (status == ReplayReader::Status::kEnd) {
      if (!start_next_pass()) return false;
      continue;
    }
    if (!bounds_.contains(record.time)) continue;
    if (auto too_far = wait_too_long(record)) {
      if (!skip_or_fail(*too_far)) return false;
      continue;
    }
    current_ = std::move(record);
    if (!pass_origin_) {
      pass_origin_ = current_->time;
      pass_start_ = pass_start;
    }
    return true;
  }
  return false;
}

bool ReplaySource::skip_or_fail(const MalformedRecord& bad) {
  if (!options_.skip_bad) {
    failure_ = bad.what();
    return false;
  }
  ++skipped_;
  warn_(std::string(bad.what()) + " (skipped)");
  return true;
}

bool ReplaySource::start_next_pass() {
  ++passes_;
  bool again = options_.loops && (*options_.loops == 0 || passes_ < *options_.loops) && published_ > 0;
  if (!again) {
    at_end_ = true;
    return false;
  }
  reader_.rewind();
  pass_origin_.reset();
  return true;
}

std::optional<MalformedRecord> ReplaySource::wait_too_long(const ReplayRecord& record) const {
  if (!pass_origin_ || options_.speed <= 0) return std::nullopt;
  long double wait = scaled_wait(*pass_origin_, record.time, options_.speed);
  if (wait > std::chrono::duration_cast<std::chrono::nanoseconds>(kMaxReplayWait).count()) {
    char speed[32];
    std::snprintf(speed, sizeof speed, "%g", options_.speed);
    return MalformedRecord(reader_.name(), reader_.record_line(),
                           "the record is " + years(nanoseconds_between(*pass_origin_, record.time)) +
                               " after the first of the replay, a wait of " + years(wait) + " at --speed " + speed +
                               "; a replay waits at most " + std::to_string(kMaxReplayWait.count()) +
                               " years (a faster --speed, or --speed max, sends it sooner)");
  }
  return std::nullopt;
}

PublishSource::Clock::time_point ReplaySource::due() const {
  if (options_.speed <= 0) return pass_start_;
  // load() let no wait past kMaxReplayWait through; one into the past (a
  // record older than the first) is no wait.
  long double wait = std::max(0.0L, scaled_wait(*pass_origin_, current_->time, options_.speed));
  return pass_start_ + std::chrono::duration_cast<Clock::duration>(saturated(wait));
}

bool ReplaySource::exhausted() const { return stopped_ || (!current_ && (at_end_ || failure_)); }

std::optional<PublishSource::Clock::time_point> ReplaySource::ready_at() const {
  if (!current_ || stopped_) return std::nullopt;
  return due();
}

int ReplaySource::input_fd() const { return waiting_for_input_ && !stopped_ ? reader_.fd() : -1; }

std::optional<OutgoingMessage> ReplaySource::take(Clock::time_point now) {
  if (stopped_ || failure_) return std::nullopt;
  if (!current_ && (at_end_ || !load(now))) return std::nullopt;
  Clock::time_point when = due();
  if (now < when) return std::nullopt;
  worst_lag_ = std::max(worst_lag_, std::chrono::duration_cast<std::chrono::microseconds>(now - when));
  sending_ = std::move(*current_);
  current_.reset();
  topic_ = mapped_topic(sending_.topic);
  ++published_;
  if (!options_.with_properties && !sending_.properties.empty()) {
    if (!warned_properties_) {
      warn_("the recording's MQTT v5 properties cannot be published over MQTT v3; -V 5 keeps them");
      warned_properties_ = true;
    }
    sending_.properties = PropertyList();
  }
  // Know when the next one is due. A new pass starts when this message was
  // due, so lateness does not build up over loops.
  load(when);
  return OutgoingMessage{topic_, sending_.payload, options_.qos.value_or(sending_.qos),
                         options_.retain.value_or(sending_.retain), sending_.properties.get()};
}

std::optional<long> ReplaySource::total() {
  if (!reader_.rewindable()) return std::nullopt;
  if (!total_) {
    // A pass of its own over the file, with the same bounds.
    ReplayReader counter(options_.path);
    TimeBounds bounds(options_.from, options_.to);
    long count = 0;
    std::optional<timespec> first, last;
    ReplayRecord record;
    while (true) {
      ReplayReader::Status status;
      try {
        status = counter.next(record);
      } catch (const MalformedRecord&) {
        continue;
      }
      if (status != ReplayReader::Status::kRecord) break;
      if (!bounds.contains(record.time)) continue;
      ++count;
      if (!first) first = record.time;
      last = record.time;
    }
    total_ = count;
    span_ = first ? since(*first, *last) : std::chrono::nanoseconds(0);
  }
  return total_;
}

std::chrono::nanoseconds ReplaySource::span() {
  total();
  return span_.value_or(std::chrono::nanoseconds(0));
}

std::chrono::nanoseconds ReplaySource::position() const {
  if (!pass_origin_) return std::chrono::nanoseconds(0);
  return since(*pass_origin_, current_ ? current_->time : sending_.time);
}

}  // namespace mqtk
