#include "mqtk/payload/protobuf_module.hpp"

#include <cstdlib>
#include <cstring>
#include <exception>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "mqtk/payload/protobuf_decoder.hpp"
#include "mqtk/payload/sparkplug_decoder.hpp"

// Only the functions of protobuf_module.hpp leave the module (it is built
// with hidden visibility).
#define MQTK_EXPORTED __attribute__((visibility("default")))

struct mqtk_protobuf_decoder {
  std::unique_ptr<mqtk::PayloadDecoder> decoder;
};

namespace {

// A copy of `bytes` that the other side frees with mqtk_protobuf_free; null
// when there is no memory for it.
char* copy_out(std::string_view bytes) {
  char* copy = static_cast<char*>(std::malloc(bytes.size() + 1));
  if (copy == nullptr) return nullptr;
  std::memcpy(copy, bytes.data(), bytes.size());
  copy[bytes.size()] = '\0';
  return copy;
}

// Makes a decoder, or says why not in *error: nothing thrown leaves the
// module.
template <typename Make>
mqtk_protobuf_decoder* open(Make make, char** error) {
  try {
    return new mqtk_protobuf_decoder{make()};
  } catch (const std::exception& failure) {
    *error = copy_out(failure.what());
  } catch (...) {
    *error = copy_out("the protobuf module failed");
  }
  return nullptr;
}

}  // namespace

extern "C" {

MQTK_EXPORTED mqtk_protobuf_decoder* mqtk_protobuf_open(const char* spec, const char* const* proto_paths,
                                                        std::size_t path_count, char** error) {
  return open(
      [&] {
        std::vector<std::string> paths(proto_paths, proto_paths + path_count);
        return std::make_unique<mqtk::ProtobufDecoder>(spec, paths);
      },
      error);
}

MQTK_EXPORTED mqtk_protobuf_decoder* mqtk_sparkplug_open(char** error) {
  return open([] { return std::make_unique<mqtk::SparkplugDecoder>("sparkplug"); }, error);
}

MQTK_EXPORTED int mqtk_protobuf_decode(const mqtk_protobuf_decoder* decoder, const char* payload, std::size_t size,
                                       char** out, std::size_t* out_size) {
  *out = nullptr;
  *out_size = 0;
  try {
    mqtk::Decoded decoded = decoder->decoder->decode(std::string_view(payload, size));
    bool ok = decoded.ok();
    std::string bytes = ok ? std::string() : decoded.failure;
    if (ok) nlohmann::json::to_cbor(decoded.value, bytes);
    *out = copy_out(bytes);
    if (*out != nullptr) *out_size = bytes.size();
    return ok && *out != nullptr ? 1 : 0;
  } catch (const std::exception& failure) {
    // Out of memory: the caller says so if even this copy fails.
    *out = copy_out(failure.what());
    if (*out != nullptr) *out_size = std::strlen(*out);
    return 0;
  }
}

MQTK_EXPORTED void mqtk_protobuf_close(mqtk_protobuf_decoder* decoder) { delete decoder; }

MQTK_EXPORTED void mqtk_protobuf_free(char* bytes) { std::free(bytes); }

}  // extern "C"
