// A --jq program run on messages: each message's --json record (with the
// --decode value as its payload) is the program's input, made the cheapest
// exact way. A record of a payload as it came is the --json line, read by
// jq's own parser (as jq reads it); a decoded payload's record is built as a
// value around the decoded value (record_json.hpp), not printed and parsed
// again. mqtk-sub's and mqtk-rr's --jq output (JqOutput) and mqtk-top's
// payload column use it.
#pragma once

#include <string>

#include "mqtk/base/rfc3339.hpp"
#include "mqtk/mqtt/message.hpp"
#include "mqtk/output/payload_decoding.hpp"
#include "mqtk/payload/jq_program.hpp"
#include "mqtk/records/record_formats.hpp"

namespace mqtk {

class MessageJq {
 public:
  MessageJq(JqProgram program, JqTextForm form, PayloadDecoding decoding)
      : program_(std::move(program)), form_(form), decoding_(std::move(decoding)) {}

  // The program's outputs for `message`, as text in the form given.
  JqTextResult run(const Message& message);

 private:
  JqProgram program_;
  JqTextForm form_;
  PayloadDecoding decoding_;
  Rfc3339Clock clock_;       // the decoded records' time
  JsonLinesFormat record_;   // the other records
  std::string record_text_;  // reused
};

}  // namespace mqtk
