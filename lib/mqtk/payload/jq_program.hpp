// A jq program (`--jq EXPR`), compiled once by libjq 1.6 (the real jq
// language) and run on every message's record:
//   {"time":..., "topic":..., "qos":..., "retain":..., "payload":..., "properties":{...}}
// Each run gives the program's outputs, as JSON values or as the text the
// jq 1.6 binary prints for them, and never throws for what a program does on
// one message: a jq error ends that message's run and is returned as its
// failure, beside the outputs produced before it.
//
// What jq's builtins do here, where there is no jq command line around them:
// - `input` fails with jq's "break" and `inputs` is empty: each message is a
//   run of its own and there is no next input to read (nothing reads stdin);
// - `debug` goes to JqOptions::debug, as jq prints it (["DEBUG:",<value>]);
// - `halt` and `halt_error` end the message's outputs and say so in the
//   result (`halt`): the tool that runs the program decides what ends with
//   it (jq's manual: "stops the jq program"; the tools end their run);
// - `stderr` writes its input to standard error, as jq does: libjq 1.6 has no
//   hook for it;
// - `env` and `$ENV` read the environment, `input_filename` is null, and
//   `$__loc__` is {"file":"<top-level>","line":N}, as in jq;
// - `import` and `include` look in ~/.jq/ (jq's first library directory)
//   and where the import's `search` says, relative to the working directory
//   (also $ORIGIN's meaning here); a ~/.jq file is read when the program is
//   compiled, as jq 1.6 does.
//
// Runaway programs: jq has no step limit and libjq 1.6 no way to interrupt a
// run. A run stops with a failure after JqOptions::max_outputs outputs
// (`repeat(1)`, `range(1e18)`); a program that loops without output
// (`def f: f; f`, `last(range(1e18))`) runs forever, as the jq binary does,
// and one that builds an ever larger value ends when memory does (libjq 1.6
// aborts the process).
//
// Threads: one JqProgram per thread. A program and the values it makes
// share reference counts that are not atomic, so a JqProgram is used by one
// thread at a time. Separate programs may run in separate threads, with
// what libjq 1.6 keeps per process: its out-of-memory handler is per thread
// (set by each run); the table strtod uses for hexadecimal floats is filled
// on first use without a lock (every filler writes the same bytes); `env`,
// the time builtins (`localtime`, `mktime`, `strftime`) and compiling (which
// reads $HOME) read the process's environment and time zone, which nothing
// may change meanwhile.
#pragma once

#include <cstddef>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mqtk/base/warning_callback.hpp"

struct jq_state;

namespace mqtk {

struct JqPinnedState;  // in jq_program.cpp

struct JqOptions {
  // Outputs one run may produce before it is stopped as runaway (the
  // failure says so; the outputs before it are kept). Large enough for
  // `.payload[]` over any array an MQTT payload holds in practice.
  std::size_t max_outputs = 1'000'000;
  // Receives each `debug` message as jq prints it, without the newline;
  // none: they are dropped.
  WarningCallback debug;
};

// How outputs are written as text: what the jq 1.6 binary prints for each
// output, without the line end it adds.
enum class JqTextForm {
  kCompact,     // jq -c
  kRawStrings,  // jq -c -r (and -j, which drops the line ends): strings as their bytes
};

// How a program halted: `halt` (exit status 0, no message) or
// `halt_error` (its exit status, 5 unless given, and its input as jq 1.6
// prints it on standard error: a string as its bytes without a line end
// added, any other value as jq -c prints it, with one).
struct JqHalt {
  int exit_status = 0;
  std::string message;
};

// One run's outputs, in the order the program produced them. `failure` is
// empty when the run ended normally or halted, else why it stopped: "jq:
// error: <message>" for an error the program raised (as jq prints it,
// without the input position; the message is the program's, newlines and
// all), or a limit of this library (input too deep, too many outputs, an
// output too deep).
template <class Output>
struct JqRunResult {
  std::vector<Output> outputs;
  std::string failure;
  std::optional<JqHalt> halt;  // the program called halt or halt_error
};

// Outputs as JSON values (keys in jq's order; see json_of_jv in jq_value.hpp
// for numbers).
using JqResult = JqRunResult<nlohmann::ordered_json>;
// Outputs as text (see JqTextForm).
using JqTextResult = JqRunResult<std::string>;

class JqProgram {
 public:
  // Throws UsageError "--jq: <jq's message, position included>" on one line
  // when libjq refuses the expression; prints nothing. Compile once: libjq
  // 1.6 compiles all its builtins with every program (some 50 ms).
  static JqProgram compile(std::string_view expression, JqOptions options = {});

  JqProgram(JqProgram&& other) noexcept;
  JqProgram& operator=(JqProgram&& other) noexcept;
  JqProgram(const JqProgram&) = delete;
  JqProgram& operator=(const JqProgram&) = delete;
  ~JqProgram();

  JqResult run(const nlohmann::json& input);
  JqResult run(const nlohmann::ordered_json& input);
  JqTextResult run_text(const nlohmann::json& input, JqTextForm form);
  JqTextResult run_text(const nlohmann::ordered_json& input, JqTextForm form);
  // The same for an input that is JSON text already (an mqtk-sub --json
  // record), read by jq's own parser as the jq binary reads its input: no
  // value is built first, and every number reads as jq reads it (-0 stays
  // -0). A text jq cannot parse is the run's failure.
  JqTextResult run_text_parsing(std::string_view json_text, JqTextForm form);
  // The same with the outputs as JSON values.
  JqResult run_parsing(std::string_view json_text);

 private:
  JqProgram(jq_state* jq, std::unique_ptr<JqPinnedState> pinned, std::size_t max_outputs);
  // Runs the program on the jq value make_input() returns, adding each
  // output to the result.
  template <class Result, class MakeInput, class AddOutput>
  Result run_with(MakeInput make_input, AddOutput add_output);

  jq_state* jq_;
  std::unique_ptr<JqPinnedState> pinned_;
  std::size_t max_outputs_;
};

}  // namespace mqtk
