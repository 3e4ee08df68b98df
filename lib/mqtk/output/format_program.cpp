#include "mqtk/output/format_program.hpp"

#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <optional>

#include <mosquitto.h>
#include <mqtt_protocol.h>

#include "mqtk/base/error.hpp"
#include "mqtk/mqtt/property_read.hpp"
#include "mqtk/output/mosquitto_json.hpp"

namespace mqtk {
namespace {

// Larger widths are surely mistakes; mosquitto_sub would overflow an int.
constexpr int kMaxWidth = 65535;

constexpr std::string_view kConversions20 = "%ACDEFIlmPpqRSrtjJUxX";
constexpr std::string_view kConversions21 = "%ACDEFIlmPpqRSrtjJUxXfd";

// The characters 2.1 takes after the precision as %x's group separator.
constexpr std::string_view kHexSeparators = "!\"#$&'()*+,-./:;<=>?@[\\]^_`{|}~ ";

// What the version's -F language has: 2.0 refuses 2.1's additions (and a
// drop-in for 2.0 must refuse them too: "%--x" is an error there).
struct Language {
  std::string_view conversions;
  std::string_view separators;
};

Language language(FormatVersion version) {
  if (version == FormatVersion::kMosquitto21) return {kConversions21, kHexSeparators};
  return {kConversions20, ""};
}

[[noreturn]] void fail(const std::string& problem) { throw UsageError("-F: " + problem); }

// The checks below are mosquitto_sub's check_format: which strings it
// accepts, and what it says about the others.

// Moves `i` on to the next character of a specifier, which must not be the
// last of the format: the conversion character has to follow.
void step_within_specifier(std::string_view f, std::size_t& i) {
  if (++i == f.size() - 1) fail("incomplete format specifier at the end of the format");
}

void skip_digits(std::string_view f, std::size_t& i) {
  while (f[i + 1] >= '0' && f[i + 1] <= '9') step_within_specifier(f, i);
}

// A %-specifier starting at f[i]: flag, width, precision, conversion.
// Returns where its conversion character is.
std::size_t check_specifier(std::string_view f, std::size_t i, const Language& language) {
  if (i == f.size() - 1) fail("incomplete format specifier at the end of the format");
  if (f[i + 1] == '0' || f[i + 1] == '-') step_within_specifier(f, i);
  skip_digits(f, i);
  if (f[i + 1] == '.') {
    step_within_specifier(f, i);
    skip_digits(f, i);
  }
  if (language.separators.find(f[i + 1]) != std::string_view::npos) step_within_specifier(f, i);
  if (language.conversions.find(f[i + 1]) == std::string_view::npos) {
    fail(std::string("invalid format specifier '%") + f[i + 1] + "'");
  }
  return i + 1;
}

// A \-escape starting at f[i]; returns where its letter is.
std::size_t check_escape(std::string_view f, std::size_t i) {
  if (i == f.size() - 1) fail("incomplete escape '\\' at the end of the format");
  if (std::string_view("\\0aenrtv").find(f[i + 1]) == std::string_view::npos) {
    fail(std::string("invalid escape '\\") + f[i + 1] + "'");
  }
  return i + 1;
}

void check_format(std::string_view f, const Language& language) {
  for (std::size_t i = 0; i < f.size(); ++i) {
    if (f[i] == '%') {
      i = check_specifier(f, i, language);
    } else if (f[i] == '@') {
      if (i == f.size() - 1) fail("incomplete time specifier '@' at the end of the format");
      ++i;
    } else if (f[i] == '\\') {
      i = check_escape(f, i);
    }
  }
}

// A field width or precision: the digits from f[i] on (no digits: 0), with
// `i` left after them; never the format's last character, its conversion.
int read_width(std::string_view f, std::size_t& i) {
  int number = 0;
  while (i < f.size() - 1 && f[i] >= '0' && f[i] <= '9') {
    number = number * 10 + (f[i] - '0');
    if (number > kMaxWidth) fail("field width or precision larger than " + std::to_string(kMaxWidth));
    ++i;
  }
  return number;
}

char escape_value(char c) {
  switch (c) {
    case '0':
      return '\0';
    case 'a':
      return '\a';
    case 'e':
      return '\033';
    case 'n':
      return '\n';
    case 'r':
      return '\r';
    case 't':
      return '\t';
    case 'v':
      return '\v';
    default:
      return c;  // '\\'
  }
}

// printf("%d") with mosquitto_sub's flags: "%-*d", "%0*d" or "%*d".
void append_int(std::string& out, long long value, char align, char pad, int width) {
  char digits[24];
  auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
  std::string_view text(digits, static_cast<std::size_t>(end - digits));
  std::size_t fill = width > static_cast<int>(text.size()) ? static_cast<std::size_t>(width) - text.size() : 0;
  if (align == '-') {
    out.append(text);
    out.append(fill, ' ');
  } else if (pad == '0') {
    if (value < 0) {
      out.push_back('-');
      text.remove_prefix(1);
    }
    out.append(fill, '0');
    out.append(text);
  } else {
    out.append(fill, ' ');
    out.append(text);
  }
}

// printf("%*.*s") with optional width and precision.
void append_str(std::string& out, std::string_view value, char align, int width, int precision) {
  if (precision >= 0 && value.size() > static_cast<std::size_t>(precision)) value = value.substr(0, precision);
  std::size_t fill = width > static_cast<int>(value.size()) ? static_cast<std::size_t>(width) - value.size() : 0;
  if (align != '-') out.append(fill, ' ');
  out.append(value);
  if (align == '-') out.append(fill, ' ');
}

void append_blank(std::string& out, char pad, int width) { out.append(static_cast<std::size_t>(width), pad); }

// mosquitto_sub's write_payload, including how a width truncates.
void append_payload(std::string& out, std::string_view payload, int hex, char align, char pad, int width) {
  long long length = static_cast<long long>(payload.size());
  long long padding;
  if (width > 0) {
    if (length > width) length = width;
    if (hex > 0) {
      length /= 2;
      padding = width - length * 2;
    } else {
      padding = width - length;
    }
  } else {
    padding = width - length;
  }
  if (align != '-' && padding > 0) out.append(static_cast<std::size_t>(padding), pad);
  std::string_view shown = payload.substr(0, static_cast<std::size_t>(length));
  if (hex == 0) {
    out.append(shown);
  } else {
    const char* digits = hex == 1 ? "0123456789abcdef" : "0123456789ABCDEF";
    for (unsigned char c : shown) {
      out.push_back(digits[c >> 4]);
      out.push_back(digits[c & 0xF]);
    }
  }
  // printf("%*s", padding, ""): a negative width pads too, on the left.
  if (align == '-') out.append(static_cast<std::size_t>(padding < 0 ? -padding : padding), ' ');
}

// mosquitto_sub 2.1's %x/%X: the width counts hex digits (a longer payload
// is still cut at `width` bytes), and with a precision a separator follows
// every `group` digits, padding included, but never the last digit.
void append_hex(std::string& out, std::string_view payload, bool upper, char align, char pad, int width, int group,
                char separator) {
  long long length = static_cast<long long>(payload.size());
  long long padding = width - length;
  if (width > 0) {
    if (length > width) length = width;
    padding = width - length * 2;
  }
  long long position = 0;
  auto after_digit = [&] {
    if (group > 0 && position % group == group - 1) out.push_back(separator);
    ++position;
  };
  if (align != '-') {
    for (long long i = 0; i < padding; ++i) {
      out.push_back(pad);
      after_digit();
    }
  }
  const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  for (long long i = 0; i < length; ++i) {
    auto c = static_cast<unsigned char>(payload[static_cast<std::size_t>(i)]);
    out.push_back(digits[c >> 4]);
    after_digit();
    out.push_back(digits[c & 0xF]);
    if (i < length - 1) after_digit();
  }
  if (align == '-') out.append(static_cast<std::size_t>(padding < 0 ? -padding : padding), ' ');
}

// %A %E %F %S: the number property the conversion names, as mosquitto_sub
// prints it (an int, so a 32-bit value past INT_MAX comes out negative).
std::optional<long long> number_property(const mosquitto_property* props, char conversion) {
  std::uint8_t byte = 0;
  std::uint16_t int16 = 0;
  std::uint32_t int32 = 0;
  switch (conversion) {
    case 'A':
      if (mosquitto_property_read_int16(props, MQTT_PROP_TOPIC_ALIAS, &int16, false)) return int16;
      break;
    case 'E':
      if (mosquitto_property_read_int32(props, MQTT_PROP_MESSAGE_EXPIRY_INTERVAL, &int32, false)) {
        return static_cast<std::int32_t>(int32);
      }
      break;
    case 'F':
      if (mosquitto_property_read_byte(props, MQTT_PROP_PAYLOAD_FORMAT_INDICATOR, &byte, false)) return byte;
      break;
    case 'S':
      if (mosquitto_property_read_varint(props, MQTT_PROP_SUBSCRIPTION_IDENTIFIER, &int32, false)) {
        return static_cast<std::int32_t>(int32);
      }
      break;
  }
  return std::nullopt;
}

// %P: every user property as name:value, separated by spaces.
void append_user_properties(std::string& out, const mosquitto_property* props) {
  bool first = true;
  for (const mosquitto_property* p = props; p; p = mosquitto_property_next(p)) {
    auto pair = mosquitto_property_identifier(p) == MQTT_PROP_USER_PROPERTY ? read_user_property(p) : std::nullopt;
    if (!pair) continue;
    if (!first) out.push_back(' ');
    first = false;
    out.append(pair->first.view());
    out.push_back(':');
    out.append(pair->second.view());
  }
}

// Nanoseconds as the nine digits after a decimal point (@N, %U).
void append_nanoseconds(std::string& out, long nanoseconds) {
  char digits[16];
  auto end = std::to_chars(digits, digits + sizeof digits, nanoseconds).ptr;
  out.append(static_cast<std::size_t>(9 - (end - digits)), '0');
  out.append(digits, end);
}

}  // namespace

FormatProgram::FormatProgram(std::string_view f, bool end_of_line, bool pretty, WarningCallback warn,
                             FormatVersion version)
    : end_of_line_(end_of_line), pretty_(pretty), version_(version), warn_(std::move(warn)) {
  check_format(f, language(version));  // so the steps below may take each specifier as complete
  for (std::size_t i = 0; i < f.size(); ++i) {
    char c = f[i];
    if (c == '%') {
      compile_field(f, ++i);
    } else if (c == '@') {
      compile_time(f[++i]);
    } else if (c == '\\') {
      literal().push_back(escape_value(f[++i]));
    } else {
      literal().push_back(c);
    }
  }
}

std::string& FormatProgram::literal() {
  if (ops_.empty() || ops_.back().kind != OpKind::kLiteral) ops_.emplace_back(OpKind::kLiteral);
  return ops_.back().literal;
}

void FormatProgram::compile_field(std::string_view f, std::size_t& i) {
  Op op(OpKind::kField);
  if (f[i] == '-') {
    op.align = '-';
    ++i;
  }
  if (f[i] == '0') {
    op.pad = '0';
    ++i;
  }
  op.width = read_width(f, i);
  if (f[i] == '.') op.precision = read_width(f, ++i);
  if (language(version_).separators.find(f[i]) != std::string_view::npos) op.separator = f[i++];
  op.conversion = f[i];
  if (op.conversion == '%') {
    literal().push_back('%');
    return;
  }
  if (std::string_view("IjJU").find(op.conversion) != std::string_view::npos) uses_time_ = true;
  if (op.conversion == 'I') op.clock = StrftimeCache("%FT%T%z");
  ops_.push_back(std::move(op));
}

void FormatProgram::compile_time(char conversion) {
  if (conversion == '@') {
    literal().push_back('@');
    return;
  }
  uses_time_ = true;
  Op op(conversion == 'N' ? OpKind::kNanoseconds : OpKind::kStrftime);
  op.conversion = conversion;
  if (conversion != 'N') op.clock = StrftimeCache(std::string("%") + conversion);
  ops_.push_back(std::move(op));
}

void FormatProgram::render(const Message& message, std::string& out) {
  if (uses_time_) time_.set(message.received);
  for (Op& op : ops_) {
    switch (op.kind) {
      case OpKind::kLiteral:
        out.append(op.literal);
        break;
      case OpKind::kStrftime:
        out.append(op.clock.text(time_));
        break;
      case OpKind::kNanoseconds:
        append_nanoseconds(out, time_.nanoseconds());
        break;
      case OpKind::kField:
        render_field(op, message, out);
        break;
    }
  }
  if (end_of_line_) out.push_back('\n');
}

void FormatProgram::render_field(Op& op, const Message& message, std::string& out) {
  const mosquitto_property* props = message.properties;
  switch (op.conversion) {
    case 'A':
    case 'E':
    case 'F':
    case 'S':
      if (auto value = number_property(props, op.conversion)) {
        append_int(out, *value, op.align, op.pad, op.width);
      } else {
        append_blank(out, op.pad, op.width);
      }
      break;
    case 'C':
      if (auto value = read_string_property(props, MQTT_PROP_CONTENT_TYPE)) {
        append_str(out, value->view(), op.align, op.width, op.precision);
      } else {
        append_blank(out, version_ == FormatVersion::kMosquitto21 ? op.pad : ' ', op.width);
      }
      break;
    case 'f':
    case 'd':
      render_float(op, message.payload, out);
      break;
    case 'D':
      if (auto value = read_binary_property(props, MQTT_PROP_CORRELATION_DATA)) out.append(value->view());
      break;
    case 'I':
      render_iso_time(op, out);
      break;
    case 'j':
    case 'J': {
      std::string_view timestamp = time_.mosquitto_timestamp();
      if (version_ == FormatVersion::kMosquitto21) {
        // 2.0's "...00.123456Z+0100" is 2.1's "...00.123456+0100".
        timestamp_.assign(timestamp);
        if (std::size_t z = timestamp_.find('Z'); z != std::string::npos) timestamp_.erase(z, 1);
        timestamp = timestamp_;
      }
      if (!append_mosquitto_json(message, timestamp, op.conversion == 'j', pretty_, out, version_)) {
        warn_("Error: Message payload is not valid JSON on topic " + std::string(message.topic) + ".");
      }
      break;
    }
    case 'l':
      append_int(out, static_cast<long long>(message.payload.size()), op.align, op.pad, op.width);
      break;
    case 'm':
      append_int(out, message.mid, op.align, op.pad, op.width);
      break;
    case 'P':
      append_user_properties(out, props);
      break;
    case 'p':
      append_payload(out, message.payload, 0, op.align, op.pad, op.width);
      break;
    case 'q':
      out.push_back(static_cast<char>('0' + message.qos));
      break;
    case 'R':
      if (auto value = read_string_property(props, MQTT_PROP_RESPONSE_TOPIC)) {
        append_str(out, value->view(), op.align, op.width, op.precision);
      }
      break;
    case 'r':
      out.push_back(message.retain ? '1' : '0');
      break;
    case 't':
      append_str(out, message.topic, op.align, op.width, op.precision);
      break;
    case 'U': {
      char digits[24];
      auto end = std::to_chars(digits, digits + sizeof digits, static_cast<long long>(time_.seconds())).ptr;
      out.append(digits, end);
      out.push_back('.');
      append_nanoseconds(out, time_.nanoseconds());
      break;
    }
    case 'x':
    case 'X':
      if (version_ == FormatVersion::kMosquitto21) {
        append_hex(out, message.payload, op.conversion == 'X', op.align, op.pad, op.width, op.precision, op.separator);
      } else {
        append_payload(out, message.payload, op.conversion == 'x' ? 1 : 2, op.align, op.pad, op.width);
      }
      break;
  }
}

// %f and %d (2.1): the payload as a 4-byte float or 8-byte double in this
// machine's byte order (IEEE 754), printed as printf's %f with the flags,
// width and precision given; any other length is complained about.
void FormatProgram::render_float(const Op& op, std::string_view payload, std::string& out) {
  double value = 0;
  if (op.conversion == 'f' && payload.size() == sizeof(float)) {
    float single = 0;
    std::memcpy(&single, payload.data(), sizeof single);
    value = single;
  } else if (op.conversion == 'd' && payload.size() == sizeof(double)) {
    std::memcpy(&value, payload.data(), sizeof value);
  } else {
    warn_(op.conversion == 'f' ? "requested float printing, but non-float data received"
                               : "requested double printing, but non-double data received");
    return;
  }
  const char* spec = op.width == 0 ? "%.*f" : op.align == '-' ? "%-*.*f" : op.pad == '0' ? "%0*.*f" : "%*.*f";
  int length = op.width == 0 ? std::snprintf(nullptr, 0, spec, op.precision, value)
                             : std::snprintf(nullptr, 0, spec, op.width, op.precision, value);
  std::size_t start = out.size();
  out.resize(start + static_cast<std::size_t>(length) + 1);
  if (op.width == 0) {
    std::snprintf(&out[start], static_cast<std::size_t>(length) + 1, spec, op.precision, value);
  } else {
    std::snprintf(&out[start], static_cast<std::size_t>(length) + 1, spec, op.width, op.precision, value);
  }
  out.pop_back();  // snprintf's NUL
}

// %I: the time in ISO 8601 with its offset; blank when strftime gave nothing.
void FormatProgram::render_iso_time(Op& op, std::string& out) {
  std::string_view text = op.clock.text(time_);
  if (text.empty()) {
    append_blank(out, version_ == FormatVersion::kMosquitto21 ? op.pad : ' ', op.width);
  } else {
    append_str(out, text, op.align, op.width, op.precision);
  }
}

}  // namespace mqtk
