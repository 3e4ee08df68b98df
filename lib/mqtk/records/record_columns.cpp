#include "mqtk/records/record_columns.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>

#include "mqtk/base/append_log.hpp"
#include "mqtk/base/error.hpp"
#include "mqtk/records/record_formats.hpp"

namespace mqtk {
namespace {

// "--decode and --jq", as a file's columns or a run's flags tell.
std::string flags_of(bool decoded, bool jq) {
  if (decoded && jq) return "--decode and --jq";
  if (decoded) return "--decode";
  if (jq) return "--jq";
  return "neither --decode nor --jq";
}

std::string refusal(bool file_decoded, bool file_jq, bool decoded, bool jq) {
  return "recorded with " + flags_of(file_decoded, file_jq) + ", and this run has " + flags_of(decoded, jq) +
         ": its records would change columns; give the same flags as before, or record into another file";
}

void read_at(int fd, char* into, std::size_t count, std::uint64_t at) {
  ssize_t n = pread(fd, into, count, static_cast<off_t>(at));
  if (n != static_cast<ssize_t>(count)) {
    throw Error(std::string("cannot read back: ") + std::strerror(n < 0 ? errno : EIO));
  }
}

}  // namespace

std::optional<std::string> csv_columns_mismatch(std::string_view first_line, const RecordColumns& columns) {
  bool decoded = columns.decoders != nullptr;
  std::string_view expected = CsvFormat::header(decoded, columns.jq);
  expected.remove_suffix(1);  // its line end
  if (first_line == expected) return std::nullopt;
  for (bool file_decoded : {false, true}) {
    for (bool file_jq : {false, true}) {
      std::string_view header = CsvFormat::header(file_decoded, file_jq);
      if (first_line == header.substr(0, header.size() - 1)) {
        return refusal(file_decoded, file_jq, decoded, columns.jq);
      }
    }
  }
  return "its first line is not the header of mqtk's CSV records (" + std::string(expected) +
         "); record into another file";
}

std::optional<std::string> json_lines_columns_mismatch(std::string_view last_line, const RecordColumns& columns) {
  nlohmann::json record = nlohmann::json::parse(last_line, nullptr, false);
  if (!record.is_object()) return std::nullopt;
  auto topic = record.find("topic");
  if (topic == record.end() || !topic->is_string() || !record.contains("payload")) return std::nullopt;
  bool file_jq = record.contains("jq");
  bool file_decoded = record.contains("decoded") || record.contains("decode_error");
  bool decoded = columns.decoders != nullptr;
  bool decodes_topic = decoded && columns.decoders->for_topic(topic->get_ref<const std::string&>()) != nullptr;
  // A decoded value says the file was recorded with --decode (whatever its
  // filters were); its absence says so only where this run would decode.
  bool decode_differs = file_decoded ? !decoded : decodes_topic;
  if (file_jq == columns.jq && !decode_differs) return std::nullopt;
  // A record that tells nothing of --decode is taken to agree with this run.
  bool told_decoded = file_decoded || (decoded && !decodes_topic);
  return refusal(told_decoded, file_jq, decoded, columns.jq);
}

std::string first_line_of(int fd, std::size_t limit) {
  std::string line(limit, '\0');
  ssize_t n = pread(fd, line.data(), limit, 0);
  if (n < 0) throw Error(std::string("cannot read back: ") + std::strerror(errno));
  line.resize(static_cast<std::size_t>(n));
  if (std::size_t end = line.find('\n'); end != std::string::npos) line.resize(end);
  return line;
}

std::string last_line_of(int fd, std::uint64_t size) {
  if (size == 0) return {};
  // The last line runs from the line end before the final one up to it.
  std::uint64_t end = size - 1;
  std::uint64_t start = last_line_end(fd, 0, end);
  std::string line(static_cast<std::size_t>(end - start), '\0');
  if (!line.empty()) read_at(fd, line.data(), line.size(), start);
  return line;
}

}  // namespace mqtk
