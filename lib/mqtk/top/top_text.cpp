#include "mqtk/top/top_text.hpp"

#include <locale.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cwchar>

#include "mqtk/base/counts.hpp"
#include "mqtk/base/reporter.hpp"

namespace mqtk {
namespace {

// The fixed columns before the topic: rate, history, count, age, QoS and
// retain, size, with a space after each.
constexpr std::size_t kRateWidth = 7;
constexpr std::size_t kCountWidth = 7;
constexpr std::size_t kAgeWidth = 5;
constexpr std::size_t kSizeWidth = 5;
constexpr std::size_t kFixedWidth =
    kRateWidth + 1 + kSparkSeconds + 1 + kCountWidth + 1 + kAgeWidth + 1 + 2 + 1 + kSizeWidth + 1;
constexpr std::size_t kMinTopicWidth = 12;

std::string printed(const char* format, double value) {
  char text[32];
  std::snprintf(text, sizeof text, format, value);
  return text;
}

std::string right(std::string text, std::size_t width) {
  if (text.size() < width) text.insert(0, width - text.size(), ' ');
  return text;
}

// The code point starting at `text[at]` (valid UTF-8), and where the next starts.
char32_t decode(std::string_view text, std::size_t& at) {
  auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  unsigned char lead = byte(at++);
  if (lead < 0x80) return lead;
  int more = lead >= 0xF0 ? 3 : lead >= 0xE0 ? 2 : 1;
  char32_t c = lead & (0x3F >> more);
  for (; more > 0 && at < text.size() && (byte(at) & 0xC0) == 0x80; --more) c = (c << 6) | (byte(at++) & 0x3F);
  return c;
}

// Columns of one code point by glibc's wcwidth in C.UTF-8: the user's locale
// may be C, where every character past ASCII has no width.
std::size_t code_point_columns(char32_t c) {
  if (c >= 0x20 && c < 0x7F) return 1;
  static const locale_t utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(nullptr));
  if (utf8 == static_cast<locale_t>(nullptr)) return 1;
  locale_t previous = uselocale(utf8);
  int width = wcwidth(static_cast<wchar_t>(c));
  uselocale(previous);
  return width < 0 ? 1 : static_cast<std::size_t>(width);
}

// `text` padded with spaces to `width` columns.
std::string padded(std::string text, std::size_t width) {
  std::size_t used = text_columns(text);
  if (used < width) text.append(width - used, ' ');
  return text;
}

const char* sort_name(SortKey key) {
  switch (key) {
    case SortKey::kRate:
      return "rate";
    case SortKey::kName:
      return "name";
    case SortKey::kCount:
      return "count";
    case SortKey::kAge:
      return "age";
  }
  return "rate";
}

// The widths of the topic and payload columns in a line of `width`.
std::pair<std::size_t, std::size_t> free_widths(std::size_t width) {
  std::size_t rest = width > kFixedWidth ? width - kFixedWidth : 0;
  std::size_t topic = std::max(kMinTopicWidth, rest * 3 / 5);
  std::size_t payload = rest > topic + 1 ? rest - topic - 1 : 0;
  return {topic, payload};
}

}  // namespace

std::size_t text_columns(std::string_view text) {
  std::size_t used = 0;
  for (std::size_t at = 0; at < text.size();) used += code_point_columns(decode(text, at));
  return used;
}

std::size_t fitting_bytes(std::string_view text, std::size_t width) {
  std::size_t used = 0;
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t next = at;
    std::size_t columns = code_point_columns(decode(text, next));
    if (used + columns > width) break;
    used += columns;
    at = next;
  }
  return at;
}

std::string short_rate(double per_second) {
  if (per_second < 999.95) return printed("%.1f", per_second);
  if (per_second < 99999.5) return printed("%.0f", per_second);
  return printed("%.1fk", per_second / 1000);
}

