// --jq: mqtk-sub's and mqtk-rr's output when a jq program is given. Each
// message's --json record (record_jq.hpp, with the --decode value as its
// payload) goes through the program, and each output is printed on a line
// of its own, as `jq -c` prints it (strings as their text with -r, as
// `jq -r`): `mqtk-sub --jq EXPR` prints what `mqtk-sub --json | jq -c EXPR`
// does.
//
// A message the program makes no output of is left out (write() returns
// false: -C does not count it); it was handled, and is acknowledged. A run
// that fails (a jq error) keeps the outputs made before the failure, as the
// jq binary prints them, and a warning names the topic and the error, at a
// readable rate (WarningLimiter). `halt` and `halt_error` end the tool's
// run after the outputs made before them (ended()), with the program's exit
// status, as jq's manual has it.
#pragma once

#include <string>

#include "mqtk/base/output_buffer.hpp"
#include "mqtk/base/warning_limiter.hpp"
#include "mqtk/output/message_sink.hpp"
#include "mqtk/payload/jq_program.hpp"
#include "mqtk/payload/payload_decoding.hpp"
#include "mqtk/records/record_jq.hpp"

namespace mqtk {

class JqOutput final : public MessageSink {
 public:
  // `warn` receives the warnings about runs that failed.
  JqOutput(JqProgram program, JqTextForm form, PayloadDecoding decoding, OutputBuffer& out, WarningCallback warn)
      : program_(std::move(program)),
        form_(form),
        decoding_(std::move(decoding)),
        out_(out),
        warnings_(std::move(warn)) {}

  bool write(const Message& message) override;
  void commit(bool) override { out_.flush(); }
  std::size_t uncommitted() const override { return out_.pending(); }
  int watched_fd() const override { return out_.fd(); }
  std::optional<SinkEnd> ended() const override { return ended_; }

 private:
  RecordJq program_;
  JqTextForm form_;
  PayloadDecoding decoding_;
  OutputBuffer& out_;
  WarningLimiter warnings_;
  std::optional<SinkEnd> ended_;
};

}  // namespace mqtk
