#include "mqtk/base/units.hpp"

#include <cctype>
#include <charconv>
#include <string>

#include "mqtk/base/error.hpp"

namespace mqtk {
namespace {

// Splits "12.5MB" into 12.5 and "MB"; fails on anything but a non-negative
// number followed by letters.
bool split(std::string_view text, double& number, std::string_view& unit) {
  std::size_t digits = 0;
  while (digits < text.size() && (std::isdigit(static_cast<unsigned char>(text[digits])) || text[digits] == '.')) {
    ++digits;
  }
  if (digits == 0) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + digits, number);
  if (ec != std::errc() || end != text.data() + digits) return false;
  unit = text.substr(digits);
  return true;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

}  // namespace

std::uint64_t parse_size(std::string_view text, std::string_view flag) {
  struct Unit {
    std::string_view name;
    double bytes;
  };
  static constexpr Unit kUnits[] = {
      {"", 1},      {"B", 1},        {"KB", 1e3},        {"MB", 1e6},           {"GB", 1e9},
      {"TB", 1e12}, {"KiB", 1024.0}, {"MiB", 1048576.0}, {"GiB", 1073741824.0}, {"TiB", 1099511627776.0},
      {"K", 1e3},   {"M", 1e6},      {"G", 1e9}};
  double number = 0;
  std::string_view unit;
  if (split(text, number, unit)) {
    for (const Unit& u : kUnits) {
      if (iequals(unit, u.name)) {
        double bytes = number * u.bytes;
        if (bytes >= 1 && bytes < 1.8e19) return static_cast<std::uint64_t>(bytes);
      }
    }
  }
  throw UsageError(std::string(flag) + ": expected a size such as 100MB or 2GiB, not '" + std::string(text) + "'");
}

std::chrono::milliseconds parse_duration(std::string_view text, std::string_view flag) {
  struct Unit {
    std::string_view name;
    double milliseconds;
  };
  static constexpr Unit kUnits[] = {{"ms", 1},      {"s", 1000},    {"m", 60000},
                                    {"min", 60000}, {"h", 3600000}, {"d", 86400000}};
  auto fail = [&]() -> UsageError {
    return UsageError(std::string(flag) + ": expected a duration such as 500ms, 30s, 5m, 1h30m or 1d, not '" +
                      std::string(text) + "'");
  };
  // A bare number is seconds; otherwise number-unit parts add up: 1h30m.
  double total = 0;
  std::string_view rest = text;
  while (!rest.empty()) {
    double number = 0;
    std::string_view unit;
    if (!split(rest, number, unit)) throw fail();
    std::size_t unit_length = 0;
    while (unit_length < unit.size() && std::isalpha(static_cast<unsigned char>(unit[unit_length]))) ++unit_length;
    std::string_view name = unit.substr(0, unit_length);
    if (name.empty()) {
      if (rest.size() != text.size() || unit_length != unit.size()) throw fail();  // "5" alone, not "1h5"
      total = number * 1000;
      break;
    }
    const Unit* found = nullptr;
    for (const Unit& u : kUnits) {
      if (name == u.name) found = &u;
    }
    if (!found) throw fail();
    total += number * found->milliseconds;
    rest = unit.substr(unit_length);
  }
  if (!(total >= 1)) throw fail();
  // Clocks count nanoseconds in 64 bits: now plus more than about 292 years
  // wraps around to the past, and a wait would end at once.
  constexpr double kMaxMilliseconds = 36500.0 * 86400000;
  if (!(total <= kMaxMilliseconds)) {
    throw UsageError(std::string(flag) + ": at most 36500d (100 years), not '" + std::string(text) + "'");
  }
  return std::chrono::milliseconds(static_cast<long long>(total));
}

}  // namespace mqtk
