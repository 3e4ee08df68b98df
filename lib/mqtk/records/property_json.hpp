// MQTT v5 message properties as JSON in mqtk's records (mqtk-sub --json and
// --csv, mqtk-record), and back for replay:
//   {"payload-format-indicator":1,"message-expiry-interval":60,
//    "content-type":"text/plain","response-topic":"r/t",
//    "correlation-data":"<base64>","subscription-identifiers":[3],
//    "user-properties":[["name","value"],...]}
// User properties keep their order and duplicates.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include "mqtk/mqtt/properties.hpp"

namespace mqtk {

// An empty object when there are none.
nlohmann::ordered_json properties_to_json(const mosquitto_property* properties);

// The publish properties a recorded message carried (subscription
// identifiers are the broker's and are left out). Throws Error naming the
// property that is malformed.
PropertyList publish_properties_from_json(const nlohmann::json& properties);

}  // namespace mqtk
