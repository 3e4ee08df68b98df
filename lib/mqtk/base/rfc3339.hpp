// Times as RFC 3339 text in UTC with nanoseconds: 2026-11-25T02:09:28.600299123Z
#pragma once

#include <ctime>
#include <optional>
#include <string>
#include <string_view>

namespace mqtk {

// Formats times, reusing the date and time of day within a second.
class Rfc3339Clock {
 public:
  std::string_view format(const timespec& when);

 private:
  std::string text_;
  time_t second_ = -1;
};

// Reads RFC 3339 text (any offset, fraction of up to nine digits) as a UTC
// time; nothing when malformed.
std::optional<timespec> parse_rfc3339(std::string_view text);

}  // namespace mqtk
