#include "mqtk/records/replay_reader.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <functional>
#include <nlohmann/json.hpp>

#include "mqtk/base/payload_encoding.hpp"
#include "mqtk/base/rfc3339.hpp"
#include "mqtk/mqtt/topic.hpp"
#include "mqtk/records/property_json.hpp"

namespace mqtk {
namespace {

constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";
constexpr const char* kLineProtocol =
    "InfluxDB line protocol cannot be replayed (it keeps neither the exact payload nor QoS and retain); record "
    ".jsonl or .csv as well";

// Skips a JSON value starting at `i` (which is valid JSON: the line parsed);
// returns the index after it. Containers are skipped by counting brackets,
// so depth costs nothing.
std::size_t skip_value(std::string_view text, std::size_t i) {
  if (text[i] == '"') {
    for (++i; i < text.size() && text[i] != '"'; ++i) {
      if (text[i] == '\\') ++i;
    }
    return i + 1;
  }
  if (text[i] == '{' || text[i] == '[') {
    std::size_t depth = 0;
    for (; i < text.size(); ++i) {
      char c = text[i];
      if (c == '"') {
        i = skip_value(text, i) - 1;  // a string: no recursion beyond this one level
      } else if (c == '{' || c == '[') {
        ++depth;
      } else if ((c == '}' || c == ']') && --depth == 0) {
        return i + 1;
      }
    }
    return i;
  }
  while (i < text.size() && text[i] != ',' && text[i] != '}' && text[i] != ']' && text[i] != ' ' && text[i] != '\t' &&
         text[i] != '\r' && text[i] != '\n') {
    ++i;
  }
  return i;
}

std::size_t skip_space(std::string_view text, std::size_t i) {
  while (i < text.size() && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r' || text[i] == '\n')) ++i;
  return i;
}

// The members of a record replay reads.
enum class Member { kTime, kTopic, kQos, kRetain, kEncoding, kPayload, kProperties, kOther };
constexpr std::pair<std::string_view, Member> kMembers[] = {
    {"time", Member::kTime},
    {"topic", Member::kTopic},
    {"qos", Member::kQos},
    {"retain", Member::kRetain},
    {"encoding", Member::kEncoding},
    {"payload", Member::kPayload},
    {"properties", Member::kProperties},
};

// What a top-level member held.
struct MemberValue {
  enum class Kind { kMissing, kNull, kBool, kUnsigned, kString, kContainer, kOther };
  Kind kind = Kind::kMissing;
  std::string text;  // kString
  std::uint64_t number = 0;
  bool flag = false;
};

// nlohmann SAX handler for one JSON-lines record. It keeps the members
// replay reads, moving strings (the payload above all) out of the parser
// instead of copying them; skips containers it has no use for (a JSON
// payload's text is taken verbatim from the line) by counting their depth;
// and hands the properties' events to a PropertiesJsonReader.
class RecordDocument {
 public:
  using Kind = MemberValue::Kind;

  bool null() { return starts_properties() ? forward(properties_.null()) : scalar(Kind::kNull); }
  bool boolean(bool value) {
    if (starts_properties()) return forward(properties_.boolean(value));
    flag_ = value;
    return scalar(Kind::kBool);
  }
  bool number_integer(std::int64_t value) {
    return starts_properties() ? forward(properties_.number_integer(value)) : scalar(Kind::kOther);
  }
  bool number_unsigned(std::uint64_t value) {
    if (starts_properties()) return forward(properties_.number_unsigned(value));
    number_ = value;
    return scalar(Kind::kUnsigned);
  }
  bool number_float(double value, const std::string& text) {
    return starts_properties() ? forward(properties_.number_float(value, text)) : scalar(Kind::kOther);
  }
  bool string(std::string& value) {
    if (starts_properties()) return forward(properties_.string(value));
    text_ = &value;
    return scalar(Kind::kString);
  }
  bool binary(nlohmann::json::binary_t&) { return false; }  // not in JSON text
  bool start_object(std::size_t size) {
    return starts_properties() ? forward(properties_.start_object(size)) : open(true);
  }
  bool start_array(std::size_t size) {
    return starts_properties() ? forward(properties_.start_array(size)) : open(false);
  }
  bool key(std::string& name) {
    if (in_properties_) return forward(properties_.key(name));
    if (depth_ == 1 && skip_to_ < 0) {
      member_ = Member::kOther;
      for (const auto& [known, member] : kMembers) {
        if (name == known) member_ = member;
      }
      if (member_ != Member::kOther && value(member_).kind != Kind::kMissing) {
        if (duplicate_.empty()) duplicate_ = name;
        member_ = Member::kOther;
      }
    }
    return true;
  }
  bool end_object() { return in_properties_ ? forward(properties_.end_object()) : close(); }
  bool end_array() { return in_properties_ ? forward(properties_.end_array()) : close(); }
  bool parse_error(std::size_t, const std::string&, const nlohmann::json::exception&) { return false; }

  MemberValue& value(Member member) { return values_[static_cast<std::size_t>(member)]; }
  // A member given twice (its value is ambiguous), if any.
  const std::string& duplicate() const { return duplicate_; }
  PropertiesJsonReader& properties() { return properties_; }

 private:
  // Whether this value is the properties' (or inside them): their reader
  // takes it.
  bool starts_properties() {
    if (!in_properties_ && depth_ == 1 && skip_to_ < 0 && member_ == Member::kProperties) {
      in_properties_ = true;
      value(Member::kProperties).kind = Kind::kContainer;
      member_ = Member::kOther;
    }
    return in_properties_;
  }
  bool forward(bool) {
    if (properties_.done()) in_properties_ = false;
    return true;
  }
  bool scalar(Kind kind) {
    if (depth_ == 0) return false;  // the record is not an object
    if (depth_ == 1 && skip_to_ < 0 && member_ != Member::kOther) {
      MemberValue& v = value(member_);
      v.kind = kind;
      if (kind == Kind::kString) v.text = std::move(*text_);
      v.number = number_;
      v.flag = flag_;
    }
    return true;
  }
  bool open(bool object) {
    if (depth_ == 0 && !object) return false;
    if (depth_ == 1 && skip_to_ < 0) {
      if (member_ != Member::kOther) value(member_).kind = Kind::kContainer;
      skip_to_ = depth_;
    }
    ++depth_;
    return true;
  }
  bool close() {
    if (--depth_ == skip_to_) skip_to_ = -1;
    return true;
  }

  long depth_ = 0;
  long skip_to_ = -1;  // skipping a container until depth_ is back to this
  Member member_ = Member::kOther;
  bool in_properties_ = false;
  std::string* text_ = nullptr;
  std::uint64_t number_ = 0;
  bool flag_ = false;
  MemberValue values_[static_cast<std::size_t>(Member::kOther)];
  std::string duplicate_;
  PropertiesJsonReader properties_;
};

// The four hex digits at `text`'s start, or nothing.
std::optional<char32_t> hex4(std::string_view text) {
  if (text.size() < 4) return std::nullopt;
  char32_t value = 0;
  for (char c : text.substr(0, 4)) {
    int digit = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
    if (digit < 0) return std::nullopt;
    value = value << 4 | static_cast<char32_t>(digit);
  }
  return value;
}

// The hex digits of a \u escape from body[i] on (and a second escape's, for
// a surrogate pair) as UTF-8 onto `out`, with `i` moved past them. False for
// a lone surrogate or digits that are not hex.
bool append_unicode_escape(std::string_view body, std::size_t& i, std::string& out) {
  auto unit = hex4(body.substr(i));
  if (!unit || (*unit >= 0xDC00 && *unit <= 0xDFFF)) return false;
  i += 4;
  char32_t c = *unit;
  if (c >= 0xD800 && c <= 0xDBFF) {
    auto low = body.substr(i, 2) == "\\u" ? hex4(body.substr(i + 2)) : std::nullopt;
    if (!low || *low < 0xDC00 || *low > 0xDFFF) return false;
    i += 6;
    c = 0x10000 + ((c - 0xD800) << 10) + (*low - 0xDC00);
  }
  append_utf8(out, c);
  return true;
}

// The escape whose backslash is body[i] onto `out`, with `i` moved past it.
// False for one JSON does not have.
bool append_escape(std::string_view body, std::size_t& i, std::string& out) {
  if (i + 1 == body.size()) return false;
  char kind = body[i + 1];
  i += 2;
  switch (kind) {
    case '"':
    case '\\':
    case '/':
      out.push_back(kind);
      return true;
    case 'b':
      out.push_back('\b');
      return true;
    case 'f':
      out.push_back('\f');
      return true;
    case 'n':
      out.push_back('\n');
      return true;
    case 'r':
      out.push_back('\r');
      return true;
    case 't':
      out.push_back('\t');
      return true;
    case 'u':
      return append_unicode_escape(body, i, out);
    default:
      return false;
  }
}

// A JSON string token (quotes included) as its bytes, with the checks
// nlohmann's parser makes (RFC 8259: no raw control characters, known
// escapes, paired surrogates, UTF-8). False when it is not one.
bool decode_json_string(std::string_view token, std::string& out) {
  if (token.size() < 2 || token.front() != '"' || token.back() != '"') return false;
  std::string_view body = token.substr(1, token.size() - 2);
  out.clear();
  out.reserve(body.size());
  auto plain = [](char c) { return c != '\\' && c != '"' && static_cast<unsigned char>(c) >= 0x20; };
  std::size_t i = 0;
  while (i < body.size()) {
    std::size_t run = i;
    while (run < body.size() && plain(body[run])) ++run;
    out.append(body.substr(i, run - i));
    i = run;
    if (i == body.size()) break;
    if (body[i] != '\\' || !append_escape(body, i, out)) return false;
  }
  return is_utf8(out);
}

// Checks that `text` is one JSON value; a string's bytes go to `string`.
bool read_json_value(std::string_view text, std::string& string) {
  if (text.empty()) return false;
  if (text.front() == '"') return decode_json_string(text, string);
  // nlohmann skips a byte order mark and space before a document, which
  // cannot stand before a member's value.
  if (std::string_view("{[-0123456789tfn").find(text.front()) == std::string_view::npos) return false;
  return nlohmann::json::accept(text);
}

// The payload's bytes from its recorded form; `text` is the string the
// record held (moved from: a large payload is not copied again).
std::string payload_bytes(const std::string& encoding_name, std::string&& text, bool is_string, std::string_view raw,
                          const std::function<void(const std::string&)>& fail) {
  auto encoding = encoding_from_name(encoding_name);
  if (!encoding) fail("unknown encoding '" + encoding_name + "' (json, utf-8 or base64)");
  switch (*encoding) {
    case PayloadEncoding::kJson:
      return std::string(raw);
    case PayloadEncoding::kText:
      if (!is_string) fail("an utf-8 payload must be a JSON string");
      return std::move(text);
    case PayloadEncoding::kBase64:
      if (!is_string) fail("a base64 payload must be a JSON string");
      if (!decode_base64_in_place(text)) fail("the payload is not valid base64");
      return std::move(text);
  }
  return {};
}

}  // namespace

std::optional<std::string_view> raw_json_member(std::string_view object, std::string_view key) {
  if (object.starts_with(kByteOrderMark)) object.remove_prefix(kByteOrderMark.size());  // as the parser does
  std::size_t i = skip_space(object, 0);
  if (i >= object.size() || object[i] != '{') return std::nullopt;
  i = skip_space(object, i + 1);
  while (i < object.size() && object[i] == '"') {
    std::size_t key_end = skip_value(object, i);
    std::string_view quoted = object.substr(i, key_end - i);
    bool match = quoted.size() >= 2 && quoted.substr(1, quoted.size() - 2) == key;
    if (!match && quoted.find('\\') != std::string_view::npos) {
      // A key written with escapes ("pay\u006coad") is the same key.
      auto name = nlohmann::json::parse(quoted, nullptr, false);
      match = name.is_string() && name.get_ref<const std::string&>() == key;
    }
    i = skip_space(object, key_end);
    if (i >= object.size() || object[i] != ':') return std::nullopt;
    i = skip_space(object, i + 1);
    std::size_t value_end = skip_value(object, i);
    if (match) return object.substr(i, value_end - i);
    i = skip_space(object, value_end);
    if (i < object.size() && object[i] == ',') i = skip_space(object, i + 1);
  }
  return std::nullopt;
}

bool looks_like_line_protocol(std::string_view line) {
  // The timestamp: digits after the last space.
  std::size_t space = line.rfind(' ');
  if (space == std::string_view::npos || space + 1 == line.size()) return false;
  std::string_view time = line.substr(space + 1);
  if (time.front() == '-') time.remove_prefix(1);
  if (time.empty() || time.size() > 19 || time.find_first_not_of("0123456789") != std::string_view::npos) {
    return false;
  }
  // A measurement, then fields after an unescaped space.
  std::size_t fields = std::string_view::npos;
  for (std::size_t i = 0; i < space; ++i) {
    if (line[i] == '\\') {
      ++i;
    } else if (line[i] == ' ') {
      fields = i;
      break;
    }
  }
  if (fields == 0 || fields == std::string_view::npos || line.front() == '{' || line.front() == '"') return false;
  return line.substr(fields, space - fields).find('=') != std::string_view::npos;
}

// --- CSV ---------------------------------------------------------------

void CsvRecordSplitter::clear() {
  fields_.clear();
  open_ = quoted_ = was_quoted_ = false;
  size_ = 0;
}

bool CsvRecordSplitter::add_line(std::string_view line) {
  if (!open_) {
    clear();
    fields_.emplace_back();
    open_ = true;
  }
  size_ += line.size() + 1;
  // A \r before the line end is part of the line end (CRLF), unless it is
  // inside a quoted field: then it is the field's, as every byte there is.
  bool carriage_return = line.ends_with('\r');
  try {
    split(carriage_return ? line.substr(0, line.size() - 1) : line);
  } catch (const Error&) {
    clear();
    throw;
  }
  if (quoted_) {
    if (carriage_return) fields_.back().push_back('\r');
    fields_.back().push_back('\n');
    return false;
  }
  open_ = false;
  size_ = 0;
  return true;
}

void CsvRecordSplitter::split(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    std::string& field = fields_.back();
    if (quoted_) {
      std::size_t quote = text.find('"', i);
      if (quote == std::string_view::npos) {
        field.append(text.substr(i));
        return;
      }
      field.append(text.substr(i, quote - i));
      if (quote + 1 < text.size() && text[quote + 1] == '"') {
        field.push_back('"');
        i = quote + 2;
      } else {
        quoted_ = false;
        i = quote + 1;
      }
      continue;
    }
    char c = text[i];
    if (c == ',') {
      fields_.emplace_back();
      was_quoted_ = false;
      ++i;
    } else if (c == '"') {
      if (!field.empty() || was_quoted_) throw Error("a quote in the middle of an unquoted field");
      quoted_ = was_quoted_ = true;
      ++i;
    } else if (was_quoted_) {
      throw Error("text after the closing quote of a field");
    } else {
      std::size_t end = std::min(text.find_first_of(",\"", i), text.size());
      field.append(text.substr(i, end - i));
      i = end;
    }
  }
}

// --- reading lines -------------------------------------------------------

ReplayReader::ReplayReader(const std::string& path, std::size_t max_record_bytes)
    : name_(path == "-" ? "standard input" : path), max_record_bytes_(max_record_bytes) {
  // A finished recording that mqtk-record --compress made: name.jsonl.gz.
  compression_ = compression_of(path);
  std::string_view uncompressed =
      std::string_view(path).substr(0, path.size() - compression_suffix(compression_).size());
  format_ = record_format_of(uncompressed);
  if (format_ == RecordFormat::kLineProtocol) throw Error("--replay: " + path + ": " + kLineProtocol);
  standard_input_ = path == "-";
  if (!standard_input_) {
    file_.reset(open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!file_.valid()) throw Error("--replay: cannot open " + path + ": " + std::strerror(errno));
  }
  if (compression_ != Compression::kNone) decompressor_ = std::make_unique<Decompressor>(compression_);
}

int ReplayReader::fd() const { return standard_input_ ? STDIN_FILENO : file_.get(); }

void ReplayReader::rewind() {
  if (standard_input_) throw Error("--loop: standard input cannot be read again");
  if (lseek(file_.get(), 0, SEEK_SET) != 0) {
    throw Error("--loop: cannot read " + name_ + " again: " + std::strerror(errno));
  }
  if (decompressor_) decompressor_ = std::make_unique<Decompressor>(compression_);
  buffer_.clear();
  consumed_ = scanned_ = 0;
  dropping_line_ = false;
  read_first_line_ = false;
  input_ended_ = false;
  line_number_ = 0;
  csv_.clear();
  columns_.clear();
}

// One read() of the input; false at its end.
void ReplayReader::drop_consumed() {
  // Moving the rest to the front only when it is no longer than what is
  // dropped costs each byte one move at most.
  if (consumed_ == 0 || buffer_.size() - consumed_ > consumed_) return;
  buffer_.erase(0, consumed_);
  scanned_ -= consumed_;
  consumed_ = 0;
  // A buffer that a long line grew is given back.
  if (buffer_.capacity() > (std::size_t{1} << 20) && buffer_.capacity() > 4 * buffer_.size()) buffer_.shrink_to_fit();
}

bool ReplayReader::read_more() {
  drop_consumed();
  char chunk[65536];
  while (true) {
    ssize_t n = read(fd(), chunk, sizeof chunk);
    if (n > 0) {
      std::string_view data(chunk, static_cast<std::size_t>(n));
      if (!decompressor_) {
        buffer_.append(data);
        return true;
      }
      try {
        decompressor_->feed(data, buffer_);
      } catch (const Error& e) {
        throw Error("--replay: " + name_ + ": " + e.what());
      }
      return true;
    }
    if (n == 0) {
      if (decompressor_ && !decompressor_->complete()) {
        throw Error("--replay: " + name_ + " ends before its compressed data does (cut short?)");
      }
      input_ended_ = true;
      return false;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return true;
    throw Error("--replay: cannot read " + name_ + ": " + std::strerror(errno));
  }
}

void ReplayReader::fill() {
  if (!input_ended_) read_more();
}

void ReplayReader::too_long(std::size_t newline) {
  std::size_t start = csv_.in_record() ? record_line_ : line_number_ + 1;
  bool open_quote = csv_.in_record();
  csv_.clear();
  // Reading goes on after this line; what has not come of it yet is
  // dropped as it comes.
  dropping_line_ = newline == std::string::npos;
  consumed_ = scanned_ = dropping_line_ ? buffer_.size() : newline + 1;
  ++line_number_;
  throw MalformedRecord(name_, start,
                        "the record is longer than " + std::to_string(max_record_bytes_) + " bytes" +
                            ", more than a record of any MQTT message takes" +
                            (open_quote ? " (is a quoted field left open?)" : ""));
}

ReplayReader::Line ReplayReader::read_line(std::string_view& line) {
  while (true) {
    std::size_t newline = buffer_.find('\n', scanned_);
    if (dropping_line_) {
      consumed_ = scanned_ = newline == std::string::npos ? buffer_.size() : newline + 1;
      dropping_line_ = newline == std::string::npos;
      if (!dropping_line_) continue;
    } else if (newline != std::string::npos) {
      std::size_t length = newline - consumed_;
      if (length + csv_.size() > max_record_bytes_) too_long(newline);
      line = std::string_view(buffer_).substr(consumed_, length);
      consumed_ = scanned_ = newline + 1;
      ++line_number_;
      return Line::kRead;
    } else {
      scanned_ = buffer_.size();
      if (buffer_.size() - consumed_ + csv_.size() > max_record_bytes_) too_long(std::string::npos);
    }
    if (input_ended_) {
      if (dropping_line_ || consumed_ == buffer_.size()) {
        dropping_line_ = false;
        return Line::kEnd;
      }
      line = std::string_view(buffer_).substr(consumed_);  // a last line without its end
      consumed_ = scanned_ = buffer_.size();
      ++line_number_;
      return Line::kRead;
    }
    if (standard_input_) return Line::kNeedInput;
    read_more();
  }
}

void ReplayReader::fail(const std::string& problem) const { throw MalformedRecord(name_, record_line_, problem); }

void ReplayReader::check_topic(const std::string& topic) const {
  try {
    check_publish_topic(topic, "topic");
  } catch (const UsageError& e) {
    fail(e.what());
  }
}

ReplayReader::Status ReplayReader::next(ReplayRecord& record) {
  std::string_view line;
  while (true) {
    switch (read_line(line)) {
      case Line::kNeedInput:
        return Status::kNeedInput;
      case Line::kEnd:
        if (csv_.in_record()) {
          csv_.clear();
          fail("a quoted field is not closed before the end of the input");
        }
        return Status::kEnd;
      case Line::kRead:
        break;
    }
    if (line_number_ == 1 && line.starts_with(kByteOrderMark)) line.remove_prefix(kByteOrderMark.size());
    if (!csv_.in_record()) {
      record_line_ = line_number_;
      if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;  // blank lines
    }
    if (!read_first_line_) read_first(line);
    if (take_line(line, record)) {
      // The record holds its payload now: a long line's memory is not kept
      // while it is published.
      if (consumed_ > (std::size_t{1} << 20)) drop_consumed();
      return Status::kRecord;
    }
  }
}

void ReplayReader::read_first(std::string_view line) {
  read_first_line_ = true;
  // A recording of the wrong kind altogether: said once, and not
  // skippable record by record.
  if (looks_like_line_protocol(line)) {
    throw Error(name_ + ":" + std::to_string(line_number_) + ": " + kLineProtocol);
  }
  if (!format_) {
    format_ = line[line.find_first_not_of(" \t")] == '{' ? RecordFormat::kJsonLines : RecordFormat::kCsv;
  }
}

bool ReplayReader::take_line(std::string_view line, ReplayRecord& record) {
  if (format_ == RecordFormat::kJsonLines) {
    record = parse_json(line);
    return true;
  }
  bool complete;
  try {
    complete = csv_.add_line(line);
  } catch (const Error& e) {
    fail(e.what());
  }
  if (!complete) return false;
  std::optional<ReplayRecord> parsed = parse_csv(csv_.fields());
  if (!parsed) return false;  // the header
  record = std::move(*parsed);
  return true;
}

// --- records -------------------------------------------------------------

ReplayRecord ReplayReader::parse_json(std::string_view line) const {
  using Kind = MemberValue::Kind;
  // The payload, the one member that may be large, is read apart: the
  // parser would hold two more copies of a long string (the token, and its
  // text for messages). The rest of the record is parsed with a 0 in its
  // place, and the payload's own text is checked (and a string decoded)
  // here. Together they are exactly the checks of the whole line.
  std::optional<std::string_view> raw = raw_json_member(line, "payload");
  std::string rest;
  std::string payload_text;
  if (raw) {
    std::size_t start = static_cast<std::size_t>(raw->data() - line.data());
    rest.reserve(line.size() - raw->size() + 1);
    rest.append(line.substr(0, start)).append("0").append(line.substr(start + raw->size()));
  }
  RecordDocument document;
  if (!nlohmann::json::sax_parse(raw ? std::string_view(rest) : line, &document) ||
      (raw && !read_json_value(*raw, payload_text))) {
    fail("not a JSON object");
  }
  if (!document.duplicate().empty()) fail("\"" + document.duplicate() + "\" is given twice");
  auto problem = [this](const std::string& text) { fail(text); };
  ReplayRecord record;
  MemberValue& time = document.value(Member::kTime);
  if (time.kind != Kind::kString) fail("\"time\" is missing or not a string");
  auto parsed_time = parse_rfc3339(time.text);
  if (!parsed_time) fail("\"time\" is not an RFC 3339 time");
  record.time = *parsed_time;
  MemberValue& topic = document.value(Member::kTopic);
  if (topic.kind != Kind::kString) fail("\"topic\" is missing or not a string");
  record.topic = std::move(topic.text);
  check_topic(record.topic);
  if (const MemberValue& qos = document.value(Member::kQos); qos.kind != Kind::kMissing) {
    if (qos.kind != Kind::kUnsigned || qos.number > 2) fail("\"qos\" must be 0, 1 or 2");
    record.qos = static_cast<int>(qos.number);
  }
  if (const MemberValue& retain = document.value(Member::kRetain); retain.kind != Kind::kMissing) {
    if (retain.kind != Kind::kBool) fail("\"retain\" must be true or false");
    record.retain = retain.flag;
  }
  if (document.value(Member::kPayload).kind == Kind::kMissing) fail("\"payload\" is missing");
  if (!raw) fail("the payload's text is not found");  // not for valid JSON: raw_json_member reads what the parser does
  bool is_string = raw->front() == '"';
  const MemberValue& encoding = document.value(Member::kEncoding);
  if (encoding.kind != Kind::kMissing && encoding.kind != Kind::kString) fail("\"encoding\" must be a string");
  std::string encoding_name = encoding.kind == Kind::kString ? encoding.text : is_string ? "utf-8" : "json";
  record.payload = payload_bytes(encoding_name, std::move(payload_text), is_string, *raw, problem);
  if (document.value(Member::kProperties).kind != Kind::kMissing) {
    try {
      record.properties = document.properties().take();
    } catch (const Error& e) {
      fail(e.what());
    }
  }
  return record;
}

// A CSV record: the header (remembered; nothing returned) or a message.
std::optional<ReplayRecord> ReplayReader::parse_csv(std::vector<std::string>& fields) {
  if (columns_.empty()) {
    columns_ = fields;
    for (const char* required : {"time", "topic", "payload"}) {
      if (std::find(columns_.begin(), columns_.end(), required) == columns_.end()) {
        columns_.clear();
        fail(std::string("the CSV header has no \"") + required + "\" column");
      }
    }
    return std::nullopt;
  }
  if (fields.size() != columns_.size()) {
    fail("expected " + std::to_string(columns_.size()) + " fields, found " + std::to_string(fields.size()));
  }
  auto field = [&](const char* name) -> std::string* {
    auto at = std::find(columns_.begin(), columns_.end(), name);
    return at == columns_.end() ? nullptr : &fields[static_cast<std::size_t>(at - columns_.begin())];
  };
  ReplayRecord record;
  auto time = parse_rfc3339(*field("time"));
  if (!time) fail("the time is not an RFC 3339 time");
  record.time = *time;
  record.topic = std::move(*field("topic"));
  check_topic(record.topic);
  if (const std::string* qos = field("qos"); qos && !qos->empty()) {
    if (*qos != "0" && *qos != "1" && *qos != "2") fail("the qos must be 0, 1 or 2");
    record.qos = (*qos)[0] - '0';
  }
  if (const std::string* retain = field("retain"); retain && !retain->empty()) {
    if (*retain != "0" && *retain != "1") fail("retain must be 0 or 1");
    record.retain = *retain == "1";
  }
  const std::string* encoding = field("encoding");
  std::string name = encoding && !encoding->empty() ? *encoding : "utf-8";
  if (name == "json") name = "utf-8";  // in CSV a JSON payload is its own text
  auto problem = [this](const std::string& text) { fail(text); };
  record.payload = payload_bytes(name, std::move(*field("payload")), true, "", problem);
  if (const std::string* properties = field("properties"); properties && !properties->empty()) {
    try {
      record.properties = publish_properties_from_json(*properties);
    } catch (const Error& e) {
      fail(e.what());
    }
  }
  return record;
}

}  // namespace mqtk
