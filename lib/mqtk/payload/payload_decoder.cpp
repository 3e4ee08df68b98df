#include "mqtk/payload/payload_decoder.hpp"

#include <array>
#include <utility>

#include "mqtk/base/error.hpp"
#include "mqtk/payload/binary_json.hpp"
#include "mqtk/payload/protobuf_module_decoder.hpp"
#include "mqtk/payload/text_encoding_decoder.hpp"

namespace mqtk {

namespace {

struct BinaryJsonName {
  std::string_view name;
  BinaryJson format;
};
constexpr std::array<BinaryJsonName, 5> kBinaryJsons{{{"cbor", BinaryJson::kCbor},
                                                      {"msgpack", BinaryJson::kMessagePack},
                                                      {"bson", BinaryJson::kBson},
                                                      {"ubjson", BinaryJson::kUbjson},
                                                      {"bjdata", BinaryJson::kBjdata}}};

constexpr std::string_view kProtobuf = "protobuf";

bool names_protobuf(std::string_view spec) {
  return spec == kProtobuf || (spec.starts_with(kProtobuf) && spec[kProtobuf.size()] == ':');
}

}  // namespace

bool names_decoder(std::string_view spec) {
  for (const BinaryJsonName& binary : kBinaryJsons) {
    if (spec == binary.name) return true;
  }
  return spec == "sparkplug" || spec == "base64" || spec == "hex" || names_protobuf(spec);
}

std::unique_ptr<PayloadDecoder> make_payload_decoder(std::string_view spec,
                                                     const std::vector<std::string>& proto_paths) {
  std::string name(spec);
  for (const BinaryJsonName& binary : kBinaryJsons) {
    if (spec == binary.name) return std::make_unique<BinaryJsonDecoder>(binary.format, std::move(name));
  }
  if (spec == "base64") return std::make_unique<TextEncodingDecoder>(TextEncoding::kBase64, std::move(name));
  if (spec == "hex") return std::make_unique<TextEncodingDecoder>(TextEncoding::kHex, std::move(name));
  if (spec == "sparkplug") return ProtobufModuleDecoder::sparkplug(std::move(name));
  if (names_protobuf(spec)) return ProtobufModuleDecoder::protobuf(spec, proto_paths);
  throw UsageError("--decode: unknown decoder \"" + name +
                   "\" (one of cbor, msgpack, bson, ubjson, bjdata, protobuf:FILE.proto:package.Message, "
                   "sparkplug, base64, hex)");
}

}  // namespace mqtk
