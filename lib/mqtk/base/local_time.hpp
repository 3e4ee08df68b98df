// Wall-clock time in the local time zone, as mosquitto_sub formats it, with
// the broken-down time and the formatted texts kept for the current second so
// that printing many messages a second costs no time-zone work.
#pragma once

#include <ctime>
#include <string>
#include <string_view>

namespace mqtk {

class LocalTime {
 public:
  // Moves to `when`; recomputes only when the second changes.
  void set(const timespec& when);

  const std::tm& broken_down() const { return tm_; }
  long nanoseconds() const { return nanoseconds_; }
  time_t seconds() const { return seconds_; }

  // mosquitto_sub's "tst": 2020-05-06T21:48:00.123456Z+0100 (local time,
  // microseconds, then a literal Z and the UTC offset).
  std::string_view mosquitto_timestamp();

 private:
  time_t seconds_ = -1;
  long nanoseconds_ = 0;
  std::tm tm_{};
  std::string timestamp_;
  time_t timestamp_second_ = -1;
};

// One strftime pattern and its text for the last second it was asked for.
class StrftimeCache {
 public:
  explicit StrftimeCache(std::string format) : format_(std::move(format)) {}
  // Empty when strftime produces nothing.
  std::string_view text(const LocalTime& time);

 private:
  std::string format_;
  std::string text_;
  time_t second_ = -1;
};

}  // namespace mqtk
