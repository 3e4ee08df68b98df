// The binary JSONs (CBOR, MessagePack, BSON, UBJSON, BJData) read into JSON
// with nlohmann/json's readers, bounded for hostile payloads:
// - nesting deeper than kMaxDecodedDepth fails (the readers recurse once
//   per level, and a payload of 256 MB could nest millions of levels);
// - a payload may not make more values than it has bytes (UBJSON and
//   BJData containers of a fixed type such as null take no bytes per
//   element and could otherwise declare billions of them);
// - byte strings (CBOR, MessagePack bin and ext, BSON binary) become base64
//   strings, their subtype dropped;
// - strings and keys that are not UTF-8 fail (JSON text could not hold them);
// - CBOR tags are refused: nlohmann 3.11 cannot read tags 0 to 5 and would
//   recurse without bound through a chain of the others. Only the
//   self-described CBOR mark (tag 55799, RFC 8949 3.4.6) at the start is
//   skipped.
#pragma once

#include <string>
#include <string_view>

#include "mqtk/payload/payload_decoder.hpp"

namespace mqtk {

enum class BinaryJson { kCbor, kMessagePack, kBson, kUbjson, kBjdata };

class BinaryJsonDecoder : public PayloadDecoder {
 public:
  BinaryJsonDecoder(BinaryJson format, std::string name);
  Decoded decode(std::string_view payload) const override;
  const std::string& name() const override { return name_; }

 private:
  BinaryJson format_;
  std::string name_;
};

}  // namespace mqtk
