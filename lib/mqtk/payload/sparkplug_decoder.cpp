#include "mqtk/payload/sparkplug_decoder.hpp"

#include <google/protobuf/compiler/parser.h>
#include <google/protobuf/descriptor.h>
#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/message.h>

#include <bit>
#include <cstdint>
#include <google/protobuf/descriptor.pb.h>
#include <initializer_list>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

#include "mqtk/base/error.hpp"
#include "mqtk/base/payload_encoding.hpp"
#include "mqtk/payload/protobuf_json.hpp"

namespace mqtk {

namespace {

namespace pb = google::protobuf;
using nlohmann::json;

// The Sparkplug B payload schema (Eclipse Sparkplug 3.0, chapter 6), in the
// proto2 syntax the specification uses. Field numbers and types are the
// wire format; the DataType enum gives the "datatype" names.
constexpr std::string_view kSchema = R"pb(
  syntax = "proto2"
  ;
package org.eclipse.tahu.protobuf;

enum DataType {
  Unknown = 0;
  Int8 = 1;  Int16 = 2;  Int32 = 3;  Int64 = 4;
  UInt8 = 5;  UInt16 = 6;  UInt32 = 7;  UInt64 = 8;
  Float = 9;  Double = 10;  Boolean = 11;  String = 12;  DateTime = 13;  Text = 14;
  UUID = 15;  DataSet = 16;  Bytes = 17;  File = 18;  Template = 19;
  PropertySet = 20;  PropertySetList = 21;
  Int8Array = 22;  Int16Array = 23;  Int32Array = 24;  Int64Array = 25;
  UInt8Array = 26;  UInt16Array = 27;  UInt32Array = 28;  UInt64Array = 29;
  FloatArray = 30;  DoubleArray = 31;  BooleanArray = 32;  StringArray = 33;  DateTimeArray = 34;
}

message Payload {
  message Template {
    message Parameter {
      optional string name = 1;
      optional uint32 type = 2;
      oneof value {
        uint32 int_value = 3;
        uint64 long_value = 4;
        float float_value = 5;
        double double_value = 6;
        bool boolean_value = 7;
        string string_value = 8;
        ParameterValueExtension extension_value = 9;
      }
      message ParameterValueExtension { extensions 1 to max; }
    }
    optional string version = 1;
    repeated Metric metrics = 2;
    repeated Parameter parameters = 3;
    optional string template_ref = 4;
    optional bool is_definition = 5;
    extensions 6 to max;
  }

  message DataSet {
    message DataSetValue {
      oneof value {
        uint32 int_value = 1;
        uint64 long_value = 2;
        float float_value = 3;
        double double_value = 4;
        bool boolean_value = 5;
        string string_value = 6;
        DataSetValueExtension extension_value = 7;
      }
      message DataSetValueExtension { extensions 1 to max; }
    }
    message Row {
      repeated DataSetValue elements = 1;
      extensions 2 to max;
    }
    optional uint64 num_of_columns = 1;
    repeated string columns = 2;
    repeated uint32 types = 3;
    repeated Row rows = 4;
    extensions 5 to max;
  }

  message PropertyValue {
    optional uint32 type = 1;
    optional bool is_null = 2;
    oneof value {
      uint32 int_value = 3;
      uint64 long_value = 4;
      float float_value = 5;
      double double_value = 6;
      bool boolean_value = 7;
      string string_value = 8;
      PropertySet propertyset_value = 9;
      PropertySetList propertysets_value = 10;
      PropertyValueExtension extension_value = 11;
    }
    message PropertyValueExtension { extensions 1 to max; }
  }

  message PropertySet {
    repeated string keys = 1;
    repeated PropertyValue values = 2;
    extensions 3 to max;
  }

  message PropertySetList {
    repeated PropertySet propertyset = 1;
    extensions 2 to max;
  }

  message MetaData {
    optional bool is_multi_part = 1;
    optional string content_type = 2;
    optional uint64 size = 3;
    optional uint64 seq = 4;
    optional string file_name = 5;
    optional string file_type = 6;
    optional string md5 = 7;
    optional string description = 8;
    extensions 9 to max;
  }

  message Metric {
    optional string name = 1;
    optional uint64 alias = 2;
    optional uint64 timestamp = 3;
    optional uint32 datatype = 4;
    optional bool is_historical = 5;
    optional bool is_transient = 6;
    optional bool is_null = 7;
    optional MetaData metadata = 8;
    optional PropertySet properties = 9;
    oneof value {
      uint32 int_value = 10;
      uint64 long_value = 11;
      float float_value = 12;
      double double_value = 13;
      bool boolean_value = 14;
      string string_value = 15;
      bytes bytes_value = 16;
      DataSet dataset_value = 17;
      Template template_value = 18;
      MetricValueExtension extension_value = 19;
    }
    message MetricValueExtension { extensions 1 to max; }
  }

  optional uint64 timestamp = 1;
  repeated Metric metrics = 2;
  optional uint64 seq = 3;
  optional string uuid = 4;
  optional bytes body = 5;
  extensions 6 to max;
}
)pb";

// The DataType numbers the conversion depends on (the schema's enum names them).
enum DataType : std::uint32_t {
  kInt8 = 1,
  kInt16 = 2,
  kInt32 = 3,
  kInt64 = 4,
  kInt8Array = 22,
  kInt16Array = 23,
  kInt32Array = 24,
  kInt64Array = 25,
  kUInt8Array = 26,
  kUInt16Array = 27,
  kUInt32Array = 28,
  kUInt64Array = 29,
  kFloatArray = 30,
  kDoubleArray = 31,
  kBooleanArray = 32,
  kStringArray = 33,
  kDateTimeArray = 34,
};

// The schema is ours: an error in it is a bug, said as one.
class SchemaErrors : public pb::io::ErrorCollector, public pb::DescriptorPool::ErrorCollector {
 public:
  void AddError(int line, pb::io::ColumnNumber column, const std::string& message) override {
    note("line " + std::to_string(line + 1) + ":" + std::to_string(column + 1) + ": " + message);
  }
  void AddError(const std::string&, const std::string& element, const pb::Message*, ErrorLocation,
                const std::string& message) override {
    note(element + ": " + message);
  }
  // Thrown here rather than from inside libprotobuf's callbacks.
  void throw_any() const {
    if (!first_.empty()) throw Error("the built-in Sparkplug schema is wrong: " + first_);
  }

