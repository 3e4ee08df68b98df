// Counting and finding the '\n's in spooled lines. memchr jumps from one to
// the next, where a loop over every byte cost as much as the rest of
// mqtk-record's work on kilobyte lines.
#pragma once

#include <cstddef>
#include <string_view>

namespace mqtk {

std::size_t count_newlines(std::string_view text);

// The length of the first `lines` whole lines of `text` (up to and with
// their '\n'), and how many whole lines that is (fewer when `text` holds
// fewer).
struct WholeLines {
  std::size_t bytes = 0;
  std::size_t count = 0;
};
WholeLines first_whole_lines(std::string_view text, std::size_t lines);

}  // namespace mqtk
