#include "mqtk/record/point_partition.hpp"

#include <cstdint>
#include <cstring>

namespace mqtk {
namespace {

// The digits after a line's last space (the line without its '\n'): the
// point's timestamp. A string field may hold spaces, but the timestamp, when
// there is one, comes after the fields.
std::string_view timestamp_of(std::string_view line) {
  std::size_t space = line.rfind(' ');
  if (space == std::string_view::npos) return {};
  std::string_view digits = line.substr(space + 1);
  if (!digits.empty() && digits.front() == '-') digits.remove_prefix(1);  // a time before 1970
  if (digits.empty() || digits.find_first_not_of("0123456789") != std::string_view::npos) return {};
  return line.substr(space + 1);
}

// Which part a timestamp goes to: its text hashed (FNV-1a), since
// consecutive receive times differ in their last digits and clocks with
// microsecond steps leave the last three digits at 000.
std::size_t part_of(std::string_view timestamp, std::size_t parts) {
  std::uint64_t hash = 14695981039346656037u;
  for (char c : timestamp) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211u;
  }
  return static_cast<std::size_t>(hash % parts);
}

}  // namespace

std::vector<std::string> partition_by_time(std::string_view lines, std::size_t parts) {
  std::vector<std::string> out(parts == 0 ? 1 : parts);
  for (std::string& part : out) part.reserve(lines.size() / out.size() + lines.size() / 8);
  while (!lines.empty()) {
    const void* newline = std::memchr(lines.data(), '\n', lines.size());
    std::size_t length =
        newline ? static_cast<std::size_t>(static_cast<const char*>(newline) - lines.data()) + 1 : lines.size();
    std::string_view line = lines.substr(0, length);
    std::string_view timestamp = timestamp_of(line.substr(0, line.size() - (newline ? 1 : 0)));
    out[timestamp.empty() ? 0 : part_of(timestamp, out.size())].append(line);
    lines.remove_prefix(length);
  }
  return out;
}

}  // namespace mqtk
