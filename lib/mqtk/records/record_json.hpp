// mqtk's JSON lines record (record_formats.hpp) of a message whose payload
// was decoded (--decode), as a JSON value rather than text: the input of a
// --jq program, which must see exactly what `mqtk-sub --json | jq` reads,
// without the decoded value being printed and parsed again.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "mqtk/mqtt/message.hpp"

namespace mqtk {

// The object JsonLinesFormat prints for `message` with the text of
// `decoded` as its payload, its keys in the same order: time (`time`, the
// record's text for message.received), topic, qos, retain, properties (when
// it has some), encoding, payload. The payload is `decoded` itself
// ("encoding":"json"), or its text as a string when it nests deeper than a
// record embeds JSON (payload_encoding.hpp).
nlohmann::ordered_json record_json(const Message& message, std::string_view time, const nlohmann::json& decoded);

}  // namespace mqtk
