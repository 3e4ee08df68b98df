// --decode: any bytes as a payload for every decoder that needs no schema
// file. None may crash, throw or recurse without bound; a failure is one
// non-empty line; a value can be written as JSON text (nlohmann's dump()
// throws on a string that is not UTF-8), without nesting deeper than the
// decoders promise.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "fuzz_input.hpp"
#include "mqtk/payload/payload_decoder.hpp"

namespace {

std::vector<std::unique_ptr<mqtk::PayloadDecoder>> make_decoders() {
  std::vector<std::unique_ptr<mqtk::PayloadDecoder>> decoders;
  for (const char* spec : {"cbor", "msgpack", "bson", "ubjson", "bjdata", "sparkplug", "base64", "hex"}) {
    decoders.push_back(mqtk::make_payload_decoder(spec, {}));
  }
  return decoders;
}

std::size_t depth(const nlohmann::json& value) {
  std::size_t deepest = 0;
  if (value.is_structured()) {
    for (const auto& element : value) deepest = std::max(deepest, depth(element));
    return deepest + 1;
  }
  return 0;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const auto decoders = make_decoders();  // the Sparkplug schema is parsed once, not per input
  std::string_view payload = fuzz::text(data, size);
  for (const auto& decoder : decoders) {
    mqtk::Decoded decoded = decoder->decode(payload);
    if (decoded.ok()) {
      if (depth(decoded.value) > mqtk::kMaxDecodedDepth) __builtin_trap();
      (void)decoded.value.dump();
    } else if (decoded.failure.find('\n') != std::string::npos) {
      __builtin_trap();
    }
  }
  return 0;
}
