#include "mqtk/output/mosquitto_json.hpp"

#include <algorithm>
#include <cfloat>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include <mosquitto.h>
#include <mqtt_protocol.h>

#include "mqtk/base/payload_encoding.hpp"
#include "mqtk/mqtt/property_read.hpp"

namespace mqtk {
namespace cjson {
namespace {

constexpr int kNestingLimit = 1000;  // CJSON_NESTING_LIMIT

void append_tabs(std::string& out, int count) { out.append(static_cast<std::size_t>(std::max(count, 0)), '\t'); }

// Member and element punctuation, cJSON's print_object/print_array layout.
class ObjectWriter {
 public:
  ObjectWriter(std::string& out, bool pretty, int depth) : out_(out), pretty_(pretty), depth_(depth + 1) {
    out_.push_back('{');
  }
  void key(std::string_view name) {
    if (!first_) out_.push_back(',');
    first_ = false;
    if (pretty_) {
      out_.push_back('\n');
      append_tabs(out_, depth_);
    }
    append_string(out_, name);
    out_.push_back(':');
    if (pretty_) out_.push_back('\t');
  }
  // The depth at which member values are printed.
  int member_depth() const { return depth_; }
  void close() {
    if (pretty_) {
      out_.push_back('\n');
      append_tabs(out_, depth_ - 1);
    }
    out_.push_back('}');
  }

 private:
  std::string& out_;
  bool pretty_;
  int depth_;
  bool first_ = true;
};

unsigned parse_hex4(const char* p) {
  unsigned value = 0;
  for (int i = 0; i < 4; ++i) {
    unsigned char c = static_cast<unsigned char>(p[i]);
    unsigned digit;
    if (c >= '0' && c <= '9') {
      digit = c - '0';
    } else if (c >= 'A' && c <= 'F') {
      digit = 10 + c - 'A';
    } else if (c >= 'a' && c <= 'f') {
      digit = 10 + c - 'a';
    } else {
      return 0;  // cJSON reads an invalid sequence as code point 0
    }
    value = (value << 4) | digit;
  }
  return value;
}

// cJSON's parser (parse_value and friends), writing what it reads straight
// into the output in cJSON's printed form instead of building a tree.
class Reprinter {
 public:
  Reprinter(std::string_view text, bool pretty, std::string& out) : text_(text), pretty_(pretty), out_(out) {}

