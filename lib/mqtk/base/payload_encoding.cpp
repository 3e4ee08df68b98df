#include "mqtk/base/payload_encoding.hpp"

#include <array>
#include <cstdint>
#include <cstring>
#include <nlohmann/json.hpp>

#include "mqtk/base/json_scan.hpp"

namespace mqtk {

std::optional<Utf8Char> decode_utf8(std::string_view bytes) {
  if (bytes.empty()) return std::nullopt;
  auto byte = [&](std::size_t i) { return static_cast<unsigned char>(bytes[i]); };
  unsigned char lead = byte(0);
  if (lead < 0x80) return Utf8Char{lead, 1};
  std::size_t length = lead >= 0xC2 && lead <= 0xDF   ? 2
                       : lead >= 0xE0 && lead <= 0xEF ? 3
                       : lead >= 0xF0 && lead <= 0xF4 ? 4
                                                      : 0;
  if (length == 0 || bytes.size() < length) return std::nullopt;
  char32_t codepoint = lead & (0x7F >> length);
  for (std::size_t i = 1; i < length; ++i) {
    if ((byte(i) & 0xC0) != 0x80) return std::nullopt;
    codepoint = (codepoint << 6) | (byte(i) & 0x3F);
  }
  static constexpr char32_t kSmallest[] = {0, 0, 0x80, 0x800, 0x10000};
  if (codepoint < kSmallest[length] || codepoint > 0x10FFFF || (codepoint >= 0xD800 && codepoint <= 0xDFFF)) {
    return std::nullopt;
  }
  return Utf8Char{codepoint, length};
}

namespace {

constexpr std::uint64_t kOnes = 0x0101010101010101;  // a 1 in each byte
constexpr std::uint64_t kHighBits = 0x8080808080808080;

std::uint64_t eight_bytes(const char* p) {
  std::uint64_t eight = 0;
  std::memcpy(&eight, p, sizeof eight);
  return eight;
}

// Whether the eight bytes at `p` are all ASCII.
bool ascii_eight(const char* p) { return (eight_bytes(p) & kHighBits) == 0; }

// Whether the eight bytes at `p` are printable ASCII (0x20 to 0x7E): a byte
// below 0x20 borrows into its high bit when 0x20 is taken from it, and 0x7F
// is the byte that XOR 0x7F turns into zero.
bool printable_eight(const char* p) {
  std::uint64_t eight = eight_bytes(p);
  auto any_below = [](std::uint64_t x, std::uint64_t n) { return ((x - kOnes * n) & ~x & kHighBits) != 0; };
  return (eight & kHighBits) == 0 && !any_below(eight, 0x20) && !any_below(eight ^ (kOnes * 0x7F), 1);
}

}  // namespace

bool is_utf8(std::string_view bytes) {
  std::size_t i = 0;
  while (i < bytes.size()) {
    // ASCII eight bytes at a time: most payloads are nothing else.
    if (i + 8 <= bytes.size() && ascii_eight(bytes.data() + i)) {
      i += 8;
      continue;
    }
    auto c = decode_utf8(bytes.substr(i));
    if (!c) return false;
    i += c->length;
  }
  return true;
}

namespace {

// nlohmann SAX handler that accepts any JSON no deeper than
// kMaxEmbeddedDepth, stopping as soon as it goes deeper.
class NestingCheck {
 public:
  bool null() { return true; }
  bool boolean(bool) { return true; }
  bool number_integer(std::int64_t) { return true; }
  bool number_unsigned(std::uint64_t) { return true; }
  bool number_float(double, const std::string&) { return true; }
  bool string(std::string&) { return true; }
  bool binary(nlohmann::json::binary_t&) { return true; }
  bool start_object(std::size_t) { return ++depth_ <= kMaxEmbeddedDepth; }
  bool start_array(std::size_t) { return ++depth_ <= kMaxEmbeddedDepth; }
  bool key(std::string&) { return true; }
  bool end_object() { return --depth_, true; }
  bool end_array() { return --depth_, true; }
  bool parse_error(std::size_t, const std::string&, const nlohmann::json::exception&) { return false; }

