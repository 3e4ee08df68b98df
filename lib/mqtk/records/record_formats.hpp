// mqtk's own record formats, shared by mqtk-sub (--json, --csv) and
// mqtk-record's files, and read back by replay. One message per line:
//
// JSON lines:
//   {"time":"2026-11-25T02:09:28.600299123Z","topic":"sensors/1","qos":1,
//    "retain":false,"properties":{...},"encoding":"json","payload":{"t":21.5}}
//   "properties" appears only for MQTT v5 messages that carry some (see
//   property_json.hpp); "encoding" says how "payload" holds the bytes (see
//   payload_encoding.hpp): json = the payload itself, verbatim; utf-8 = a
//   JSON string; base64 = a JSON string of base64.
//
// CSV (RFC 4180 quoting, \n line ends), after a header line:
//   time,topic,qos,retain,encoding,payload,properties
//   retain is 0 or 1; payload is the text (json, utf-8) or base64; properties
//   is the JSON object above, or empty.
//
// With --decode (record_decoding.hpp) the exact bytes stay as they are and
// the decoded value comes after them: in JSON lines as a last member
// "decoded":VALUE (or "decode_error":"REASON" when the payload does not
// decode; neither when no decoder is chosen for the topic); in CSV as a
// last column, "decoded", holding the value as JSON (empty when there is
// none). Replay reads the bytes and ignores both.
//
// With --jq (mqtk-record; record_jq.hpp) a recorded message's record ends
// with the program's outputs, always as one JSON array, so that its type
// never changes: in JSON lines a last member "jq":[OUTPUT,...], in CSV a
// last column "jq" holding that array. Replay ignores it too.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "mqtk/base/payload_encoding.hpp"
#include "mqtk/base/rfc3339.hpp"
#include "mqtk/output/message_format.hpp"
#include "mqtk/payload/payload_decoding.hpp"

namespace mqtk {

class RecordJq;  // record_jq.hpp

// What a recording holds: one of the formats above, or InfluxDB line
// protocol (mqtk-record's .lp files, which replay refuses).
enum class RecordFormat { kJsonLines, kCsv, kLineProtocol };

// The format a file's name says: .jsonl, .json or .ndjson; .csv; .lp.
// Nothing for another name. One rule for mqtk-record's -o and for replay, so
// that what one writes the other reads; a compression suffix (.gz) is the
// caller's to strip first.
std::optional<RecordFormat> record_format_of(std::string_view path);

class JsonLinesFormat final : public MessageFormat {
 public:
  // With `decoding`, records carry the decoded value; with `jq`, the
  // program's outputs (see above).
  explicit JsonLinesFormat(const PayloadDecoding* decoding = nullptr, const RecordJq* jq = nullptr)
      : decoding_(decoding), jq_(jq) {}
  void render(const Message& message, std::string& out) override;
  bool frame(const Message& message, PayloadFrame& frame) override;

 private:
  PayloadEncoding append_head(const Message& message, std::string& out);
  // Everything after the payload's value.
  void append_tail(std::string& out) const;
  const PayloadDecoding* decoding_;
  const RecordJq* jq_;
  Rfc3339Clock clock_;
};

class CsvFormat final : public MessageFormat {
 public:
  static constexpr std::string_view kHeader = "time,topic,qos,retain,encoding,payload,properties\n";
  static constexpr std::string_view kDecodedHeader = "time,topic,qos,retain,encoding,payload,properties,decoded\n";
  static constexpr std::string_view kJqHeader = "time,topic,qos,retain,encoding,payload,properties,jq\n";
  static constexpr std::string_view kDecodedJqHeader = "time,topic,qos,retain,encoding,payload,properties,decoded,jq\n";
  // The header of records with the column "decoded" (--decode) and "jq" (--jq).
  static std::string_view header(bool decoded, bool jq) {
    return decoded ? (jq ? kDecodedJqHeader : kDecodedHeader) : (jq ? kJqHeader : kHeader);
  }
  // With `decoding`, every record has the column "decoded"; with `jq`, the
  // column "jq" (see above).
  explicit CsvFormat(const PayloadDecoding* decoding = nullptr, const RecordJq* jq = nullptr)
      : decoding_(decoding), jq_(jq) {}
  void render(const Message& message, std::string& out) override;

 private:
  const PayloadDecoding* decoding_;
  const RecordJq* jq_;
  Rfc3339Clock clock_;
};

// A CSV field with RFC 4180 quoting (only when it needs it).
void append_csv_field(std::string& out, std::string_view field);

// Where the last whole CSV record in [from, size) of the file `fd` ends,
// `from` being the end of a record: just after the last newline outside
// quotes (a quoted payload may hold newlines of its own). The boundary rule
// of mqtk-record's CSV files (see AppendLog).
std::uint64_t csv_last_record_end(int fd, std::uint64_t from, std::uint64_t size);

}  // namespace mqtk
