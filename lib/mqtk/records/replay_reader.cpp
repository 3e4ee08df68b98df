#include "mqtk/records/replay_reader.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <functional>
#include <nlohmann/json.hpp>

#include "mqtk/base/payload_encoding.hpp"
#include "mqtk/records/property_json.hpp"
#include "mqtk/base/rfc3339.hpp"
#include "mqtk/mqtt/topic.hpp"

namespace mqtk {
namespace {

using Json = nlohmann::json;

// Skips a JSON value starting at `i` (which is valid JSON: the line parsed);
// returns the index after it.
std::size_t skip_value(std::string_view text, std::size_t i) {
  if (text[i] == '"') {
    for (++i; i < text.size() && text[i] != '"'; ++i) {
      if (text[i] == '\\') ++i;
    }
    return i + 1;
  }
  if (text[i] == '{' || text[i] == '[') {
    int depth = 0;
    for (; i < text.size(); ++i) {
      char c = text[i];
      if (c == '"') {
        i = skip_value(text, i) - 1;
      } else if (c == '{' || c == '[') {
        ++depth;
      } else if ((c == '}' || c == ']') && --depth == 0) {
        return i + 1;
      }
    }
    return i;
  }
  while (i < text.size() && text[i] != ',' && text[i] != '}' && text[i] != ']' && text[i] != ' ' &&
         text[i] != '\t') {
    ++i;
  }
  return i;
}

std::size_t skip_space(std::string_view text, std::size_t i) {
  while (i < text.size() && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r' || text[i] == '\n')) ++i;
  return i;
}

std::string payload_bytes(const std::string& encoding_name, const Json& payload, std::string_view raw,
                          const std::function<void(const std::string&)>& fail) {
  auto encoding = encoding_from_name(encoding_name);
  if (!encoding) fail("unknown encoding '" + encoding_name + "' (json, utf-8 or base64)");
  switch (*encoding) {
    case PayloadEncoding::kJson:
      return std::string(raw);
    case PayloadEncoding::kText:
      if (!payload.is_string()) fail("an utf-8 payload must be a JSON string");
      return payload.get<std::string>();
    case PayloadEncoding::kBase64: {
      if (!payload.is_string()) fail("a base64 payload must be a JSON string");
      auto bytes = decode_base64(payload.get<std::string>());
      if (!bytes) fail("the payload is not valid base64");
      return *bytes;
    }
  }
  return {};
}

}  // namespace

std::optional<std::string_view> raw_json_member(std::string_view object, std::string_view key) {
  std::size_t i = skip_space(object, 0);
  if (i >= object.size() || object[i] != '{') return std::nullopt;
  i = skip_space(object, i + 1);
  while (i < object.size() && object[i] == '"') {
    std::size_t key_end = skip_value(object, i);
    // Keys we look for have no escapes, so their text can be compared as is.
    std::string_view name = object.substr(i + 1, key_end - i - 2);
    i = skip_space(object, key_end);
    if (i >= object.size() || object[i] != ':') return std::nullopt;
    i = skip_space(object, i + 1);
    std::size_t value_end = skip_value(object, i);
    if (name == key) return object.substr(i, value_end - i);
    i = skip_space(object, value_end);
    if (i < object.size() && object[i] == ',') i = skip_space(object, i + 1);
  }
  return std::nullopt;
}

std::optional<std::vector<std::string>> split_csv_record(std::string_view text) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  bool was_quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        fields.back().push_back('"');
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        fields.back().push_back(c);
      }
    } else if (c == ',') {
      fields.emplace_back();
      was_quoted = false;
    } else if (c == '"') {
      if (!fields.back().empty() || was_quoted) throw Error("a quote in the middle of an unquoted field");
      quoted = was_quoted = true;
    } else if (was_quoted) {
      throw Error("text after the closing quote of a field");
    } else {
      fields.back().push_back(c);
    }
  }
  if (quoted) return std::nullopt;
  return fields;
}

ReplayReader::ReplayReader(const std::string& path) : name_(path == "-" ? "standard input" : path) {
  standard_input_ = path == "-";
  fd_ = standard_input_ ? STDIN_FILENO : open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) throw Error("--replay: cannot open " + path + ": " + std::strerror(errno));
  if (path.ends_with(".csv")) format_ = Format::kCsv;
  if (path.ends_with(".jsonl") || path.ends_with(".json") || path.ends_with(".ndjson")) format_ = Format::kJsonLines;
}

ReplayReader::~ReplayReader() {
  if (!standard_input_) close(fd_);
}

void ReplayReader::rewind() {
  if (standard_input_) throw Error("--loop: standard input cannot be read again");
  if (lseek(fd_, 0, SEEK_SET) != 0) throw Error("--loop: cannot read " + name_ + " again: " + std::strerror(errno));
  buffer_.clear();
  input_ended_ = false;
  line_number_ = 0;
  partial_csv_.clear();
  columns_.clear();
}

