#include "mqtk/base/newlines.hpp"

#include <cstring>

namespace mqtk {

WholeLines first_whole_lines(std::string_view text, std::size_t lines) {
  WholeLines whole;
  const char* begin = text.data();
  const char* end = begin + text.size();
  const char* next = begin;
  while (whole.count < lines && next < end) {
    const void* found = std::memchr(next, '\n', static_cast<std::size_t>(end - next));
    if (found == nullptr) break;
    next = static_cast<const char*>(found) + 1;
    ++whole.count;
  }
  whole.bytes = static_cast<std::size_t>(next - begin);
  return whole;
}

std::size_t count_newlines(std::string_view text) { return first_whole_lines(text, text.size()).count; }

}  // namespace mqtk