  bool document(int depth) {
    // The input ends at its terminating NUL, which cJSON counts as readable.
    if (text_.size() >= 4 && text_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
    skip_whitespace();
    if (!value(depth)) return false;
    skip_whitespace();
    return pos_ >= text_.size();
  }

 private:
  bool at_end() const { return pos_ >= text_.size(); }
  unsigned char peek() const { return static_cast<unsigned char>(text_[pos_]); }
  bool starts_with(std::string_view word) const { return text_.substr(pos_, word.size()) == word; }

  void skip_whitespace() {
    while (!at_end() && peek() <= 32) ++pos_;
  }

  bool value(int depth) {
    if (at_end()) return false;
    for (std::string_view literal : {"null", "false", "true"}) {
      if (starts_with(literal)) {
        pos_ += literal.size();
        out_.append(literal);
        return true;
      }
    }
    unsigned char c = peek();
    if (c == '"') {
      if (!string_value(scratch_)) return false;
      append_string(out_, scratch_);
      return true;
    }
    if (c == '-' || (c >= '0' && c <= '9')) return number();
    if (c == '[') return array(depth);
    if (c == '{') return object(depth);
    return false;
  }

  // Debian's cJSON (1.7.15 with the fix for CVE-2023-26819) hands strtod
  // the whole run of number characters, however long.
  bool number() {
    std::size_t n = 0;
    while (pos_ + n < text_.size() && is_number_char(text_[pos_ + n])) ++n;
    number_text_.assign(text_.substr(pos_, n));
    char* end = nullptr;
    double number = std::strtod(number_text_.c_str(), &end);
    if (end == number_text_.c_str()) return false;
    pos_ += static_cast<std::size_t>(end - number_text_.c_str());
    append_number(out_, number);
    return true;
  }

  static bool is_number_char(char c) {
    return (c >= '0' && c <= '9') || c == '+' || c == '-' || c == 'e' || c == 'E' || c == '.';
  }

  // Reads a quoted string into `bytes` (which may then hold NULs).
  bool string_value(std::string& bytes) {
    if (at_end() || peek() != '"') return false;
    std::size_t start = pos_ + 1;
    std::size_t end = closing_quote(start);
    if (end == std::string_view::npos) return false;
    bytes.clear();
    std::size_t i = start;
    while (i < end) {
      if (text_[i] != '\\') {
        bytes.push_back(text_[i]);
        ++i;
        continue;
      }
      std::size_t length = unescape(i, end, bytes);
      if (length == 0) return false;
      i += length;
    }
    pos_ = end + 1;
    return true;
  }

  // The closing quote of the string whose text starts at `start`; npos when
  // the text ends first.
  std::size_t closing_quote(std::size_t start) const {
    std::size_t end = start;
    while (end < text_.size() && text_[end] != '"') {
      if (text_[end] == '\\') {
        if (end + 1 >= text_.size()) return std::string_view::npos;
        ++end;
      }
      ++end;
    }
    return end < text_.size() ? end : std::string_view::npos;
  }

  // The escape at text_[i] (a string's, which ends at `end`) onto `bytes`;
  // returns its length in the text, 0 for one cJSON refuses.
  std::size_t unescape(std::size_t i, std::size_t end, std::string& bytes) const {
    char kind = text_[i + 1];
    switch (kind) {
      case 'b':
        bytes.push_back('\b');
        return 2;
      case 'f':
        bytes.push_back('\f');
        return 2;
      case 'n':
        bytes.push_back('\n');
        return 2;
      case 'r':
        bytes.push_back('\r');
        return 2;
      case 't':
        bytes.push_back('\t');
        return 2;
      case '"':
      case '\\':
      case '/':
        bytes.push_back(kind);
        return 2;
      case 'u':
        return unescape_unicode(i, end, bytes);
      default:
        return 0;
    }
  }

  // \uXXXX, or a surrogate pair of two, as UTF-8; as unescape().
  std::size_t unescape_unicode(std::size_t i, std::size_t end, std::string& bytes) const {
    if (end - i < 6) return 0;
    unsigned first = parse_hex4(&text_[i + 2]);
    if (first >= 0xDC00 && first <= 0xDFFF) return 0;
    if (first < 0xD800 || first > 0xDBFF) {
      append_utf8(bytes, first);
      return 6;
    }
    if (end - i - 6 < 6 || text_[i + 6] != '\\' || text_[i + 7] != 'u') return 0;
    unsigned second = parse_hex4(&text_[i + 8]);
    if (second < 0xDC00 || second > 0xDFFF) return 0;
    append_utf8(bytes, 0x10000 + (((first & 0x3FF) << 10) | (second & 0x3FF)));
    return 12;
  }

  bool array(int depth) {
    if (++nesting_ > kNestingLimit) return false;
    ++pos_;
    out_.push_back('[');
    skip_whitespace();
    if (!at_end() && peek() == ']') {
      ++pos_;
      out_.push_back(']');
      --nesting_;
      return true;
    }
    bool first = true;
    do {
      if (!first) {
        ++pos_;  // the comma
        out_.append(pretty_ ? ", " : ",");
      }
      first = false;
      skip_whitespace();
      if (!value(depth + 1)) return false;
      skip_whitespace();
    } while (!at_end() && peek() == ',');
    if (at_end() || peek() != ']') return false;
    ++pos_;
    out_.push_back(']');
    --nesting_;
    return true;
  }

  bool object(int depth) {
    if (++nesting_ > kNestingLimit) return false;
    ++pos_;
    ObjectWriter writer(out_, pretty_, depth);
    skip_whitespace();
    if (!at_end() && peek() == '}') {
      ++pos_;
      writer.close();
      --nesting_;
      return true;
    }
    std::string name;
    bool first = true;
    do {
      if (!first) ++pos_;  // the comma
      first = false;
      skip_whitespace();
      if (!string_value(name)) return false;
      skip_whitespace();
      if (at_end() || peek() != ':') return false;
      ++pos_;
      skip_whitespace();
      writer.key(name);
      if (!value(writer.member_depth())) return false;
      skip_whitespace();
    } while (!at_end() && peek() == ',');
    if (at_end() || peek() != '}') return false;
    ++pos_;
    writer.close();
    --nesting_;
    return true;
  }

  std::string_view text_;
  bool pretty_;
  std::string& out_;
  std::size_t pos_ = 0;
  int nesting_ = 0;
  std::string scratch_;
  std::string number_text_;
};

}  // namespace

void append_string(std::string& out, std::string_view bytes) {
  std::size_t nul = bytes.find('\0');
  if (nul != std::string_view::npos) bytes = bytes.substr(0, nul);
  // cJSON escapes exactly what nlohmann's dump() does (and bytes of 0x80 and
  // above it leaves alone, valid UTF-8 or not).
  out.push_back('"');
  append_json_escaped(out, bytes);
  out.push_back('"');
}

void append_number(std::string& out, double value) {
  if (std::isnan(value) || std::isinf(value)) {
    out.append("null");
    return;
  }
  char text[32];
  int length = std::snprintf(text, sizeof text, "%1.15g", value);
  double back = std::strtod(text, nullptr);
  double largest = std::max(std::fabs(back), std::fabs(value));
  if (!(std::fabs(back - value) <= largest * DBL_EPSILON)) {
    length = std::snprintf(text, sizeof text, "%1.17g", value);
  }
  out.append(text, static_cast<std::size_t>(length));
}

bool reprint(std::string_view text, bool pretty, int depth, std::string& out) {
  std::size_t mark = out.size();
  if (!Reprinter(text, pretty, out).document(depth)) {
    out.resize(mark);
    return false;
  }
  return true;
}

}  // namespace cjson

namespace {

void append_integer(std::string& out, long long value) {
  char text[24];
  auto result = std::to_chars(text, text + sizeof text, value);
  out.append(text, result.ptr);
}

// The value of the number property `p` (a byte, a four-byte integer or a
// variable byte integer, as `identifier`'s type is).
std::uint32_t number_value(const mosquitto_property* p, int identifier) {
  std::uint8_t byte = 0;
  std::uint32_t value = 0;
  switch (identifier) {
    case MQTT_PROP_PAYLOAD_FORMAT_INDICATOR:
      mosquitto_property_read_byte(p, identifier, &byte, false);
      return byte;
    case MQTT_PROP_MESSAGE_EXPIRY_INTERVAL:
      mosquitto_property_read_int32(p, identifier, &value, false);
      return value;
    default:
      mosquitto_property_read_varint(p, identifier, &value, false);
      return value;
  }
}

// mosquitto_sub 2.0's "user-properties": every user property from `first`
// on, in one object.
void append_user_properties(cjson::ObjectWriter& object, const mosquitto_property* first, bool pretty,
                            std::string& out) {
  object.key("user-properties");
  cjson::ObjectWriter users(out, pretty, object.member_depth());
  for (const mosquitto_property* p = first; p; p = mosquitto_property_next(p)) {
    if (mosquitto_property_identifier(p) != MQTT_PROP_USER_PROPERTY) continue;
    if (auto pair = read_user_property(p)) {
      users.key(pair->first.view());
      cjson::append_string(out, pair->second.view());
    }
  }
  users.close();
}

// mosquitto_sub 2.1's: an array of one-member objects, in cJSON's array
// layout (", " between elements when pretty, each a level deeper).
void append_user_property_array(cjson::ObjectWriter& object, const mosquitto_property* first, bool pretty,
                                std::string& out) {
  object.key("user-properties");
  out.push_back('[');
  bool first_element = true;
  for (const mosquitto_property* p = first; p; p = mosquitto_property_next(p)) {
    if (mosquitto_property_identifier(p) != MQTT_PROP_USER_PROPERTY) continue;
    if (auto pair = read_user_property(p)) {
      if (!first_element) out.append(pretty ? ", " : ",");
      first_element = false;
      cjson::ObjectWriter user(out, pretty, object.member_depth() + 1);
      user.key(pair->first.view());
      cjson::append_string(out, pair->second.view());
      user.close();
    }
  }
  out.push_back(']');
}

// mosquitto_sub's json_print_properties: the properties it knows, in the
// order they came, with all user properties gathered in one object where the
// first of them stood.
void append_properties(cjson::ObjectWriter& root, const mosquitto_property* properties, bool pretty, std::string& out,
                       FormatVersion version) {
  root.key("properties");
  cjson::ObjectWriter object(out, pretty, root.member_depth());
  // mosquitto_sub reads topic-alias into the variable correlation-data's
  // length went to, with the wrong identifier, so it prints that (or 0).
  std::uint16_t shared_int16 = 0;
  bool user_properties_done = false;
  for (const mosquitto_property* p = properties; p; p = mosquitto_property_next(p)) {
    int identifier = mosquitto_property_identifier(p);
    const char* name = mosquitto_property_identifier_to_string(identifier);
    switch (identifier) {
      case MQTT_PROP_PAYLOAD_FORMAT_INDICATOR:
      case MQTT_PROP_MESSAGE_EXPIRY_INTERVAL:
      case MQTT_PROP_SUBSCRIPTION_IDENTIFIER:
        object.key(name);
        append_integer(out, number_value(p, identifier));
        break;
      case MQTT_PROP_CONTENT_TYPE:
      case MQTT_PROP_RESPONSE_TOPIC: {
        auto value = read_string_property(p, identifier);
        object.key(name);
        cjson::append_string(out, value ? value->view() : "");
        break;
      }
      case MQTT_PROP_CORRELATION_DATA: {
        auto value = read_binary_property(p, identifier);
        shared_int16 = static_cast<std::uint16_t>(value ? value->view().size() : 0);
        object.key(name);
        cjson::append_string(out, value ? value->view() : "");
        break;
      }
      case MQTT_PROP_TOPIC_ALIAS: {
        std::uint16_t alias = shared_int16;  // 2.1 reads the alias itself
        if (version == FormatVersion::kMosquitto21) mosquitto_property_read_int16(p, identifier, &alias, false);
        object.key(name);
        append_integer(out, alias);
        break;
      }
      case MQTT_PROP_USER_PROPERTY:
        if (!user_properties_done) {
          if (version == FormatVersion::kMosquitto21) {
            append_user_property_array(object, p, pretty, out);
          } else {
            append_user_properties(object, p, pretty, out);
          }
        }
        user_properties_done = true;
        break;
      default:
        break;
    }
  }
  object.close();
}

}  // namespace

bool append_mosquitto_json(const Message& message, std::string_view timestamp, bool escaped_payload, bool pretty,
                           std::string& out, FormatVersion version) {
  std::size_t mark = out.size();
  cjson::ObjectWriter root(out, pretty, 0);
  root.key("tst");
  cjson::append_string(out, timestamp);
  root.key("topic");
  cjson::append_string(out, message.topic);
  root.key("qos");
  append_integer(out, message.qos);
  root.key("retain");
  if (version == FormatVersion::kMosquitto21) {
    out.append(message.retain ? "true" : "false");
  } else {
    append_integer(out, message.retain ? 1 : 0);
  }
  root.key("payloadlen");
  append_integer(out, static_cast<long long>(message.payload.size()));
  if (message.qos > 0) {
    root.key("mid");
    append_integer(out, message.mid);
  }
  if (message.properties) append_properties(root, message.properties, pretty, out, version);
  root.key("payload");
  // libmosquitto stores an empty payload as no payload at all.
  if (message.payload.empty()) {
    out.append("null");
  } else if (escaped_payload) {
    cjson::append_string(out, message.payload);
  } else if (message.payload.find('\0') != std::string_view::npos ||
             !cjson::reprint(message.payload, pretty, root.member_depth(), out)) {
    out.resize(mark);
    return false;
  }
  root.close();
  return true;
}

}  // namespace mqtk
