// Reads back the messages mqtk-record and mqtk-sub --json/--csv wrote (see
// record_formats.hpp), with their exact payload bytes, for replay.
//
// Reading takes time linear in the input and memory a small multiple of one
// record, whatever the records hold: lines are found by scanning each byte
// once, a CSV record spanning lines is split as its lines come, and a JSON
// record is read with a SAX parser that keeps only what replay needs (no
// document, no recursion, so nesting costs nothing).
#pragma once

#include <cstddef>
#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mqtk/base/compression.hpp"
#include "mqtk/base/error.hpp"
#include "mqtk/base/fd.hpp"
#include "mqtk/mqtt/properties.hpp"
#include "mqtk/records/record_formats.hpp"

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

// The most one record may take, so that input that never ends a record (a
// quote left open, a file without newlines) fails instead of filling memory.
// A record of the largest MQTT message (268,435,455 bytes) fits whatever its
// bytes: base64 makes 4 characters of 3 bytes, JSON and CSV strings at most
// 2 of a byte (\" \\ \n, or "" in CSV), a property string in CSV 3 (\""),
// so three times that, and a mebibyte for the rest of the record.
inline constexpr std::size_t kMaxRecordBytes = 3 * std::size_t{268435455} + (std::size_t{1} << 20);

// Splits CSV records (RFC 4180) given line by line: a quoted field may hold
// line ends, and a record then spans lines. Each byte is looked at once.
class CsvRecordSplitter {
 public:
  // Adds the next line (without its \n; a \r before it is dropped unless it
  // is inside a quoted field). True when the record is complete: fields()
  // holds it. Throws Error on a stray quote (and starts afresh).
  bool add_line(std::string_view line);
  // The fields of the record add_line completed; they may be moved from.
  std::vector<std::string>& fields() { return fields_; }
  // Lines were added and a quoted field is still open.
  bool in_record() const { return open_; }
  // The bytes of the open record so far, line ends included.
  std::size_t size() const { return size_; }
  void clear();

 private:
  void split(std::string_view text);

  std::vector<std::string> fields_;
  bool open_ = false;        // a record is under way
  bool quoted_ = false;      // inside a quoted field
  bool was_quoted_ = false;  // the current field was quoted (and is closed)
  std::size_t size_ = 0;
};

class ReplayReader {
 public:
  enum class Status { kRecord, kNeedInput, kEnd };

  // Opens `path` ("-" for standard input). The format comes from the
  // extension (.csv, .jsonl), else from the first line ('{' for JSON lines).
  // InfluxDB line protocol (.lp) is refused: it cannot be replayed. Throws
  // Error naming the path. `max_record_bytes` is for tests.
  explicit ReplayReader(const std::string& path, std::size_t max_record_bytes = kMaxRecordBytes);
  ReplayReader(const ReplayReader&) = delete;
  ReplayReader& operator=(const ReplayReader&) = delete;

  // Reads the next record into `record`. A file is read as needed; standard
  // input only as far as it has arrived: kNeedInput asks the caller to wait
  // for fd() and call fill(). Throws MalformedRecord; reading may go on
  // after one (at the next line). Throws Error when the input is line
  // protocol.
  Status next(ReplayRecord& record);
  int fd() const;
  // Reads what standard input has now.
  void fill();
  // Starts again from the first record (files only).
  void rewind();
  bool rewindable() const { return !standard_input_; }
  const std::string& name() const { return name_; }
  // The line the record next() returned last starts on.
  std::size_t record_line() const { return record_line_; }

 private:
  enum class Line { kRead, kNeedInput, kEnd };
  // The next line without its \n, a view into buffer_ valid until the next
  // call. Throws MalformedRecord when the record would pass the bound.
  Line read_line(std::string_view& line);
  bool read_more();
  // Forgets the lines before consumed_ (when that costs no more than them).
  void drop_consumed();
  // Fails the record that passed the bound; reading goes on after `newline`
  // (npos: after the \n still to come).
  [[noreturn]] void too_long(std::size_t newline);
  // The first line with something on it: refused when it is line
  // protocol, and it tells the format when the name did not.
  void read_first(std::string_view line);
  // Adds a line to the record under way; true when `record` is complete.
  bool take_line(std::string_view line, ReplayRecord& record);
  ReplayRecord parse_json(std::string_view line) const;
  std::optional<ReplayRecord> parse_csv(std::vector<std::string>& fields);
  [[noreturn]] void fail(const std::string& problem) const;
  void check_topic(const std::string& topic) const;

  std::string name_;
  Fd file_;  // the recording; empty when reading standard input, which is not ours to close
  Compression compression_ = Compression::kNone;
  std::unique_ptr<Decompressor> decompressor_;  // a .gz or .zst recording
  bool standard_input_ = false;
  bool input_ended_ = false;
  std::optional<RecordFormat> format_;  // from the name, else from the first line
  std::size_t max_record_bytes_;
  std::string buffer_;  // input read; lines before consumed_ are done with
  std::size_t consumed_ = 0;
  std::size_t scanned_ = 0;       // no \n in buffer_ between consumed_ and here
  bool dropping_line_ = false;    // the rest of an over-long line is being dropped
  bool read_first_line_ = false;  // the first line with something on it
  std::size_t line_number_ = 0;   // of the last line read
  std::size_t record_line_ = 0;   // where the current record starts
  CsvRecordSplitter csv_;
  std::vector<std::string> columns_;  // the CSV header
};

// The exact text of the top-level member `key` of a JSON object line (which
// must be valid JSON), for payloads recorded verbatim. Nothing when the
// member is absent.
std::optional<std::string_view> raw_json_member(std::string_view object, std::string_view key);

// Whether `line` has the shape of an InfluxDB line protocol point (as
// mqtk-record's .lp files hold): measurement[,tags] fields timestamp.
bool looks_like_line_protocol(std::string_view line);

}  // namespace mqtk
