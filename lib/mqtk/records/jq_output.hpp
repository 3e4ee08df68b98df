// --jq: mqtk-sub's and mqtk-rr's output when a jq program is given. Each
// message goes through the program (MessageJq: its --json record, with the
// --decode value as its payload), and each output is printed on a line of
// its own, as `jq -c` prints it (strings as their text with -r, as `jq -r`):
// `mqtk-sub --jq EXPR` prints what `mqtk-sub --json | jq -c EXPR` does.
//
// A message the program makes no output of is left out (write() returns
// false: -C does not count it); it was handled, and is acknowledged. A run
// that fails (a jq error) keeps the outputs made before the failure, as the
// jq binary prints them, and a warning names the topic and the error, at a
// readable rate (WarningLimiter).
#pragma once

#include <string>

#include "mqtk/base/output_buffer.hpp"
#include "mqtk/base/warning_limiter.hpp"
#include "mqtk/output/message_sink.hpp"
#include "mqtk/output/payload_decoding.hpp"
#include "mqtk/payload/jq_program.hpp"
#include "mqtk/records/message_jq.hpp"

namespace mqtk {

class JqOutput final : public MessageSink {
 public:
  // `warn` receives the warnings about runs that failed.
  JqOutput(JqProgram program, JqTextForm form, PayloadDecoding decoding, OutputBuffer& out, WarningCallback warn)
      : jq_(std::move(program), form, std::move(decoding)), out_(out), warnings_(std::move(warn)) {}

  bool write(const Message& message) override;
  void commit(bool) override { out_.flush(); }
  std::size_t uncommitted() const override { return out_.pending(); }
  int watched_fd() const override { return out_.fd(); }

 private:
  MessageJq jq_;
  OutputBuffer& out_;
  WarningLimiter warnings_;
};

}  // namespace mqtk
