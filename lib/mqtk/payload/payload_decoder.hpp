// --decode: what a payload means, as a JSON value. A decoder turns the bytes
// of one payload into JSON, or says in one short line why it cannot; it
// never throws for a payload, whatever its bytes (payloads come from
// anybody, up to 256 MB). Building one from its spec is where mistakes are
// reported, as UsageError.
//
// The specs and what they make of a payload:
//   cbor, msgpack,       the binary JSONs, read by nlohmann/json (binary_json.hpp):
//   bson, ubjson,        byte strings become base64 strings, strings must be
//   bjdata               UTF-8, nesting stops at kMaxDecodedDepth
//   protobuf:FILE.proto:package.Message
//                        a message of a schema read at run time
//                        (protobuf_decoder.hpp, protobuf_json.hpp)
//   sparkplug            a Sparkplug B payload (sparkplug_decoder.hpp)
//                        (both in the module mqtk-protobuf.so,
//                        protobuf_module_decoder.hpp)
//   base64, hex          the payload is text encoding bytes (standard base64
//                        with padding; hex digits in pairs, either case, no
//                        separators); the value is those bytes as a JSON
//                        string when they are UTF-8, and a failure otherwise
//                        (JSON has no binary strings)
#pragma once

#include <cstddef>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace mqtk {

// What one payload decoded to: `value` when ok(), else `failure` says why
// (one line without a final period, e.g. "not a valid sensors.Reading").
struct Decoded {
  nlohmann::json value;
  std::string failure;
  bool ok() const { return failure.empty(); }
};

// The deepest nesting of arrays and objects a decoder builds: deeper
// payloads fail rather than recurse (nlohmann's readers and writers recurse
// once per level) without bound.
inline constexpr std::size_t kMaxDecodedDepth = 1000;

class PayloadDecoder {
 public:
  virtual ~PayloadDecoder() = default;
  // Never throws for bad payload bytes: the failure says why.
  virtual Decoded decode(std::string_view payload) const = 0;
  // The spec as the user wrote it, e.g. "cbor".
  virtual const std::string& name() const = 0;
};

// The decoder a --decode spec names. `proto_paths` are the --proto-path
// directories, searched after the current directory for protobuf schemas
// and their imports. Throws UsageError naming --decode for an unknown
// decoder, a schema that cannot be read or has errors, or an unknown
// message type.
std::unique_ptr<PayloadDecoder> make_payload_decoder(std::string_view spec,
                                                     const std::vector<std::string>& proto_paths);

// Whether `spec` begins with the name of a decoder ("cbor", "protobuf:..."):
// how a --decode value tells its topic filter from its spec.
bool names_decoder(std::string_view spec);

}  // namespace mqtk
