#include "mqtk/base/rfc3339.hpp"

#include <charconv>
#include <ctime>

namespace mqtk {

std::string_view Rfc3339Clock::format(const timespec& when) {
  if (when.tv_sec != second_) {
    std::tm tm{};
    gmtime_r(&when.tv_sec, &tm);
    char text[40];
    std::size_t length = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S.000000000Z", &tm);
    text_.assign(text, length);
    second_ = when.tv_sec;
  }
  // The nine digits of the fraction, written in place (snprintf cost ten
  // times as much, once for every message recorded).
  long nanoseconds = when.tv_nsec;
  for (std::size_t i = text_.size() - 2; i >= text_.size() - 10; --i) {
    text_[i] = static_cast<char>('0' + nanoseconds % 10);
    nanoseconds /= 10;
  }
  return text_;
}

namespace {

bool read_digits(std::string_view text, std::size_t at, std::size_t count, int& value) {
  if (at + count > text.size()) return false;
  value = 0;
  for (std::size_t i = at; i < at + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    value = value * 10 + (text[i] - '0');
  }
  return true;
}

// The fraction of a second at text[i], if any ('.' and digits), as
// nanoseconds (digits past the ninth dropped), with `i` moved past it.
// Nothing for a '.' without digits.
std::optional<long> read_fraction(std::string_view text, std::size_t& i) {
  if (i >= text.size() || text[i] != '.') return 0;
  long nanoseconds = 0;
  std::size_t digits = 0;
  for (++i; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i, ++digits) {
    if (digits < 9) nanoseconds = nanoseconds * 10 + (text[i] - '0');
  }
  if (digits == 0) return std::nullopt;
  for (; digits < 9; ++digits) nanoseconds *= 10;
  return nanoseconds;
}

// The offset from UTC at text[i] (Z, +hh:mm or -hh:mm) in seconds, with `i`
// moved past it; nothing when there is none.
std::optional<long> read_utc_offset(std::string_view text, std::size_t& i) {
  if (i < text.size() && (text[i] == 'Z' || text[i] == 'z')) {
    ++i;
    return 0;
  }
  if (i >= text.size() || (text[i] != '+' && text[i] != '-')) return std::nullopt;
  int hours, minutes;
  if (!read_digits(text, i + 1, 2, hours) || i + 3 >= text.size() || text[i + 3] != ':' ||
      !read_digits(text, i + 4, 2, minutes)) {
    return std::nullopt;
  }
  long offset = (hours * 60L + minutes) * 60L * (text[i] == '-' ? -1 : 1);
  i += 6;
  return offset;
}

}  // namespace

std::optional<timespec> parse_rfc3339(std::string_view text) {
  int year, month, day, hour, minute, second;
  if (!read_digits(text, 0, 4, year) || text.size() < 19 || text[4] != '-' || !read_digits(text, 5, 2, month) ||
      text[7] != '-' || !read_digits(text, 8, 2, day) || (text[10] != 'T' && text[10] != 't' && text[10] != ' ') ||
      !read_digits(text, 11, 2, hour) || text[13] != ':' || !read_digits(text, 14, 2, minute) || text[16] != ':' ||
      !read_digits(text, 17, 2, second)) {
    return std::nullopt;
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return std::nullopt;
  std::size_t i = 19;
  std::optional<long> nanoseconds = read_fraction(text, i);
  if (!nanoseconds) return std::nullopt;
  std::optional<long> offset = read_utc_offset(text, i);
  if (!offset || i != text.size()) return std::nullopt;
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  timespec result{};
  result.tv_sec = timegm(&tm) - *offset;
  result.tv_nsec = *nanoseconds;
  return result;
}

}  // namespace mqtk
