#include "mqtk/payload/text_encoding_decoder.hpp"

#include <optional>
#include <utility>

#include "mqtk/base/payload_encoding.hpp"

namespace mqtk {

namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> decode_hex(std::string_view text) {
  if (text.size() % 2 != 0) return std::nullopt;
  std::string bytes;
  bytes.reserve(text.size() / 2);
  for (std::size_t i = 0; i < text.size(); i += 2) {
    int high = hex_digit(text[i]);
    int low = hex_digit(text[i + 1]);
    if (high < 0 || low < 0) return std::nullopt;
    bytes.push_back(static_cast<char>(high << 4 | low));
  }
  return bytes;
}

}  // namespace

TextEncodingDecoder::TextEncodingDecoder(TextEncoding encoding, std::string name)
    : encoding_(encoding), name_(std::move(name)) {}

Decoded TextEncodingDecoder::decode(std::string_view payload) const {
  std::optional<std::string> bytes = encoding_ == TextEncoding::kBase64 ? decode_base64(payload) : decode_hex(payload);
  if (!bytes) return {{}, "not " + name_};
  if (!is_utf8(*bytes)) return {{}, "not UTF-8 after " + name_};
  return {std::move(*bytes), {}};
}

}  // namespace mqtk
