// mqtk-pub --replay: any bytes as a recording, read as JSON lines or CSV
// (chosen by the first line, as for a file without an extension), once with
// the real bound on a record's size and once with a small one, so that the
// over-long paths are reached too. An input of one JSON line is also checked
// against nlohmann's parser of the whole line: the reader reads the payload
// apart from the rest, and must accept and decode exactly what it does.
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "fuzz_input.hpp"
#include "mqtk/base/error.hpp"
#include "mqtk/records/replay_reader.hpp"

namespace {

// Reads every record; returns the first record's payload if the input was
// one record that was read.
std::optional<std::string> read_all(int fd, std::size_t size, std::size_t max_record_bytes, std::string& problem) {
  std::optional<std::string> first;
  try {
    mqtk::ReplayReader reader("/proc/self/fd/" + std::to_string(fd), max_record_bytes);
    mqtk::ReplayRecord record;
    for (std::size_t records = 0; records <= size; ++records) {  // each record takes at least a byte
      try {
        if (reader.next(record) != mqtk::ReplayReader::Status::kRecord) break;
        if (records == 0) first = record.payload;
      } catch (const mqtk::MalformedRecord& e) {
        if (records == 0) problem = e.what();
      }
    }
  } catch (const mqtk::Error&) {
  }
  return first;
}

// The oracle for a single JSON line: what nlohmann reads of it.
void check_against_nlohmann(std::string_view line, const std::optional<std::string>& payload,
                            const std::string& problem) {
  auto document = nlohmann::json::parse(line, nullptr, false);
  bool valid = !document.is_discarded() && document.is_object();
  bool ours_valid = payload || problem.find(": not a JSON object") == std::string::npos;
  if (valid != ours_valid) std::abort();
  if (!payload || !document.contains("payload") || !document["payload"].is_string()) return;
  bool text = !document.contains("encoding") || document["encoding"] == "utf-8";
  if (text && *payload != document["payload"].get<std::string>()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  int fd = memfd_create("recording", 0);
  if (fd < 0) return 0;
  std::string_view input = fuzz::text(data, size);
  if (write(fd, data, size) == static_cast<ssize_t>(size)) {
    std::string problem;
    auto payload = read_all(fd, size, mqtk::kMaxRecordBytes, problem);
    std::string small_problem;
    read_all(fd, size, 4096, small_problem);
    bool one_line = input.find('\n') == std::string_view::npos && input.starts_with('{');
    if (one_line) check_against_nlohmann(input, payload, problem);
  }
  close(fd);
  return 0;
}
