// The flags mqtk-sub, mqtk-rr and mqtk-record share for what payloads mean
// (issue 17): --decode [FILTER=]DECODER and --proto-path DIR, which turn
// payloads into JSON, and --jq EXPR with -r/--raw, a jq program over each
// message's record. As typed (PayloadFlags, defined for CLI11 by the add_
// functions), then checked into what they make (PayloadSetup) before
// anything connects.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "mqtk/payload/decoder_choice.hpp"

namespace CLI {
class App;
}

namespace mqtk {

struct PayloadFlags {
  std::vector<std::string> decode;       // --decode [FILTER=]DECODER, in the order given
  std::vector<std::string> proto_paths;  // --proto-path DIR
  std::optional<std::string> jq;         // --jq EXPR
  bool raw = false;                      // -r/--raw: jq's string outputs as their text
};

// --decode and --proto-path.
void add_decode_flags(CLI::App& app, PayloadFlags& flags, const std::string& group);
// --jq and -r/--raw (-r is free in mqtk-sub and mqtk-rr, as in
// mosquitto_sub and mosquitto_rr; it is mqtk-pub's --retain).
void add_jq_flags(CLI::App& app, PayloadFlags& flags, const std::string& group);
// Both.
void add_payload_flags(CLI::App& app, PayloadFlags& flags, const std::string& group);

// What the flags make: the decoders by topic filter (empty without
// --decode).
struct PayloadSetup {
  DecoderChoice decoders;
};

// Reads the schemas --decode names and compiles --jq. Throws UsageError
// naming the flag at fault (an unknown decoder, a schema that cannot be read,
// --proto-path without --decode).
PayloadSetup check_payload_flags(const PayloadFlags& flags);

}  // namespace mqtk
