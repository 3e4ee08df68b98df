// --decode sparkplug: Sparkplug B payloads (Eclipse Sparkplug 3.0,
// org.eclipse.tahu.protobuf.Payload), with a schema written from the
// specification and read at run time, as JSON in this shape (members that
// are not set are left out):
//
//   {"timestamp": 1700000000000, "seq": 3, "uuid": "...", "body": "<base64>",
//    "metrics": [{"name": "temp", "alias": 7, "timestamp": 1700000000000,
//                 "datatype": "Int32", "value": -5,
//                 "is_historical": true, "is_transient": true,  (only when true)
//                 "is_null": true,                              (only when true; "value" is then null)
//                 "properties": {"unit": "C", ...},
//                 "metadata": {"content_type": "...", ...}}]}  (as its fields are named)
//
// "datatype" is the DataType's name ("Int32", "DoubleArray"), its number
// when the specification has none. "value" by datatype:
//   Int8, Int16, Int32   carried as two's complement in the uint32 int_value:
//                        sign-converted at their width; Int64 the same from
//                        the uint64 long_value
//   UInt8 .. UInt64      numbers as carried; DateTime a number of milliseconds
//   Float, Double, Boolean, String, Text, UUID   as carried
//   Bytes, File          base64 strings
//   DataSet              {"columns": [...], "types": ["Int32", ...],
//                         "rows": [[...], ...]}, each element by its column's
//                        type (null when it carries no value)
//   Template             {"version", "template_ref", "is_definition",
//                         "metrics": [metrics of the shape above],
//                         "parameters": [{"name", "type", "value"}]}
//   PropertySet          {key: value by the property's type}, PropertySetList
//                        an array of them (also the shape of "properties")
//   Int8Array .. DateTimeArray, packed little-endian in bytes_value: arrays
//                        of numbers (DateTimeArray: signed milliseconds);
//                        BooleanArray (a 4-byte count, then the bits, the
//                        first the highest of its byte, as the specification's
//                        example) an array of booleans; StringArray
//                        (NUL-terminated UTF-8) an array of strings
//   any other datatype, or a value the datatype does not expect: as carried
//                        (numbers, strings, bytes as base64, extensions as
//                        objects)
// A payload fails when it is not a Payload message, a string is not UTF-8,
// a packed array does not fill its bytes, or a PropertySet's keys and
// values do not pair up.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "mqtk/payload/payload_decoder.hpp"

namespace mqtk {

class SparkplugDecoder : public PayloadDecoder {
 public:
  explicit SparkplugDecoder(std::string name);
  ~SparkplugDecoder() override;
  Decoded decode(std::string_view payload) const override;
  const std::string& name() const override { return name_; }

 private:
  struct Schema;  // libprotobuf's objects, kept out of this header
  std::string name_;
  std::unique_ptr<Schema> schema_;
};

}  // namespace mqtk
