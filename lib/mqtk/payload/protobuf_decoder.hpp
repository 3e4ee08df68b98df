// --decode protobuf:FILE.proto:package.Message: payloads as messages of a
// schema read at run time (libprotobuf's compiler::Importer, no generated
// code), shown as JSON as protobuf_json.hpp describes.
//
// FILE and its imports are looked up in the current directory, then in each
// --proto-path directory in turn, as protoc's -I does. A FILE outside all of
// them (an absolute path, or one with "..") is read from where it is, its
// own directory searched last for its imports.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "mqtk/payload/payload_decoder.hpp"

namespace google::protobuf {
class Message;
}  // namespace google::protobuf

namespace mqtk {

class ProtobufDecoder : public PayloadDecoder {
 public:
  // `spec` is the whole --decode spec ("protobuf:FILE.proto:package.Message").
  // Throws UsageError naming --decode when FILE cannot be found or read,
  // has errors (the first, as file:line:column: message), or does not
  // define the message type.
  ProtobufDecoder(std::string_view spec, const std::vector<std::string>& proto_paths);
  ~ProtobufDecoder() override;
  Decoded decode(std::string_view payload) const override;
  const std::string& name() const override { return name_; }

 private:
  struct Schema;  // libprotobuf's objects, kept out of this header
  std::string name_;
  std::unique_ptr<Schema> schema_;
  const google::protobuf::Message* prototype_;
  std::string type_name_;
};

}  // namespace mqtk