// One read() of the input; false at its end.
bool ReplayReader::read_more() {
  char chunk[65536];
  while (true) {
    ssize_t n = read(fd_, chunk, sizeof chunk);
    if (n > 0) {
      buffer_.append(chunk, static_cast<std::size_t>(n));
      return true;
    }
    if (n == 0) {
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

ReplayReader::Line ReplayReader::read_line(std::string& line) {
  std::size_t newline;
  while ((newline = buffer_.find('\n')) == std::string::npos) {
    if (input_ended_) {
      if (buffer_.empty()) return Line::kEnd;
      newline = buffer_.size();  // a last line without its end
      break;
    }
    if (standard_input_) return Line::kNeedInput;
    read_more();
  }
  line.assign(buffer_, 0, newline);
  buffer_.erase(0, std::min(newline + 1, buffer_.size()));
  if (!line.empty() && line.back() == '\r') line.pop_back();
  ++line_number_;
  return Line::kRead;
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
  std::string line;
  while (true) {
    switch (read_line(line)) {
      case Line::kNeedInput:
        return Status::kNeedInput;
      case Line::kEnd:
        if (!partial_csv_.empty()) {
          partial_csv_.clear();
          fail("a quoted field is not closed before the end of the input");
        }
        return Status::kEnd;
      case Line::kRead:
        break;
    }
    if (partial_csv_.empty()) {
      record_line_ = line_number_;
      if (line.find_first_not_of(" \t") == std::string::npos) continue;  // blank lines
    }
    if (format_ == Format::kUnknown) {
      format_ = line[line.find_first_not_of(" \t")] == '{' ? Format::kJsonLines : Format::kCsv;
    }
    if (format_ == Format::kJsonLines) {
      record = parse_json(line);
      return Status::kRecord;
    }
    // A quoted CSV field may hold newlines: gather lines until the record is whole.
    std::string text = partial_csv_.empty() ? line : partial_csv_ + "\n" + line;
    std::optional<std::vector<std::string>> fields;
    try {
      fields = split_csv_record(text);
    } catch (const Error& e) {
      partial_csv_.clear();
      fail(e.what());
    }
    if (!fields) {
      partial_csv_ = std::move(text);
      continue;
    }
    partial_csv_.clear();
    if (auto parsed = parse_csv(*fields)) {
      record = std::move(*parsed);
      return Status::kRecord;
    }
  }
}

ReplayRecord ReplayReader::parse_json(const std::string& line) const {
  Json json = Json::parse(line, nullptr, false);
  if (json.is_discarded() || !json.is_object()) fail("not a JSON object");
  auto problem = [this](const std::string& text) { fail(text); };
  ReplayRecord record;
  if (!json.contains("time") || !json["time"].is_string()) fail("\"time\" is missing or not a string");
  auto time = parse_rfc3339(json["time"].get<std::string>());
  if (!time) fail("\"time\" is not an RFC 3339 time");
  record.time = *time;
  if (!json.contains("topic") || !json["topic"].is_string()) fail("\"topic\" is missing or not a string");
  record.topic = json["topic"].get<std::string>();
  check_topic(record.topic);
  if (json.contains("qos")) {
    if (!json["qos"].is_number_unsigned() || json["qos"].get<unsigned>() > 2) fail("\"qos\" must be 0, 1 or 2");
    record.qos = json["qos"].get<int>();
  }
  if (json.contains("retain")) {
    if (!json["retain"].is_boolean()) fail("\"retain\" must be true or false");
    record.retain = json["retain"].get<bool>();
  }
  if (!json.contains("payload")) fail("\"payload\" is missing");
  std::string encoding = json.contains("encoding") && json["encoding"].is_string()
                             ? json["encoding"].get<std::string>()
                             : (json["payload"].is_string() ? "utf-8" : "json");
  std::string_view raw = raw_json_member(line, "payload").value_or("");
  record.payload = payload_bytes(encoding, json["payload"], raw, problem);
  if (json.contains("properties")) {
    try {
      record.properties = publish_properties_from_json(json["properties"]);
    } catch (const Error& e) {
      fail(e.what());
    }
  }
  return record;
}

// A CSV record: the header (remembered; nothing returned) or a message.
std::optional<ReplayRecord> ReplayReader::parse_csv(const std::vector<std::string>& fields) {
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
  auto field = [&](const char* name) -> const std::string* {
    auto at = std::find(columns_.begin(), columns_.end(), name);
    return at == columns_.end() ? nullptr : &fields[static_cast<std::size_t>(at - columns_.begin())];
  };
  ReplayRecord record;
  auto time = parse_rfc3339(*field("time"));
  if (!time) fail("the time is not an RFC 3339 time");
  record.time = *time;
  record.topic = *field("topic");
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
  record.payload = payload_bytes(name, Json(*field("payload")), *field("payload"), problem);
  if (const std::string* properties = field("properties"); properties && !properties->empty()) {
    Json json = Json::parse(*properties, nullptr, false);
    if (json.is_discarded()) fail("the properties are not JSON");
    try {
      record.properties = publish_properties_from_json(json);
    } catch (const Error& e) {
      fail(e.what());
    }
  }
  return record;
}

}  // namespace mqtk
