// Protobuf messages as JSON, walked by reflection (for schemas read at run
// time: protobuf_decoder, sparkplug_decoder). Close to proto3's JSON mapping
// but made for filtering with jq and writing to InfluxDB:
//   - members are named as the fields are in the .proto (not lowerCamelCase);
//   - 64-bit integers are JSON numbers, not strings;
//   - enums are their value's name, the number when the schema has none;
//   - bytes are base64 strings; strings that are not UTF-8 (proto2 lets a
//     sender write them) fail the payload;
//   - repeated fields are arrays, maps are objects (keys as text: "7",
//     "true"), messages are objects, a oneof is its one set field;
//   - fields that are not set are left out: in proto3 a scalar holding its
//     default (0, "", false) is the same as not set, so it is left out
//     too, as is an empty repeated field or map; unknown fields are ignored;
//   - a float is the double nearest its shortest decimal form (1.23f is
//     1.23, not 1.2300000190734863); float and double NaN and infinities stay numbers in the value (a JSON
//     writer prints them as null).
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>

namespace google::protobuf {
class Message;
class FieldDescriptor;
}  // namespace google::protobuf

namespace mqtk {

// Why a payload could not be made JSON after it parsed, thrown inside a
// decoder's walk and caught by its decode() (which never throws).
class PayloadFailure : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A new message of `prototype`'s type parsed from `payload`; nothing when
// the bytes are not one. Protobuf's own recursion limit (100 nested
// messages) holds, so the walks below are bounded too. Required fields
// (proto2) are not checked: what arrived is shown.
std::unique_ptr<google::protobuf::Message> parse_message(const google::protobuf::Message& prototype,
                                                         std::string_view payload);

// The message as the header describes. Throws PayloadFailure.
nlohmann::json message_to_json(const google::protobuf::Message& message);

// One value of a field that is not a message: of a singular field when
// `index` is negative, else the repeated field's element `index`. Throws
// PayloadFailure for a string that is not UTF-8.
nlohmann::json field_value(const google::protobuf::Message& message, const google::protobuf::FieldDescriptor& field,
                           int index = -1);

// `value` as the double its shortest decimal form names, so that it prints
// as the float was written.
double widen_float(float value);

}  // namespace mqtk
