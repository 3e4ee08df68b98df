#include "mqtk/payload/protobuf_json.hpp"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <google/protobuf/stubs/logging.h>

#include <charconv>
#include <climits>
#include <cmath>
#include <vector>

#include "mqtk/base/payload_encoding.hpp"

namespace mqtk {

namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;
using nlohmann::json;

std::string member_name(const FieldDescriptor& field) {
  return field.is_extension() ? "[" + field.full_name() + "]" : field.name();
}

json text_or_bytes(const FieldDescriptor& field, const std::string& value) {
  if (field.type() == FieldDescriptor::TYPE_BYTES) {
    std::string text;
    append_base64(text, value);
    return text;
  }
  if (!is_utf8(value)) throw PayloadFailure("field " + field.name() + " is not UTF-8");
  return value;
}

json element(const Message& message, const FieldDescriptor& field, int index) {
  if (field.cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
    const Reflection& reflection = *message.GetReflection();
    return message_to_json(index < 0 ? reflection.GetMessage(message, &field)
                                     : reflection.GetRepeatedMessage(message, &field, index));
  }
  return field_value(message, field, index);
}

// A map's key as the text of a JSON member name.
std::string map_key(const Message& entry, const FieldDescriptor& key_field) {
  json key = field_value(entry, key_field);
  return key.is_string() ? key.get<std::string>() : key.dump();
}

json map_to_json(const Message& message, const FieldDescriptor& field) {
  const Reflection& reflection = *message.GetReflection();
  const FieldDescriptor& key_field = *field.message_type()->map_key();
  const FieldDescriptor& value_field = *field.message_type()->map_value();
  json object = json::object();
  for (int i = 0, n = reflection.FieldSize(message, &field); i < n; ++i) {
    const Message& entry = reflection.GetRepeatedMessage(message, &field, i);
    object[map_key(entry, key_field)] = element(entry, value_field, -1);
  }
  return object;
}

}  // namespace

std::unique_ptr<Message> parse_message(const Message& prototype, std::string_view payload) {
  if (payload.size() > INT_MAX) return nullptr;  // protobuf's limit: 2 GB
  std::unique_ptr<Message> message(prototype.New());
  // libprotobuf logs to standard error when a proto3 string is not UTF-8;
  // here that is the payload's failure, said once by the caller.
  google::protobuf::LogSilencer quiet;
  if (!message->ParsePartialFromArray(payload.data(), static_cast<int>(payload.size()))) return nullptr;
  return message;
}

double widen_float(float value) {
  if (!std::isfinite(value)) return value;
  char text[32];
  auto written = std::to_chars(text, text + sizeof text, value);
  double wide = value;
  std::from_chars(text, written.ptr, wide);
  return wide;
}

json field_value(const Message& message, const FieldDescriptor& field, int index) {
  const Reflection& r = *message.GetReflection();
  const FieldDescriptor* f = &field;
  bool single = index < 0;
  switch (field.cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
      return single ? r.GetInt32(message, f) : r.GetRepeatedInt32(message, f, index);
    case FieldDescriptor::CPPTYPE_INT64:
      return single ? r.GetInt64(message, f) : r.GetRepeatedInt64(message, f, index);
    case FieldDescriptor::CPPTYPE_UINT32:
      return single ? r.GetUInt32(message, f) : r.GetRepeatedUInt32(message, f, index);
    case FieldDescriptor::CPPTYPE_UINT64:
      return single ? r.GetUInt64(message, f) : r.GetRepeatedUInt64(message, f, index);
    case FieldDescriptor::CPPTYPE_DOUBLE:
      return single ? r.GetDouble(message, f) : r.GetRepeatedDouble(message, f, index);
    case FieldDescriptor::CPPTYPE_FLOAT:
      return widen_float(single ? r.GetFloat(message, f) : r.GetRepeatedFloat(message, f, index));
    case FieldDescriptor::CPPTYPE_BOOL:
      return single ? r.GetBool(message, f) : r.GetRepeatedBool(message, f, index);
    case FieldDescriptor::CPPTYPE_ENUM: {
      int number = single ? r.GetEnumValue(message, f) : r.GetRepeatedEnumValue(message, f, index);
      if (const auto* value = field.enum_type()->FindValueByNumber(number)) return value->name();
      return number;
    }
    case FieldDescriptor::CPPTYPE_STRING: {
      std::string scratch;
      return text_or_bytes(field, single ? r.GetStringReference(message, f, &scratch)
                                         : r.GetRepeatedStringReference(message, f, index, &scratch));
    }
    case FieldDescriptor::CPPTYPE_MESSAGE:
      break;
  }
  throw PayloadFailure("field " + field.name() + " is a message");  // callers walk messages themselves
}

json message_to_json(const Message& message) {
  const Reflection& reflection = *message.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  reflection.ListFields(message, &fields);  // the set ones, as the header says
  json object = json::object();
  for (const FieldDescriptor* field : fields) {
    json& member = object[member_name(*field)];
    if (field->is_map()) {
      member = map_to_json(message, *field);
    } else if (field->is_repeated()) {
      member = json::array();
      for (int i = 0, n = reflection.FieldSize(message, field); i < n; ++i)
        member.push_back(element(message, *field, i));
    } else {
      member = element(message, *field, -1);
    }
  }
  return object;
}

}  // namespace mqtk
