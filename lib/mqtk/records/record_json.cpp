#include "mqtk/records/record_json.hpp"

#include <string>

#include "mqtk/base/payload_encoding.hpp"
#include "mqtk/output/payload_decoding.hpp"
#include "mqtk/records/property_json.hpp"

namespace mqtk {
namespace {

// Whether `value` nests arrays and objects more than `levels` deep.
bool nests_deeper(const nlohmann::json& value, std::size_t levels) {
  if (!value.is_structured()) return false;
  if (levels == 0) return true;
  for (const auto& member : value) {
    if (nests_deeper(member, levels - 1)) return true;
  }
  return false;
}

void add_payload(std::string_view payload, nlohmann::ordered_json& record) {
  PayloadEncoding encoding = classify_payload(payload);
  record["encoding"] = encoding_name(encoding);
  switch (encoding) {
    case PayloadEncoding::kJson:
      // classify_payload read it with nlohmann's parser: it parses.
      record["payload"] = nlohmann::ordered_json::parse(payload);
      break;
    case PayloadEncoding::kText:
      record["payload"] = std::string(payload);
      break;
    case PayloadEncoding::kBase64: {
      std::string base64;
      append_base64(base64, payload);
      record["payload"] = std::move(base64);
      break;
    }
  }
}

}  // namespace

nlohmann::ordered_json record_json(const Message& message, std::string_view time, const nlohmann::json* decoded) {
  nlohmann::ordered_json record = nlohmann::ordered_json::object();
  record["time"] = std::string(time);
  record["topic"] = std::string(message.topic);
  record["qos"] = message.qos;
  record["retain"] = message.retain;
  if (message.properties) record["properties"] = properties_to_json(message.properties);
  if (decoded == nullptr) {
    add_payload(message.payload, record);
  } else if (nests_deeper(*decoded, kMaxEmbeddedDepth)) {
    // --json holds such a value's text as a string (see payload_encoding.hpp).
    std::string text;
    append_json_text(*decoded, text);
    add_payload(text, record);
  } else {
    record["encoding"] = encoding_name(PayloadEncoding::kJson);
    record["payload"] = nlohmann::ordered_json(*decoded);
  }
  return record;
}

}  // namespace mqtk
