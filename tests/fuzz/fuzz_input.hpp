// Helpers for the fuzz targets: splitting one input into parts.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>

namespace fuzz {

// The input as text.
inline std::string_view text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// The text before the first NUL and the rest after it (all of it and
// nothing when there is none).
inline std::pair<std::string_view, std::string_view> split_at_nul(std::string_view input) {
  std::size_t nul = input.find('\0');
  if (nul == std::string_view::npos) return {input, {}};
  return {input.substr(0, nul), input.substr(nul + 1)};
}

}  // namespace fuzz
