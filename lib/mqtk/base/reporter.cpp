#include "mqtk/base/reporter.hpp"

#include <cstdio>

#include "mqtk/base/payload_encoding.hpp"

namespace mqtk {
namespace {

constexpr std::string_view kClearLine = "\r\033[K";

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

// One write per message, status line included, so that lines from two
// threads never interleave.
void Reporter::print(std::string_view prefix, std::string_view message) const {
  std::lock_guard lock(mutex_);
  std::string text;
  if (!status_.empty()) text += kClearLine;
  text += program_;
  text += ": ";
  text += prefix;
  text += terminal_safe(message);
  text += '\n';
  text += status_;
  std::fwrite(text.data(), 1, text.size(), stderr);
  std::fflush(stderr);
}

void Reporter::always(std::string_view message) const { print("", message); }

void Reporter::error(std::string_view message) const {
  if (!quiet_errors_) print("", message);
}

void Reporter::warning(std::string_view message) const {
  if (!quiet_) print("warning: ", message);
}

void Reporter::note(std::string_view message) const {
  if (!quiet_) print("note: ", message);
}

void Reporter::info(std::string_view message) const {
  if (!quiet_) print("", message);
}

void Reporter::show_status(std::string line) const {
  std::lock_guard lock(mutex_);
  status_ = std::move(line);
  std::string text = std::string(kClearLine) + status_;
  std::fwrite(text.data(), 1, text.size(), stderr);
  std::fflush(stderr);
}

void Reporter::clear_status() const {
  std::lock_guard lock(mutex_);
  if (status_.empty()) return;
  status_.clear();
  std::fwrite(kClearLine.data(), 1, kClearLine.size(), stderr);
  std::fflush(stderr);
}

}  // namespace mqtk
