// --decode [FILTER=]SPEC, repeated: which decoder reads the payloads of
// which topics. Each value names a decoder (payload_decoder.hpp) for the
// topics a filter matches, or for every topic without one; for a message
// the first value whose filter matches its topic wins, in the order given.
//
// A filter may hold '=' and a protobuf spec a path with '=' in it, so a
// value is split at the last '=' that is followed by a decoder's name:
//   sensors/+/raw=cbor                 sensors/+/raw, cbor
//   a=b/#=protobuf:x=1/m.proto:pkg.M   a=b/#, protobuf:x=1/m.proto:pkg.M
//   msgpack                            every topic, msgpack
// A filter is matched as a subscription's is: '+' and '#' do not match a
// first level that starts with '$'; a value without one matches all topics.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "mqtk/payload/payload_decoder.hpp"

namespace mqtk {

class DecoderChoice {
 public:
  // Throws UsageError naming --decode for an invalid filter or spec. The
  // same spec on several filters makes one decoder (a protobuf schema is
  // read once).
  static DecoderChoice parse(const std::vector<std::string>& decode_flags, const std::vector<std::string>& proto_paths);

  // The decoder for a message on `topic`; nullptr when no value matches it
  // (its payload is shown as it is).
  const PayloadDecoder* for_topic(std::string_view topic) const;
  bool empty() const { return rules_.empty(); }

 private:
  struct Rule {
    std::string filter;  // empty: every topic
    const PayloadDecoder* decoder;
  };
  std::vector<std::unique_ptr<PayloadDecoder>> decoders_;
  std::vector<Rule> rules_;
};

}  // namespace mqtk
