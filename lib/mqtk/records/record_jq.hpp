// A --jq program run on messages as mqtk's JSON record: the input is
// exactly what `mqtk-sub --json | jq` reads (record_formats.hpp), with the
// --decode value as its payload. Made the cheapest exact way: a record of a
// payload as it came is its --json line, read by jq's own parser (as jq
// reads it); a decoded payload's record is built as a value around the
// decoded value (record_json.hpp), not printed and parsed again.
//
// mqtk-sub and mqtk-rr print the outputs as text (run_text, jq_output.hpp);
// mqtk-record runs the program once per message (take) and every format
// reads the outputs as values (result).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "mqtk/base/rfc3339.hpp"
#include "mqtk/mqtt/message.hpp"
#include "mqtk/output/message_sink.hpp"
#include "mqtk/payload/jq_program.hpp"
#include "mqtk/records/record_formats.hpp"

namespace mqtk {

class RecordJq {
 public:
  explicit RecordJq(JqProgram program) : program_(std::move(program)) {}

  // The outputs for `message`, whose payload decoded to `decoded` (nullptr:
  // it stays as it came), as text in `form`.
  JqTextResult run_text(const Message& message, const nlohmann::json* decoded, JqTextForm form);
  // The same as values, kept until the next take() for result().
  const JqResult& take(const Message& message, const nlohmann::json* decoded);
  const JqResult& result() const { return result_; }

 private:
  template <class Run, class RunParsing>
  auto run_with(const Message& message, const nlohmann::json* decoded, Run run, RunParsing run_parsing);

  JqProgram program_;
  Rfc3339Clock clock_;       // the decoded records' time
  JsonLinesFormat record_;   // the other records
  std::string record_text_;  // reused
  JqResult result_;
};

// How a program's halt ends a tool's run: halt_error's message as one line
// (without the line end jq would print after it).
SinkEnd sink_end_of(const JqHalt& halt);

}  // namespace mqtk
