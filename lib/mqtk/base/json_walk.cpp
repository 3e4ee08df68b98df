#include "mqtk/base/json_walk.hpp"

#include <charconv>
#include <cstdint>
#include <string>

#include "mqtk/base/json_scan.hpp"
#include "mqtk/base/payload_encoding.hpp"

namespace mqtk {
namespace {

class Walker {
 public:
  Walker(std::string_view text, JsonSax& sax) : at_(text.data()), end_(text.data() + text.size()), sax_(sax) {}

  JsonWalk run() {
    skip_space();
    bool done = value();
    if (ask_parser_) return JsonWalk::kAskParser;
    return done ? JsonWalk::kDone : JsonWalk::kStopped;
  }

 private:
  void skip_space() {
    while (at_ != end_ && (*at_ == ' ' || *at_ == '\t' || *at_ == '\n' || *at_ == '\r')) ++at_;
  }
  static bool number_char(char c) {
    return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
  }

  bool value() {
    switch (*at_) {
      case '{':
        return container(true);
      case '[':
        return container(false);
      case '"':
        read_string();
        return sax_.string(string_);
      case 't':
        at_ += 4;
        return sax_.boolean(true);
      case 'f':
        at_ += 5;
        return sax_.boolean(false);
      case 'n':
        at_ += 4;
        return sax_.null();
      default:
        return number();
    }
  }

  // An object or an array, from its opening bracket. The parser sends the
  // size as unknown (-1): JSON text does not say it.
  bool container(bool object) {
    ++at_;
    constexpr auto kUnknownSize = static_cast<std::size_t>(-1);
    if (!(object ? sax_.start_object(kUnknownSize) : sax_.start_array(kUnknownSize))) return false;
    skip_space();
    char close = object ? '}' : ']';
    while (*at_ != close) {
      if (object) {
        read_string();
        if (!sax_.key(string_)) return false;
        skip_space();
        ++at_;  // ':'
        skip_space();
      }
      if (!value()) return false;
      skip_space();
      if (*at_ == ',') {
        ++at_;
        skip_space();
      }
    }
    ++at_;
    return object ? sax_.end_object() : sax_.end_array();
  }

  // From the opening quote into string_, escapes decoded.
  void read_string() {
    ++at_;
    // Valid text: the next special byte is the closing quote or a backslash.
    const char* from = at_;
    at_ = find_string_special(at_, end_);
    string_.assign(from, at_);
    while (*at_ == '\\') {
      ++at_;
      unescape();
      from = at_;
      at_ = find_string_special(at_, end_);
      string_.append(from, at_);
    }
    ++at_;  // the closing quote
  }

  // After a backslash: a valid escape (a high surrogate is followed by an
  // escaped low one).
  void unescape() {
    char c = *at_++;
    switch (c) {
      case 'b':
        string_.push_back('\b');
        return;
      case 'f':
        string_.push_back('\f');
        return;
      case 'n':
        string_.push_back('\n');
        return;
      case 'r':
        string_.push_back('\r');
        return;
      case 't':
        string_.push_back('\t');
        return;
      case 'u': {
        std::uint32_t unit = hex4();
        if (unit >= 0xD800 && unit <= 0xDBFF) {
          at_ += 2;  // "\u"
          std::uint32_t low = hex4();
          unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
        }
        append_utf8(string_, static_cast<char32_t>(unit));
        return;
      }
      default:  // '"', '\\', '/'
        string_.push_back(c);
        return;
    }
  }

  std::uint32_t hex4() {
    std::uint32_t unit = 0;
    std::from_chars(at_, at_ + 4, unit, 16);
    at_ += 4;
    return unit;
  }

  // As the parser: an integer that fits 64 bits (signed when negative) is
  // one, anything else a double.
  bool number() {
    const char* from = at_;
    bool integer = true;
    while (at_ != end_ && number_char(*at_)) {
      if (*at_ == '.' || *at_ == 'e' || *at_ == 'E') integer = false;
      ++at_;
    }
    if (integer) {
      if (*from == '-') {
        std::int64_t value = 0;
        if (std::from_chars(from, at_, value).ec == std::errc()) return sax_.number_integer(value);
      } else {
        std::uint64_t value = 0;
        if (std::from_chars(from, at_, value).ec == std::errc()) return sax_.number_unsigned(value);
      }
    }
    double value = 0;
    if (std::from_chars(from, at_, value).ec != std::errc()) {
      ask_parser_ = true;
      return false;
    }
    number_text_.assign(from, at_);
    return sax_.number_float(value, number_text_);
  }

  const char* at_;
  const char* end_;
  JsonSax& sax_;
  std::string string_;       // the string or key being sent
  std::string number_text_;  // a double as written, sent with it
  bool ask_parser_ = false;
};

}  // namespace

JsonWalk walk_json(std::string_view text, JsonSax& sax) { return Walker(text, sax).run(); }

}  // namespace mqtk
