#include "mqtk/records/record_formats.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <nlohmann/json.hpp>

#include "mqtk/base/error.hpp"
#include "mqtk/base/payload_encoding.hpp"
#include "mqtk/payload/json_text.hpp"
#include "mqtk/records/property_json.hpp"
#include "mqtk/records/record_jq.hpp"

namespace mqtk {
namespace {

void append_json_string(std::string& out, std::string_view text) {
  out.push_back('"');
  append_json_escaped(out, text);
  out.push_back('"');
}

// A --jq run's outputs as one compact JSON array.
void append_jq_outputs(const JqResult& result, std::string& out) {
  out.push_back('[');
  for (std::size_t i = 0; i < result.outputs.size(); ++i) {
    if (i > 0) out.push_back(',');
    append_json_text(result.outputs[i], out);
  }
  out.push_back(']');
}

}  // namespace

std::optional<RecordFormat> record_format_of(std::string_view path) {
  if (path.ends_with(".jsonl") || path.ends_with(".json") || path.ends_with(".ndjson")) return RecordFormat::kJsonLines;
  if (path.ends_with(".csv")) return RecordFormat::kCsv;
  if (path.ends_with(".lp")) return RecordFormat::kLineProtocol;
  return std::nullopt;
}

// Everything before the payload's value: {"time":...,"payload":
PayloadEncoding JsonLinesFormat::append_head(const Message& message, std::string& out) {
  out.append("{\"time\":\"");
  out.append(clock_.format(message.received));
  out.append("\",\"topic\":");
  append_json_string(out, message.topic);
  out.append(",\"qos\":");
  out.push_back(static_cast<char>('0' + message.qos));
  out.append(message.retain ? ",\"retain\":true" : ",\"retain\":false");
  if (message.properties) {
    out.append(",\"properties\":");
    out.append(properties_to_json(message.properties).dump());
  }
  PayloadEncoding encoding = classify_payload(message.payload);
  out.append(",\"encoding\":\"");
  out.append(encoding_name(encoding));
  out.append("\",\"payload\":");
  return encoding;
}

void JsonLinesFormat::render(const Message& message, std::string& out) {
  switch (append_head(message, out)) {
    case PayloadEncoding::kJson:
      out.append(message.payload);
      break;
    case PayloadEncoding::kText:
      append_json_string(out, message.payload);
      break;
    case PayloadEncoding::kBase64:
      out.push_back('"');
      append_base64(out, message.payload);
      out.push_back('"');
      break;
  }
  append_tail(out);
}

void JsonLinesFormat::append_tail(std::string& out) const {
  if (const Decoded* decoded = decoding_ ? decoding_->decoded() : nullptr) {
    if (decoded->ok()) {
      out.append(",\"decoded\":");
      append_json_text(decoded->value, out);
    } else {
      out.append(",\"decode_error\":");
      append_json_string(out, decoded->failure);
    }
  }
  if (jq_) {
    out.append(",\"jq\":");
    append_jq_outputs(jq_->result(), out);
  }
  out.append("}\n");
}

bool JsonLinesFormat::frame(const Message& message, PayloadFrame& frame) {
  frame.before.clear();
  PayloadEncoding encoding = append_head(message, frame.before);
  bool quoted = encoding != PayloadEncoding::kJson;
  if (quoted) frame.before.push_back('"');
  frame.encoding = encoding == PayloadEncoding::kJson   ? PayloadFrame::Encoding::kRaw
                   : encoding == PayloadEncoding::kText ? PayloadFrame::Encoding::kJsonString
                                                        : PayloadFrame::Encoding::kBase64;
  frame.after.clear();
  if (quoted) frame.after.push_back('"');
  append_tail(frame.after);
  return true;
}

void append_csv_field(std::string& out, std::string_view field) {
  if (field.find_first_of(",\"\r\n") == std::string_view::npos) {
    out.append(field);
    return;
  }
  out.push_back('"');
  for (std::size_t quote; (quote = field.find('"')) != std::string_view::npos; field.remove_prefix(quote + 1)) {
    out.append(field.substr(0, quote + 1));
    out.push_back('"');
  }
  out.append(field);
  out.push_back('"');
}

void CsvFormat::render(const Message& message, std::string& out) {
  out.append(clock_.format(message.received));
  out.push_back(',');
  append_csv_field(out, message.topic);
  out.push_back(',');
  out.push_back(static_cast<char>('0' + message.qos));
  out.append(message.retain ? ",1," : ",0,");
  PayloadEncoding encoding = classify_payload(message.payload);
  out.append(encoding_name(encoding));
  out.push_back(',');
  if (encoding == PayloadEncoding::kBase64) {
    append_base64(out, message.payload);  // never needs quoting
  } else {
    append_csv_field(out, message.payload);
  }
  out.push_back(',');
  if (message.properties) append_csv_field(out, properties_to_json(message.properties).dump());
  if (decoding_) {
    out.push_back(',');
    const Decoded* decoded = decoding_->decoded();
    if (decoded && decoded->ok()) {
      std::string text;
      append_json_text(decoded->value, text);
      append_csv_field(out, text);
    }
  }
  if (jq_) {
    out.push_back(',');
    std::string text;
    append_jq_outputs(jq_->result(), text);
    append_csv_field(out, text);
  }
  out.push_back('\n');
}

std::uint64_t csv_last_record_end(int fd, std::uint64_t from, std::uint64_t size) {
  char buffer[65536];
  bool quoted = false;  // a doubled quote inside a field toggles twice
  std::uint64_t last = from;
  for (std::uint64_t at = from; at < size;) {
    ssize_t n = pread(fd, buffer, std::min<std::uint64_t>(sizeof buffer, size - at), static_cast<off_t>(at));
    if (n <= 0) throw Error(std::string("cannot read back: ") + std::strerror(n < 0 ? errno : EIO));
    for (ssize_t i = 0; i < n; ++i) {
      if (buffer[i] == '"') {
        quoted = !quoted;
      } else if (buffer[i] == '\n' && !quoted) {
        last = at + static_cast<std::uint64_t>(i) + 1;
      }
    }
    at += static_cast<std::uint64_t>(n);
  }
  return last;
}

}  // namespace mqtk
