#include "mqtk/base/reporter.hpp"

#include <cstdio>

#include "mqtk/base/payload_encoding.hpp"

namespace mqtk {
namespace {

void append_escaped(std::string& out, unsigned char c) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.append("\\x");
  out.push_back(kHex[c >> 4]);
  out.push_back(kHex[c & 0xF]);
}

}  // namespace

std::string terminal_safe(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    auto character = decode_utf8(text.substr(i));
    // Malformed UTF-8 one byte at a time: the next may start a good sequence.
    std::size_t length = character ? character->length : 1;
    char32_t c = character ? character->codepoint : 0;
    if (!character || c < 0x20 || (c >= 0x7F && c <= 0x9F)) {
      for (std::size_t k = 0; k < length; ++k) append_escaped(out, static_cast<unsigned char>(text[i + k]));
    } else {
      out.append(text.substr(i, length));
    }
    i += length;
  }
  return out;
}

void Reporter::always(std::string_view message) const {
  std::string line = program_ + ": " + terminal_safe(message) + "\n";
  std::fwrite(line.data(), 1, line.size(), stderr);
}

void Reporter::error(std::string_view message) const {
  if (!quiet_) always(message);
}

void Reporter::warning(std::string_view message) const {
  if (!quiet_) always(std::string("warning: ") + std::string(message));
}

}  // namespace mqtk
