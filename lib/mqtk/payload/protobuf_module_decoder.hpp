// --decode protobuf:FILE.proto:package.Message and --decode sparkplug in the
// tools: decoders whose work is done in mqtk-protobuf.so
// (protobuf_module.hpp), which protobuf_decoder.hpp and sparkplug_decoder.hpp
// describe. The first one made loads the module.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "mqtk/payload/payload_decoder.hpp"

struct mqtk_protobuf_decoder;

namespace mqtk {

class ProtobufModuleDecoder : public PayloadDecoder {
 public:
  // A protobuf decoder for `spec`, as ProtobufDecoder's constructor takes
  // it. Throws UsageError naming --decode when the schema cannot be used,
  // Error when the module cannot be loaded.
  static std::unique_ptr<ProtobufModuleDecoder> protobuf(std::string_view spec,
                                                         const std::vector<std::string>& proto_paths);
  // A Sparkplug B decoder named `name`. Throws Error when the module cannot
  // be loaded or make one.
  static std::unique_ptr<ProtobufModuleDecoder> sparkplug(std::string name);

  ~ProtobufModuleDecoder() override;
  ProtobufModuleDecoder(const ProtobufModuleDecoder&) = delete;
  ProtobufModuleDecoder& operator=(const ProtobufModuleDecoder&) = delete;

  Decoded decode(std::string_view payload) const override;
  const std::string& name() const override { return name_; }
  // Whether its values have sparkplug_decoder.hpp's shape.
  bool sparkplug() const { return sparkplug_; }

 private:
  ProtobufModuleDecoder(std::string name, mqtk_protobuf_decoder* decoder, bool sparkplug);

  std::string name_;
  mqtk_protobuf_decoder* decoder_;  // the module's, closed with it
  bool sparkplug_;
};

}  // namespace mqtk