 private:
  void note(std::string error) {
    if (first_.empty()) first_ = std::move(error);
  }
  std::string first_;
};

const pb::FieldDescriptor& field(const pb::Message& message, const char* name) {
  return *message.GetDescriptor()->FindFieldByName(name);
}

const pb::Reflection& reflection(const pb::Message& message) { return *message.GetReflection(); }

bool has(const pb::Message& message, const char* name) {
  return reflection(message).HasField(message, &field(message, name));
}

bool is_true(const pb::Message& message, const char* name) {
  return reflection(message).GetBool(message, &field(message, name));
}

std::uint32_t uint32_field(const pb::Message& message, const char* name) {
  return reflection(message).GetUInt32(message, &field(message, name));
}

// The fields among `names` that are set, as members of `out` by their names.
void copy_set(const pb::Message& message, std::initializer_list<const char*> names, json& out) {
  for (const char* name : names) {
    if (has(message, name)) out[name] = field_value(message, field(message, name));
  }
}

// The elements of a repeated message field, each converted by `convert`.
template <typename Convert>
json each_message(const pb::Message& message, const char* name, Convert convert) {
  const pb::FieldDescriptor& repeated = field(message, name);
  json array = json::array();
  for (int i = 0, n = reflection(message).FieldSize(message, &repeated); i < n; ++i) {
    array.push_back(convert(reflection(message).GetRepeatedMessage(message, &repeated, i)));
  }
  return array;
}

const pb::Message& message_field(const pb::Message& message, const char* name) {
  return reflection(message).GetMessage(message, &field(message, name));
}

// Little-endian packed numbers of type T, whole.
template <typename T>
json unpack(std::string_view bytes, const char* type_name) {
  if (bytes.size() % sizeof(T) != 0) {
    throw PayloadFailure(std::string(type_name) + " of " + std::to_string(bytes.size()) + " bytes is not whole " +
                         std::to_string(sizeof(T)) + "-byte elements");
  }
  using Bits = std::conditional_t<sizeof(T) == 8, std::uint64_t,
                                  std::conditional_t<sizeof(T) == 4, std::uint32_t,
                                                     std::conditional_t<sizeof(T) == 2, std::uint16_t, std::uint8_t>>>;
  json array = json::array();
  for (std::size_t at = 0; at < bytes.size(); at += sizeof(T)) {
    Bits bits = 0;
    for (std::size_t k = 0; k < sizeof(T); ++k) {
      bits = static_cast<Bits>(bits | static_cast<Bits>(static_cast<unsigned char>(bytes[at + k])) << (8 * k));
    }
    T value = std::bit_cast<T>(bits);
    if constexpr (std::is_same_v<T, float>) {
      array.push_back(widen_float(value));
    } else {
      array.push_back(value);
    }
  }
  return array;
}

json unpack_booleans(std::string_view bytes) {
  json count = bytes.size() >= 4 ? unpack<std::uint32_t>(bytes.substr(0, 4), "BooleanArray") : json();
  std::uint64_t n = count.is_array() ? count[0].get<std::uint64_t>() : 0;
  if (count.is_null() || bytes.size() - 4 != (n + 7) / 8) {
    throw PayloadFailure("BooleanArray of " + std::to_string(bytes.size()) + " bytes does not hold its count");
  }
  json array = json::array();
  for (std::uint64_t i = 0; i < n; ++i) {
    array.push_back((static_cast<unsigned char>(bytes[4 + i / 8]) >> (7 - i % 8) & 1) != 0);
  }
  return array;
}

json unpack_strings(std::string_view bytes) {
  json array = json::array();
  while (!bytes.empty()) {
    std::size_t end = bytes.find('\0');
    std::string_view text = bytes.substr(0, end);
    if (!is_utf8(text)) throw PayloadFailure("a StringArray's string is not UTF-8");
    array.push_back(std::string(text));
    bytes.remove_prefix(end == std::string_view::npos ? bytes.size() : end + 1);
  }
  return array;
}

// bytes_value by datatype: the packed arrays, or base64.
json bytes_value(std::string_view bytes, std::uint32_t datatype) {
  switch (datatype) {
    case kInt8Array:
      return unpack<std::int8_t>(bytes, "Int8Array");
    case kInt16Array:
      return unpack<std::int16_t>(bytes, "Int16Array");
    case kInt32Array:
      return unpack<std::int32_t>(bytes, "Int32Array");
    case kInt64Array:
      return unpack<std::int64_t>(bytes, "Int64Array");
    case kUInt8Array:
      return unpack<std::uint8_t>(bytes, "UInt8Array");
    case kUInt16Array:
      return unpack<std::uint16_t>(bytes, "UInt16Array");
    case kUInt32Array:
      return unpack<std::uint32_t>(bytes, "UInt32Array");
    case kUInt64Array:
      return unpack<std::uint64_t>(bytes, "UInt64Array");
    case kFloatArray:
      return unpack<float>(bytes, "FloatArray");
    case kDoubleArray:
      return unpack<double>(bytes, "DoubleArray");
    case kBooleanArray:
      return unpack_booleans(bytes);
    case kStringArray:
      return unpack_strings(bytes);
    case kDateTimeArray:
      return unpack<std::int64_t>(bytes, "DateTimeArray");
  }
  std::string text;
  append_base64(text, bytes);
  return text;
}

// An integer carried unsigned, sign-converted for the signed datatypes at
// their width.
json integer_value(std::uint64_t carried, std::uint32_t datatype) {
  switch (datatype) {
    case kInt8:
      return static_cast<std::int8_t>(carried);
    case kInt16:
      return static_cast<std::int16_t>(carried);
    case kInt32:
      return static_cast<std::int32_t>(carried);
    case kInt64:
      return static_cast<std::int64_t>(carried);
  }
  return carried;
}

}  // namespace

