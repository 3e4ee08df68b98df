// mqtk's JSON lines record of a message (record_formats.hpp) as a JSON
// value rather than text: the input of a --jq program, which must see
// exactly what `mqtk-sub --json | jq` would read, without the record being
// printed and parsed again.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "mqtk/mqtt/message.hpp"

namespace mqtk {

// The object JsonLinesFormat prints for `message`, its keys in the same
// order: time (`time`, the record's text for message.received), topic, qos,
// retain, properties (when it has some), encoding, payload. The payload is
// what the record holds: a JSON payload parsed, text as a string, other
// bytes as base64; or, when `decoded` is given, that value (the --decode
// result), held as --json holds its text.
nlohmann::ordered_json record_json(const Message& message, std::string_view time, const nlohmann::json* decoded);

}  // namespace mqtk
