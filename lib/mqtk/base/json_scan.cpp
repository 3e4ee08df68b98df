#include "mqtk/base/json_scan.hpp"

#include <array>
#include <charconv>
#include <cstdint>
#include <cstring>

namespace mqtk {
namespace {

// The largest power of ten below DBL_MAX (about 1.8e308): a number with at
// most this many digits before its point, exponent included, is finite.
constexpr long kFiniteDigits = 308;

// Bytes a string holds as they are: not the quote, the backslash or a
// control character (UTF-8's bytes above 0x7F are the caller's to check).
constexpr std::array<bool, 256> kPlainInString = [] {
  std::array<bool, 256> plain{};
  for (int c = 0x20; c < 256; ++c) plain[c] = c != '"' && c != '\\';
  return plain;
}();

class Scanner {
 public:
  Scanner(std::string_view text, std::size_t max_depth)
      : at_(text.data()), end_(text.data() + text.size()), max_depth_(max_depth) {}

  JsonScan run() {
    skip_space();
    if (!value(0)) return JsonScan::kInvalid;
    skip_space();
    if (at_ != end_) return JsonScan::kInvalid;
    return maybe_too_large_ ? JsonScan::kAskParser : JsonScan::kValid;
  }

 private:
  bool more() const { return at_ != end_; }
  char peek() const { return *at_; }
  bool take(char c) {
    if (!more() || *at_ != c) return false;
    ++at_;
    return true;
  }
  bool take_word(std::string_view word) {
    if (static_cast<std::size_t>(end_ - at_) < word.size() || std::string_view(at_, word.size()) != word) {
      return false;
    }
    at_ += word.size();
    return true;
  }
  void skip_space() {
    while (more() && (*at_ == ' ' || *at_ == '\t' || *at_ == '\n' || *at_ == '\r')) ++at_;
  }
  static bool digit(char c) { return c >= '0' && c <= '9'; }
  long digits() {
    const char* from = at_;
    while (more() && digit(*at_)) ++at_;
    return at_ - from;
  }

  // `depth`: the containers around this value.
  bool value(std::size_t depth) {
    if (!more()) return false;
    switch (peek()) {
      case '{':
        return container(depth, '}', true);
      case '[':
        return container(depth, ']', false);
      case '"':
        return string();
      case 't':
        return take_word("true");
      case 'f':
        return take_word("false");
      case 'n':
        return take_word("null");
      default:
        return number();
    }
  }

  // An object (members are "key": value) or an array, after its opening.
  bool container(std::size_t depth, char close, bool object) {
    if (depth + 1 > max_depth_) return false;
    ++at_;
    skip_space();
    if (take(close)) return true;
    while (true) {
      if (object) {
        if (!more() || peek() != '"' || !string()) return false;
        skip_space();
        if (!take(':')) return false;
        skip_space();
      }
      if (!value(depth + 1)) return false;
      skip_space();
      if (take(close)) return true;
      if (!take(',')) return false;
      skip_space();
    }
  }

  bool string() {
    ++at_;  // the opening quote
    while (true) {
      at_ = find_string_special(at_, end_);
      if (!more()) return false;
      char c = *at_++;
      if (c == '"') return true;
      if (c != '\\' || !escape()) return false;  // a control character, or a bad escape
    }
  }

  // After a backslash. A \u escape of a surrogate must be a high one
  // followed by an escaped low one, as the parser demands.
  bool escape() {
    if (!more()) return false;
    char c = *at_++;
    switch (c) {
      case '"':
      case '\\':
      case '/':
      case 'b':
      case 'f':
      case 'n':
      case 'r':
      case 't':
        return true;
      case 'u': {
        long unit = hex4();
        if (unit >= 0xDC00 && unit <= 0xDFFF) return false;
        if (unit < 0xD800 || unit > 0xDBFF) return unit >= 0;
        if (!take('\\') || !take('u')) return false;
        long low = hex4();
        return low >= 0xDC00 && low <= 0xDFFF;
      }
      default:
        return false;
    }
  }

  // Four hex digits as a number; -1 when they are not.
  long hex4() {
    if (end_ - at_ < 4) return -1;
    unsigned unit = 0;  // unsigned: no sign is taken
    auto [stop, error] = std::from_chars(at_, at_ + 4, unit, 16);
    if (error != std::errc() || stop != at_ + 4) return -1;
    at_ += 4;
    return unit;
  }

  // -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?
  bool number() {
    take('-');
    if (!more()) return false;
    long whole_digits = 1;
    if (peek() == '0') {
      ++at_;
    } else if (digit(peek())) {
      whole_digits = digits();
    } else {
      return false;
    }
    if (take('.') && digits() == 0) return false;
    long exponent = 0;
    if (more() && (peek() == 'e' || peek() == 'E')) {
      ++at_;
      bool negative = take('-');
      if (!negative) take('+');
      const char* from = at_;
      for (; more() && digit(peek()); ++at_) {
        if (exponent <= kFiniteDigits) exponent = exponent * 10 + (peek() - '0');
      }
      if (at_ == from) return false;
      if (negative) exponent = 0;  // small numbers underflow to zero, which the parser takes
    }
    if (whole_digits + exponent > kFiniteDigits) maybe_too_large_ = true;
    return true;
  }

  const char* at_;
  const char* end_;
  std::size_t max_depth_;
  bool maybe_too_large_ = false;
};

}  // namespace

JsonScan scan_json(std::string_view text, std::size_t max_depth) { return Scanner(text, max_depth).run(); }

const char* find_string_special(const char* at, const char* end) {
  constexpr std::uint64_t kOnes = 0x0101010101010101;
  constexpr std::uint64_t kHighs = kOnes * 0x80;
  // Whether a byte of `word` is below `n` (at most 0x80): a byte that is
  // sets its high bit in word - n, and a borrow only ever comes from a
  // lower byte that is below n itself (Bit Twiddling Hacks, "hasless").
  auto has_byte_below = [](std::uint64_t word, std::uint64_t n) { return ((word - kOnes * n) & ~word & kHighs) != 0; };
  while (end - at >= 8) {
    std::uint64_t word;
    std::memcpy(&word, at, sizeof word);
    if (has_byte_below(word, 0x20) || has_byte_below(word ^ (kOnes * '"'), 1) ||
        has_byte_below(word ^ (kOnes * '\\'), 1)) {
      break;  // one of these eight: found byte by byte below
    }
    at += 8;
  }
  while (at != end && kPlainInString[static_cast<unsigned char>(*at)]) ++at;
  return at;
}

}  // namespace mqtk