struct SparkplugDecoder::Schema {
  pb::DescriptorPool pool;
  pb::DynamicMessageFactory factory{&pool};
  const pb::Message* payload_prototype = nullptr;
  const pb::EnumDescriptor* datatypes = nullptr;

  Schema() {
    pb::io::ArrayInputStream input(kSchema.data(), static_cast<int>(kSchema.size()));
    SchemaErrors errors;
    pb::io::Tokenizer tokenizer(&input, &errors);
    pb::compiler::Parser parser;
    parser.RecordErrorsTo(&errors);
    pb::FileDescriptorProto file;
    parser.Parse(&tokenizer, &file);
    errors.throw_any();
    file.set_name("mqtk/sparkplug_b.proto");
    pool.BuildFileCollectingErrors(file, &errors);
    errors.throw_any();
    payload_prototype = factory.GetPrototype(pool.FindMessageTypeByName("org.eclipse.tahu.protobuf.Payload"));
    datatypes = pool.FindEnumTypeByName("org.eclipse.tahu.protobuf.DataType");
  }

  json datatype_name(std::uint32_t datatype) const {
    const pb::EnumValueDescriptor* named =
        datatype <= INT32_MAX ? datatypes->FindValueByNumber(static_cast<int>(datatype)) : nullptr;
    return named != nullptr ? json(named->name()) : json(datatype);
  }

