#include "mqtk/payload/text_encoding_decoder.hpp"

#include <charconv>
#include <optional>
#include <utility>

#include "mqtk/base/payload_encoding.hpp"

namespace mqtk {

namespace {

std::optional<std::string> decode_hex(std::string_view text) {
  if (text.size() % 2 != 0) return std::nullopt;
  std::string bytes;
  bytes.reserve(text.size() / 2);
  for (std::size_t i = 0; i < text.size(); i += 2) {
    unsigned byte = 0;
    auto [stop, error] = std::from_chars(text.data() + i, text.data() + i + 2, byte, 16);
    if (error != std::errc() || stop != text.data() + i + 2) return std::nullopt;
    bytes.push_back(static_cast<char>(byte));
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
