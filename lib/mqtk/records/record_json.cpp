#include "mqtk/records/record_json.hpp"

#include <string>

#include "mqtk/base/payload_encoding.hpp"
#include "mqtk/payload/json_text.hpp"
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

}  // namespace

nlohmann::ordered_json record_json(const Message& message, std::string_view time, const nlohmann::json& decoded) {
  nlohmann::ordered_json record = nlohmann::ordered_json::object();
  record["time"] = std::string(time);
  record["topic"] = std::string(message.topic);
  record["qos"] = message.qos;
  record["retain"] = message.retain;
  if (message.properties) record["properties"] = properties_to_json(message.properties);
  if (nests_deeper(decoded, kMaxEmbeddedDepth)) {
    // The text is one line of UTF-8 (a string with every byte of it).
    std::string text;
    append_json_text(decoded, text);
    record["encoding"] = encoding_name(PayloadEncoding::kText);
    record["payload"] = std::move(text);
  } else {
    record["encoding"] = encoding_name(PayloadEncoding::kJson);
    record["payload"] = nlohmann::ordered_json(decoded);
  }
  return record;
}

}  // namespace mqtk
