// Sizes and durations as users type them: "100MB", "1GiB", "1h", "500ms".
#pragma once

#include <chrono>
#include <cstdint>
#include <string_view>

namespace mqtk {

// B, KB, MB, GB (powers of 1000) and KiB, MiB, GiB (powers of 1024); a
// bare number is bytes. Throws UsageError naming `flag`.
std::uint64_t parse_size(std::string_view text, std::string_view flag);

// ms, s, m (or min), h, d, added up when combined ("1h30m"); a bare number
// is seconds. Throws UsageError naming `flag`.
std::chrono::milliseconds parse_duration(std::string_view text, std::string_view flag);

}  // namespace mqtk
