// A decoded payload's JSON value as the compact text the outputs embed. A
// unit of its own: the record formats, which mqtk-pub's replay links, need
// it without the decoders (and libprotobuf) behind payload_decoder.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace mqtk {

// `value` as compact JSON text, as --json would embed it; never throws.
void append_json_text(const nlohmann::json& value, std::string& out);
// The same for a value with its keys in their order (a --jq output).
void append_json_text(const nlohmann::ordered_json& value, std::string& out);

}  // namespace mqtk