  // The value of a Metric, PropertyValue, DataSetValue or Parameter: its
  // oneof "value" by `datatype`; nothing when none is set.
  std::optional<json> value(const pb::Message& carrier, std::uint32_t datatype) const {
    const pb::OneofDescriptor* oneof = carrier.GetDescriptor()->FindOneofByName("value");
    const pb::FieldDescriptor* set = reflection(carrier).GetOneofFieldDescriptor(carrier, oneof);
    if (set == nullptr) return std::nullopt;
    const std::string& name = set->name();
    if (name == "int_value" || name == "long_value") {
      return integer_value(field_value(carrier, *set).get<std::uint64_t>(), datatype);
    }
    if (name == "bytes_value") {
      std::string scratch;
      return bytes_value(reflection(carrier).GetStringReference(carrier, set, &scratch), datatype);
    }
    if (name == "dataset_value") return dataset(message_field(carrier, "dataset_value"));
    if (name == "template_value") return template_value(message_field(carrier, "template_value"));
    if (name == "propertyset_value") return property_set(message_field(carrier, "propertyset_value"));
    if (name == "propertysets_value") {
      return each_message(message_field(carrier, "propertysets_value"), "propertyset",
                          [this](const pb::Message& each) { return property_set(each); });
    }
    if (set->cpp_type() == pb::FieldDescriptor::CPPTYPE_MESSAGE) {  // an extension_value
      return message_to_json(reflection(carrier).GetMessage(carrier, set));
    }
    return field_value(carrier, *set);
  }

  json property_set(const pb::Message& set) const {
    const pb::FieldDescriptor& keys = field(set, "keys");
    const pb::FieldDescriptor& values = field(set, "values");
    int count = reflection(set).FieldSize(set, &keys);
    if (count != reflection(set).FieldSize(set, &values)) {
      throw PayloadFailure("a PropertySet has " + std::to_string(count) + " keys and " +
                           std::to_string(reflection(set).FieldSize(set, &values)) + " values");
    }
    json object = json::object();
    for (int i = 0; i < count; ++i) {
      const pb::Message& property = reflection(set).GetRepeatedMessage(set, &values, i);
      bool null = has(property, "is_null") && is_true(property, "is_null");
      object[field_value(set, keys, i).get<std::string>()] =
          null ? json() : value(property, uint32_field(property, "type")).value_or(json());
    }
    return object;
  }

