#include "mqtk/base/payload_encoding.hpp"

#include <array>
#include <nlohmann/json.hpp>

namespace mqtk {

bool is_utf8(std::string_view bytes) {
  std::size_t i = 0;
  while (i < bytes.size()) {
    unsigned char c = static_cast<unsigned char>(bytes[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t length;
    unsigned long codepoint;
    if ((c & 0xE0) == 0xC0) {
      length = 2;
      codepoint = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      length = 3;
      codepoint = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      length = 4;
      codepoint = c & 0x07;
    } else {
      return false;
    }
    if (i + length > bytes.size()) return false;
    for (std::size_t k = 1; k < length; ++k) {
      unsigned char next = static_cast<unsigned char>(bytes[i + k]);
      if ((next & 0xC0) != 0x80) return false;
      codepoint = (codepoint << 6) | (next & 0x3F);
    }
    static constexpr unsigned long kSmallest[] = {0, 0, 0x80, 0x800, 0x10000};
    if (codepoint < kSmallest[length] || codepoint > 0x10FFFF || (codepoint >= 0xD800 && codepoint <= 0xDFFF)) {
      return false;
    }
    i += length;
  }
  return true;
}

PayloadEncoding classify_payload(std::string_view payload) {
  bool text = true;
  bool one_line = true;
  for (unsigned char c : payload) {
    if (c == '\n' || c == '\r') {
      one_line = false;
    } else if ((c < 0x20 && c != '\t') || c == 0x7F) {
      text = false;
      break;
    }
  }
  if (!text || !is_utf8(payload)) return PayloadEncoding::kBase64;
  if (one_line && !payload.empty() && nlohmann::json::accept(payload)) return PayloadEncoding::kJson;
  return PayloadEncoding::kText;
}

std::string_view encoding_name(PayloadEncoding encoding) {
  switch (encoding) {
    case PayloadEncoding::kJson: return "json";
    case PayloadEncoding::kText: return "utf-8";
    case PayloadEncoding::kBase64: return "base64";
  }
  return "base64";
}

std::optional<PayloadEncoding> encoding_from_name(std::string_view name) {
  for (PayloadEncoding e : {PayloadEncoding::kJson, PayloadEncoding::kText, PayloadEncoding::kBase64}) {
    if (encoding_name(e) == name) return e;
  }
  return std::nullopt;
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

std::optional<std::string> decode_base64(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::array<int, 256> value;
  value.fill(-1);
  for (int k = 0; k < 64; ++k) value[static_cast<unsigned char>(kAlphabet[k])] = k;
  std::string bytes;
  bytes.reserve(text.size() / 4 * 3);
  for (std::size_t i = 0; i < text.size(); i += 4) {
    bool last = i + 4 == text.size();
    int padding = last ? (text[i + 3] == '=') + (text[i + 2] == '=') : 0;
    if (padding == 1 && text[i + 2] == '=') return std::nullopt;
    unsigned long n = 0;
    for (int k = 0; k < 4; ++k) {
      int v = k >= 4 - padding ? 0 : value[static_cast<unsigned char>(text[i + k])];
      if (v < 0) return std::nullopt;
      n = (n << 6) | static_cast<unsigned long>(v);
    }
    bytes.push_back(static_cast<char>((n >> 16) & 0xFF));
    if (padding < 2) bytes.push_back(static_cast<char>((n >> 8) & 0xFF));
    if (padding < 1) bytes.push_back(static_cast<char>(n & 0xFF));
  }
  return bytes;
}

}  // namespace mqtk