 private:
  std::size_t depth_ = 0;
};

// Whether the payload can stand verbatim as a member's value in a JSON
// record and be cut out of it again byte for byte.
bool embeddable_json(std::string_view payload) {
  if (payload.empty()) return false;
  // The parser skips a byte order mark and space around a document, but in
  // a record they would be invalid (the mark) or lost (the space).
  if (payload.starts_with("\xEF\xBB\xBF")) return false;
  for (char edge : {payload.front(), payload.back()}) {
    if (edge == ' ' || edge == '\t') return false;
  }
  switch (scan_json(payload, kMaxEmbeddedDepth)) {
    case JsonScan::kValid:
      return true;
    case JsonScan::kInvalid:
      return false;
    case JsonScan::kAskParser:
      break;
  }
  NestingCheck check;
  return nlohmann::json::sax_parse(payload, &check);
}

}  // namespace

PayloadEncoding classify_payload(std::string_view payload) {
  bool text = true;
  bool one_line = true;
  for (std::size_t i = 0; i < payload.size(); ++i) {
    if (i + 8 <= payload.size() && printable_eight(payload.data() + i)) {
      i += 7;
      continue;
    }
    auto c = static_cast<unsigned char>(payload[i]);
    if (c == '\n' || c == '\r') {
      one_line = false;
    } else if ((c < 0x20 && c != '\t') || c == 0x7F) {
      text = false;
      break;
    }
  }
  if (!text || !is_utf8(payload)) return PayloadEncoding::kBase64;
  if (one_line && embeddable_json(payload)) return PayloadEncoding::kJson;
  return PayloadEncoding::kText;
}

std::string_view encoding_name(PayloadEncoding encoding) {
  switch (encoding) {
    case PayloadEncoding::kJson:
      return "json";
    case PayloadEncoding::kText:
      return "utf-8";
    case PayloadEncoding::kBase64:
      return "base64";
  }
  return "base64";
}

std::optional<PayloadEncoding> encoding_from_name(std::string_view name) {
  for (PayloadEncoding e : {PayloadEncoding::kJson, PayloadEncoding::kText, PayloadEncoding::kBase64}) {
    if (encoding_name(e) == name) return e;
  }
  return std::nullopt;
}

void append_utf8(std::string& out, char32_t c) {
  if (c < 0x80) {
    out.push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (c >> 6)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (c >> 12)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (c >> 18)));
    out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
}

void append_json_escaped(std::string& out, std::string_view text) {
  std::size_t plain_from = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(text.substr(plain_from, i - plain_from));
    plain_from = i + 1;
    out.push_back('\\');
    switch (c) {
      case '"':
        out.push_back('"');
        break;
      case '\\':
        out.push_back('\\');
        break;
      case '\b':
        out.push_back('b');
        break;
      case '\f':
        out.push_back('f');
        break;
      case '\n':
        out.push_back('n');
        break;
      case '\r':
        out.push_back('r');
        break;
      case '\t':
        out.push_back('t');
        break;
      default: {
        static constexpr char kHex[] = "0123456789abcdef";
        out.append("u00");
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 0xF]);
      }
    }
  }
  out.append(text.substr(plain_from));
}

namespace {
constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
}

void append_base64(std::string& out, std::string_view bytes) {
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    unsigned long n = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                      static_cast<unsigned char>(bytes[i + 2]);
    out.push_back(kAlphabet[(n >> 18) & 63]);
    out.push_back(kAlphabet[(n >> 12) & 63]);
    out.push_back(kAlphabet[(n >> 6) & 63]);
    out.push_back(kAlphabet[n & 63]);
  }
  std::size_t rest = bytes.size() - i;
  if (rest > 0) {
    unsigned long n = static_cast<unsigned char>(bytes[i]) << 16;
    if (rest == 2) n |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out.push_back(kAlphabet[(n >> 18) & 63]);
    out.push_back(kAlphabet[(n >> 12) & 63]);
    out.push_back(rest == 2 ? kAlphabet[(n >> 6) & 63] : '=');
    out.push_back('=');
  }
}

bool decode_base64_in_place(std::string& text) {
  if (text.size() % 4 != 0) return false;
  std::array<int, 256> value;
  value.fill(-1);
  for (int k = 0; k < 64; ++k) value[static_cast<unsigned char>(kAlphabet[k])] = k;
  // Each group of four characters is read before its (at most three) bytes
  // are written, always behind the group, so the text can be overwritten.
  std::size_t out = 0;
  for (std::size_t i = 0; i < text.size(); i += 4) {
    bool last = i + 4 == text.size();
    int padding = last ? (text[i + 3] == '=') + (text[i + 2] == '=') : 0;
    if (padding == 1 && text[i + 2] == '=') return false;
    unsigned long n = 0;
    for (int k = 0; k < 4; ++k) {
      int v = k >= 4 - padding ? 0 : value[static_cast<unsigned char>(text[i + k])];
      if (v < 0) return false;
      n = (n << 6) | static_cast<unsigned long>(v);
    }
    text[out++] = static_cast<char>((n >> 16) & 0xFF);
    if (padding < 2) text[out++] = static_cast<char>((n >> 8) & 0xFF);
    if (padding < 1) text[out++] = static_cast<char>(n & 0xFF);
  }
  text.resize(out);
  return true;
}

std::optional<std::string> decode_base64(std::string_view text) {
  std::string bytes(text);
  if (!decode_base64_in_place(bytes)) return std::nullopt;
  return bytes;
}

}  // namespace mqtk