std::string short_count(long long count) {
  if (count < 10'000'000) return std::to_string(count);
  if (count < 10'000'000'000) return printed("%.2fM", static_cast<double>(count) / 1e6);
  return printed("%.2fG", static_cast<double>(count) / 1e9);
}

std::string short_bytes(long long bytes) {
  if (bytes < 1024) return std::to_string(bytes);
  const char* units = "KMGTP";
  double value = static_cast<double>(bytes) / 1024;
  int unit = 0;
  while (value >= 1023.95 && unit < 4) {
    value /= 1024;
    ++unit;
  }
  return printed(value < 9.95 ? "%.1f" : "%.0f", value) + units[unit];
}

std::string short_age(double seconds) {
  if (seconds < 9.95) return printed("%.1fs", std::max(0.0, seconds));
  if (seconds < 99.5) return printed("%.0fs", seconds);
  if (seconds < 5999.5) return printed("%.0fm", seconds / 60);
  if (seconds < 172800) return printed("%.0fh", seconds / 3600);
  return printed("%.0fd", seconds / 86400);
}

std::string sparkline(std::span<const double> values, bool from_zero, TextStyle style) {
  static const char* const kBlocks[] = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
  static const char kAscii[] = "_.-:=+*#";
  double low = from_zero ? 0.0 : INFINITY;
  double high = -INFINITY;
  for (double v : values) {
    if (std::isnan(v)) continue;
    low = std::min(low, v);
    high = std::max(high, v);
  }
  std::string line;
  for (double v : values) {
    if (std::isnan(v)) {
      line += ' ';
      continue;
    }
    // A flat line sits at the bottom.
    int level = high > low ? static_cast<int>(std::lround((v - low) / (high - low) * 7)) : 0;
    if (from_zero && v > 0 && level == 0) level = 1;  // any message shows
    level = std::clamp(level, 0, 7);
    if (style.unicode) {
      line += kBlocks[level];
    } else {
      line += kAscii[level];
    }
  }
  return line;
}

std::string one_line(std::string_view text, std::size_t width, TextStyle style) {
  std::string flat(text);
  for (char& c : flat) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  std::string safe = terminal_safe(flat);
  if (text_columns(safe) <= width) return safe;
  if (width == 0) return {};
  // Cut at a code point's start, leaving a column for the mark.
  return safe.substr(0, fitting_bytes(safe, width - 1)) + (style.unicode ? "…" : "~");
}

double number_in(std::string_view text) {
  std::string copy(text);
  const char* start = copy.c_str();
  while (*start == ' ') ++start;
  if (*start == '\0') return std::nan("");
  char* end = nullptr;
  errno = 0;
  double value = std::strtod(start, &end);
  while (*end == ' ' || *end == '\n' || *end == '\r' || *end == '\t') ++end;
  // strtod also reads "nan", "inf" and hexadecimal: not what a payload means by a number.
  bool plain = std::all_of(start, static_cast<const char*>(end), [](char c) {
    return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E' || c == ' ' ||
           c == '\n' || c == '\r' || c == '\t';
  });
  if (end == start || *end != '\0' || !plain || errno == ERANGE || !std::isfinite(value)) return std::nan("");
  return value;
}

std::vector<std::string> header_lines(const TopHeader& header, const TopicTable& table, TopTime now, TextStyle style,
                                      std::size_t width) {
  std::string first = "mqtk-top  " + header.broker + "  " + header.state + "  " + short_rate(table.total_rate(now)) +
                      " msg/s  " + count_of(static_cast<long long>(table.size()), "topic") + "  " +
                      count_of(table.messages(), "message") + "  " + short_bytes(table.bytes()) + "B";
  std::string second = std::string("sort: ") + sort_name(header.view.sort);
  if (!header.view.filter.empty()) second += "  filter: " + header.view.filter;
  if (!header.view.folded.empty()) second += "  folded: " + std::to_string(header.view.folded.size());
  second += "  rows: " + std::to_string(header.rows);
  if (header.paused) second += "  PAUSED";
  if (table.dropped_messages() > 0) {
    second += "  dropping: " + count_of(table.dropped_messages(), "message") + " beyond " +
              with_commas(static_cast<long long>(table.max_topics())) + " topics";
  }
  return {one_line(first, width, style), one_line(second, width, style)};
}

std::string column_titles(std::size_t width) {
  auto [topic, payload] = free_widths(width);
  std::string line = right("RATE/s", kRateWidth) + " " + padded("HISTORY", kSparkSeconds) + " " +
                     right("COUNT", kCountWidth) + " " + right("AGE", kAgeWidth) + " QR " + right("SIZE", kSizeWidth) +
                     " " + padded("TOPIC", topic) + " " + "PAYLOAD";
  return one_line(line, width, TextStyle{false});
}

std::string row_line(const TopicRow& row, TextStyle style, std::size_t width) {
  auto [topic_width, payload_width] = free_widths(width);
  std::array<double, kSparkSeconds> rates{};
  std::copy(row.rates.begin(), row.rates.end(), rates.begin());
  std::string line = right(short_rate(row.rate), kRateWidth) + " " + sparkline(rates, true, style) + " " +
                     right(short_count(row.count), kCountWidth) + " " + right(short_age(row.age), kAgeWidth) + " " +
                     static_cast<char>('0' + row.qos) + (row.retained ? 'r' : ' ') + " " +
                     right(short_bytes(static_cast<long long>(row.size)), kSizeWidth) + " " +
                     padded(one_line(row.name(), topic_width, style), topic_width) + " ";
  std::string payload;
  if (!row.is_folded() && row.stats != nullptr) {
    const TopicStats& stats = *row.stats;
    std::string_view text = stats.shown_text();
    const ValueHistory& values = stats.values;
    constexpr std::size_t kValueSpark = ValueHistory::kValues + 1;
    if (values.size() >= 2 && payload_width >= kValueSpark + 4) {
      std::vector<double> recent;
      for (int i = 0; i < values.size(); ++i) recent.push_back(values.at(i));
      payload = padded(one_line(text, payload_width - kValueSpark, style), payload_width - kValueSpark) + " " +
                sparkline(recent, false, style);
    } else {
      payload = one_line(text, payload_width, style);
    }
  } else {
    payload = one_line("(" + count_of(row.topics, "topic") + ")", payload_width, style);
  }
  line += payload;
  // Trailing spaces are of no use on a screen or in a file.
  while (!line.empty() && line.back() == ' ') line.pop_back();
  return line;
}

}  // namespace mqtk
