// Which columns a recording's records have, and whether a file recorded
// before has the same: a CSV file's header names its columns, and JSON
// lines records carry "decoded"/"decode_error" (--decode) and "jq" (--jq)
// members. A file started without --decode or --jq and continued with them
// (or the reverse) would hold records of two shapes under one header, or a
// column that appears halfway; mqtk-record refuses to continue such a file
// rather than change it silently.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "mqtk/payload/decoder_choice.hpp"

namespace mqtk {

struct RecordColumns {
  // --decode: its decoders by topic; nullptr without.
  const DecoderChoice* decoders = nullptr;
  bool jq = false;  // --jq
};

// Why the CSV file whose first line is `first_line` (its line end removed)
// cannot take records with `columns`; nothing when it can. One line naming
// both column sets.
std::optional<std::string> csv_columns_mismatch(std::string_view first_line, const RecordColumns& columns);

// The same for a JSON lines file whose last record is `last_line`: its
// "jq" member must be there exactly with --jq; "decoded" or "decode_error"
// only with --decode, and there when a decoder of this run reads its topic
// (a topic no decoder reads has neither either way). A line that is not an
// mqtk record tells nothing.
std::optional<std::string> json_lines_columns_mismatch(std::string_view last_line, const RecordColumns& columns);

// The first line of the file `fd` (without its line end), read up to
// `limit` bytes; and the last whole line of its first `size` bytes, which
// end with a line end. Throw Error when the file cannot be read.
std::string first_line_of(int fd, std::size_t limit = 4096);
std::string last_line_of(int fd, std::uint64_t size);

}  // namespace mqtk