  json dataset(const pb::Message& dataset) const {
    const pb::FieldDescriptor& types = field(dataset, "types");
    std::vector<std::uint32_t> column_types;
    for (int i = 0, n = reflection(dataset).FieldSize(dataset, &types); i < n; ++i) {
      column_types.push_back(reflection(dataset).GetRepeatedUInt32(dataset, &types, i));
    }
    json out = json::object();
    out["columns"] = json::array();
    const pb::FieldDescriptor& columns = field(dataset, "columns");
    for (int i = 0, n = reflection(dataset).FieldSize(dataset, &columns); i < n; ++i) {
      out["columns"].push_back(field_value(dataset, columns, i));
    }
    out["types"] = json::array();
    for (std::uint32_t type : column_types) out["types"].push_back(datatype_name(type));
    out["rows"] = each_message(dataset, "rows", [&](const pb::Message& row) {
      std::size_t column = 0;
      return each_message(row, "elements", [&](const pb::Message& element) {
        std::uint32_t type = column < column_types.size() ? column_types[column] : 0;
        ++column;
        return value(element, type).value_or(json());
      });
    });
    return out;
  }

  json template_value(const pb::Message& definition) const {
    json out = json::object();
    copy_set(definition, {"version", "template_ref", "is_definition"}, out);
    out["metrics"] = each_message(definition, "metrics", [this](const pb::Message& m) { return metric(m); });
    out["parameters"] = each_message(definition, "parameters", [this](const pb::Message& parameter) {
      json shown = json::object();
      copy_set(parameter, {"name"}, shown);
      std::uint32_t type = uint32_field(parameter, "type");
      if (has(parameter, "type")) shown["type"] = datatype_name(type);
      if (std::optional<json> carried = value(parameter, type)) shown["value"] = std::move(*carried);
      return shown;
    });
    return out;
  }

  json metric(const pb::Message& metric) const {
    json out = json::object();
    copy_set(metric, {"name", "alias", "timestamp"}, out);
    std::uint32_t datatype = uint32_field(metric, "datatype");
    if (has(metric, "datatype")) out["datatype"] = datatype_name(datatype);
    for (const char* flag : {"is_historical", "is_transient", "is_null"}) {
      if (is_true(metric, flag)) out[flag] = true;
    }
    if (has(metric, "properties")) out["properties"] = property_set(message_field(metric, "properties"));
    if (has(metric, "metadata")) out["metadata"] = message_to_json(message_field(metric, "metadata"));
    if (out.contains("is_null")) {
      out["value"] = nullptr;
    } else if (std::optional<json> carried = value(metric, datatype)) {
      out["value"] = std::move(*carried);
    }
    return out;
  }

  json payload_json(const pb::Message& payload) const {
    json out = json::object();
    copy_set(payload, {"timestamp", "seq", "uuid", "body"}, out);
    out["metrics"] = each_message(payload, "metrics", [this](const pb::Message& m) { return metric(m); });
    return out;
  }
};

SparkplugDecoder::SparkplugDecoder(std::string name) : name_(std::move(name)), schema_(std::make_unique<Schema>()) {}

SparkplugDecoder::~SparkplugDecoder() = default;

Decoded SparkplugDecoder::decode(std::string_view payload) const {
  std::unique_ptr<pb::Message> message = parse_message(*schema_->payload_prototype, payload);
  if (!message) return {{}, "not a valid Sparkplug B payload"};
  try {
    return {schema_->payload_json(*message), {}};
  } catch (const PayloadFailure& failure) {
    return {{}, failure.what()};
  }
}

}  // namespace mqtk
