#include "mqtk/base/local_time.hpp"

#include <cstdio>

namespace mqtk {

void LocalTime::set(const timespec& when) {
  nanoseconds_ = when.tv_nsec;
  if (when.tv_sec == seconds_) return;
  seconds_ = when.tv_sec;
  localtime_r(&seconds_, &tm_);
}

std::string_view LocalTime::mosquitto_timestamp() {
  if (timestamp_second_ != seconds_) {
    char text[64];
    std::size_t length = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S.000000Z%z", &tm_);
    timestamp_.assign(text, length);
    timestamp_second_ = seconds_;
  }
  char micros[16];
  std::snprintf(micros, sizeof micros, "%06d", static_cast<int>(nanoseconds_ / 1000));
  timestamp_.replace(20, 6, micros, 6);
  return timestamp_;
}

std::string_view StrftimeCache::text(const LocalTime& time) {
  if (second_ != time.seconds()) {
    char text[256];
    std::size_t length = std::strftime(text, sizeof text, format_.c_str(), &time.broken_down());
    text_.assign(text, length);
    second_ = time.seconds();
  }
  return text_;
}

}  // namespace mqtk
