// Reads back the messages mqtk-record and mqtk-sub --json/--csv wrote (see
// record_formats.hpp), with their exact payload bytes, for replay.
#pragma once

#include <ctime>
#include <optional>
#include <string>
#include <vector>

#include "mqtk/base/error.hpp"
#include "mqtk/mqtt/properties.hpp"

namespace mqtk {

struct ReplayRecord {
  timespec time{};
  std::string topic;
  std::string payload;
  int qos = 0;
  bool retain = false;
  PropertyList properties;
};

// A record that cannot be read: where it is and what is wrong.
class MalformedRecord : public Error {
 public:
  MalformedRecord(const std::string& source, std::size_t line, const std::string& problem)
      : Error(source + ":" + std::to_string(line) + ": " + problem), line_(line) {}
  std::size_t line() const { return line_; }

 private:
  std::size_t line_;
};

class ReplayReader {
 public:
  enum class Format { kUnknown, kJsonLines, kCsv };
  enum class Status { kRecord, kNeedInput, kEnd };

  // Opens `path` ("-" for standard input). The format comes from the
  // extension (.csv, .jsonl), else from the first line ('{' for JSON lines).
  // Throws Error naming the path.
  explicit ReplayReader(const std::string& path);
  ~ReplayReader();
  ReplayReader(const ReplayReader&) = delete;
  ReplayReader& operator=(const ReplayReader&) = delete;

  // Reads the next record into `record`. A file is read as needed; standard
  // input only as far as it has arrived: kNeedInput asks the caller to wait
  // for fd() and call fill(). Throws MalformedRecord; reading may go on
  // after one.
  Status next(ReplayRecord& record);
  int fd() const { return fd_; }
  // Reads what standard input has now.
  void fill();
  // Starts again from the first record (files only).
  void rewind();
  bool rewindable() const { return !standard_input_; }
  const std::string& name() const { return name_; }

 private:
  enum class Line { kRead, kNeedInput, kEnd };
  Line read_line(std::string& line);
  bool read_more();
  ReplayRecord parse_json(const std::string& line) const;
  std::optional<ReplayRecord> parse_csv(const std::vector<std::string>& fields);
  [[noreturn]] void fail(const std::string& problem) const;
  void check_topic(const std::string& topic) const;

  std::string name_;
  int fd_ = -1;
  bool standard_input_ = false;
  bool input_ended_ = false;
  Format format_ = Format::kUnknown;
  std::string buffer_;      // input not yet split into lines
  std::size_t line_number_ = 0;   // of the last line read
  std::size_t record_line_ = 0;   // where the current record starts
  std::string partial_csv_;       // a CSV record whose quoted field spans lines
  std::vector<std::string> columns_;  // the CSV header
};

// Splits one CSV record (RFC 4180) into fields; nothing when a quoted field
// is still open at the end of `text` (the record goes on past the newline).
// Throws Error on a stray quote.
std::optional<std::vector<std::string>> split_csv_record(std::string_view text);

// The exact text of the top-level member `key` of a JSON object line, for
// payloads recorded verbatim. Nothing when the member is absent.
std::optional<std::string_view> raw_json_member(std::string_view object, std::string_view key);

}  // namespace mqtk
