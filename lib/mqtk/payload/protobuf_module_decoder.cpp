#include "mqtk/payload/protobuf_module_decoder.hpp"

#include <cstring>
#include <memory>
#include <string_view>
#include <utility>

#include "mqtk/base/error.hpp"
#include "mqtk/payload/protobuf_library.hpp"

namespace mqtk {

namespace {

// Bytes the module returned (an error, a failure or a value), freed by it.
class ModuleBytes {
 public:
  ModuleBytes(char* bytes, std::size_t size) : bytes_(bytes), size_(bytes == nullptr ? 0 : size) {}
  ~ModuleBytes() { protobuf_library().mqtk_protobuf_free(bytes_); }
  ModuleBytes(const ModuleBytes&) = delete;
  ModuleBytes& operator=(const ModuleBytes&) = delete;
  std::string_view view() const { return {bytes_, size_}; }

 private:
  char* bytes_;
  std::size_t size_;
};

// The decoder the module opened, or an error with why it did not (its
// text NUL-terminated): a UsageError when the user's schema is why.
mqtk_protobuf_decoder* opened(mqtk_protobuf_decoder* decoder, char* error, bool users_schema) {
  if (decoder != nullptr) return decoder;
  std::string why(ModuleBytes(error, error == nullptr ? 0 : std::strlen(error)).view());
  if (why.empty()) throw Error("--decode: out of memory");
  if (users_schema) throw UsageError(why);
  throw Error(why);
}

}  // namespace

std::unique_ptr<ProtobufModuleDecoder> ProtobufModuleDecoder::protobuf(std::string_view spec,
                                                                       const std::vector<std::string>& proto_paths) {
  const ProtobufLibrary& module = protobuf_library();
  std::string name(spec);
  std::vector<const char*> paths;
  for (const std::string& path : proto_paths) paths.push_back(path.c_str());
  char* error = nullptr;
  mqtk_protobuf_decoder* decoder = module.mqtk_protobuf_open(name.c_str(), paths.data(), paths.size(), &error);
  decoder = opened(decoder, error, true);
  return std::unique_ptr<ProtobufModuleDecoder>(new ProtobufModuleDecoder(std::move(name), decoder, false));
}

std::unique_ptr<ProtobufModuleDecoder> ProtobufModuleDecoder::sparkplug(std::string name) {
  char* error = nullptr;
  mqtk_protobuf_decoder* decoder = protobuf_library().mqtk_sparkplug_open(&error);
  decoder = opened(decoder, error, false);
  return std::unique_ptr<ProtobufModuleDecoder>(new ProtobufModuleDecoder(std::move(name), decoder, true));
}

ProtobufModuleDecoder::ProtobufModuleDecoder(std::string name, mqtk_protobuf_decoder* decoder, bool sparkplug)
    : name_(std::move(name)), decoder_(decoder), sparkplug_(sparkplug) {}

ProtobufModuleDecoder::~ProtobufModuleDecoder() { protobuf_library().mqtk_protobuf_close(decoder_); }

Decoded ProtobufModuleDecoder::decode(std::string_view payload) const {
  char* out = nullptr;
  std::size_t size = 0;
  bool ok = protobuf_library().mqtk_protobuf_decode(decoder_, payload.data(), payload.size(), &out, &size) == 1;
  ModuleBytes bytes(out, size);
  if (!ok) return {{}, bytes.view().empty() ? "out of memory" : std::string(bytes.view())};
  // The module's own CBOR, read where it is, nested no deeper than its
  // decoders build (payload_decoder.hpp's kMaxDecodedDepth); without
  // exceptions, as decode() never throws.
  nlohmann::json value = nlohmann::json::from_cbor(bytes.view().begin(), bytes.view().end(), true, false);
  if (value.is_discarded()) return {{}, "the protobuf module's value could not be read"};
  return {std::move(value), {}};
}

}  // namespace mqtk
