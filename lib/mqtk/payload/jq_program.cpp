#include "mqtk/payload/jq_program.hpp"

#include <climits>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <utility>

extern "C" {  // libjq's headers declare C functions without saying so
#include <jq.h>
}

#include "mqtk/base/error.hpp"
#include "mqtk/payload/jq_library.hpp"
#include "mqtk/payload/jq_value.hpp"

namespace mqtk {
namespace {

// The flags of `jq -c` writing to a file or a pipe (no colour, no indent).
constexpr int kCompactDumpFlags = 0;

// `text` (a jv string) as bytes. Consumes `text`.
std::string bytes_of(jv text) {
  std::string bytes(libjq().jv_string_value(text),
                    static_cast<std::size_t>(libjq().jv_string_length_bytes(libjq().jv_copy(text))));
  libjq().jv_free(text);
  return bytes;
}

// `value` as `jq -c` prints it. Consumes `value`.
std::string compact_text(jv value) { return bytes_of(libjq().jv_dump_string(value, kCompactDumpFlags)); }

// A message jq gave as a value: a string as it is, anything else as jq -c
// prints it. Consumes `message`.
std::string text_of_message(jv message) {
  if (libjq().jv_get_kind(message) == JV_KIND_STRING) return bytes_of(message);
  return compact_text(message);
}

// jq reports a compile error as "jq: error: <problem> at <top-level>, line
// N:\n<the line>", then "jq: N compile errors". One line: each problem with
// its position, without the quoted line and the count.
std::string one_line_of_compile_errors(const std::vector<std::string>& reported) {
  constexpr std::string_view kPrefix = "jq: error: ";
  std::string line;
  for (const std::string& message : reported) {
    std::string_view problem = message;
    if (problem.substr(0, kPrefix.size()) == kPrefix) {
      problem.remove_prefix(kPrefix.size());
    } else if (problem.find(" compile error") != std::string_view::npos) {
      continue;
    }
    problem = problem.substr(0, problem.find('\n'));
    if (problem.empty()) continue;
    if (!line.empty()) line += "; ";
    line += problem;
  }
  return line.empty() ? "the expression does not compile" : line;
}

std::string run_failure(jv message) {
  if (libjq().jv_get_kind(message) == JV_KIND_STRING) return "jq: error: " + bytes_of(message);
  return "jq: error (not a string): " + compact_text(message);
}

// How the program halted, as the jq binary exits and what it prints: halt
// leaves no exit code (status 0); halt_error's is a number (a value of
// another kind is jq's error, status 5) and its message the value to print.
JqHalt halt_of(jq_state* jq) {
  JqHalt halt;
  jv exit_code = libjq().jq_get_exit_code(jq);
  jv message = libjq().jq_get_error_message(jq);
  if (libjq().jv_is_valid(exit_code)) {
    // A process's exit status is its low 8 bits (halt_error(256) exits 0, as jq does).
    double code = libjq().jv_get_kind(exit_code) == JV_KIND_NUMBER ? libjq().jv_number_value(exit_code) : 5;
    halt.exit_status = std::isfinite(code) && std::fabs(code) < 1e9 ? static_cast<int>(code) & 0xFF : 5;
    if (libjq().jv_get_kind(message) == JV_KIND_STRING) {
      halt.message = bytes_of(libjq().jv_copy(message));
    } else if (libjq().jv_is_valid(message) && libjq().jv_get_kind(message) != JV_KIND_NULL) {
      halt.message = compact_text(libjq().jv_copy(message)) + "\n";
    }
  }
  libjq().jv_free(exit_code);
  libjq().jv_free(message);
  return halt;
}

// libjq 1.6's jq_start frees a halt's exit code and message without
// forgetting them, so every later start would free them again (fixed in jq
// 1.8). This frees them once, then halts with nothing, so the stale
// references are overwritten by values that need no freeing.
void forget_halt(jq_state* jq) {
  libjq().jq_start(jq, libjq().jv_null(), 0);
  libjq().jq_halt(jq, libjq().jv_invalid(), libjq().jv_invalid());
}

}  // namespace

// What libjq's callbacks and the text stream point into, at an address a
// JqProgram's moves don't change.
struct JqPinnedState {
  JqPinnedState() = default;
  JqPinnedState(const JqPinnedState&) = delete;
  JqPinnedState& operator=(const JqPinnedState&) = delete;
  ~JqPinnedState() {
    if (text_stream != nullptr) std::fclose(text_stream);
    std::free(text);
  }

  // `value` as `jq -c` prints it. Consumes `value`. jq's dumper writes to a
  // stream at half the cost of jv_dump_string (which appends each token to
  // a jv string, checking its UTF-8 again): one memory stream, rewound for
  // each output, its buffer kept at the largest output's size.
  std::string compact_text(jv value) {
    std::rewind(text_stream);
    libjq().jv_dumpf(value, text_stream, kCompactDumpFlags);
    std::fflush(text_stream);
    return std::string(text, static_cast<std::size_t>(std::ftell(text_stream)));
  }

  std::vector<std::string> reported;  // what libjq reported while compiling
  WarningCallback debug;
  char* text = nullptr;
  std::size_t text_size = 0;
  FILE* text_stream = nullptr;
};

namespace {

void collect_report(void* data, jv message) {
  static_cast<std::vector<std::string>*>(data)->push_back(text_of_message(message));
}

void forward_debug(void* data, jv value) {
  // As jq -c prints it on standard error.
  jv line = libjq().jv_array_append(libjq().jv_array_append(libjq().jv_array(), libjq().jv_string("DEBUG:")), value);
  (*static_cast<WarningCallback*>(data))(compact_text(line));
}

}  // namespace

JqProgram JqProgram::compile(std::string_view expression, JqOptions options) {
  // jq reads the expression as a C string and would stop at the NUL.
  if (expression.find('\0') != std::string_view::npos) throw UsageError("--jq: the expression contains a NUL byte");
  jq_state* jq = libjq().jq_init();
  if (jq == nullptr) throw Error("--jq: out of memory");
  auto pinned = std::make_unique<JqPinnedState>();
  pinned->debug = std::move(options.debug);
  JqProgram program(jq, std::move(pinned), options.max_outputs);

  // jq_init (1.6) leaves the input, debug and out-of-memory callbacks
  // uninitialised: each is set here, to nothing where jq has a default.
  JqPinnedState& reached = *program.pinned_;
  reached.text_stream = open_memstream(&reached.text, &reached.text_size);
  if (reached.text_stream == nullptr) throw Error("--jq: out of memory");
  libjq().jq_set_error_cb(jq, collect_report, &reached.reported);
  libjq().jq_set_input_cb(jq, nullptr, nullptr);
  libjq().jq_set_debug_cb(jq, reached.debug ? forward_debug : nullptr, &reached.debug);
  libjq().jq_set_nomem_handler(jq, nullptr, nullptr);
  // Where `import` and `include` look. libjq 1.6 asserts (aborts) when these
  // are missing and a program imports; the jq binary sets them. Here: jq's
  // ~/.jq, and the working directory for both of jq's origins (there is no
  // jq binary whose directory $ORIGIN would be).
  libjq().jq_set_attr(jq, libjq().jv_string("JQ_LIBRARY_PATH"),
                      libjq().jv_array_append(libjq().jv_array(), libjq().jv_string("~/.jq")));
  libjq().jq_set_attr(jq, libjq().jv_string("JQ_ORIGIN"), libjq().jv_string("."));
  libjq().jq_set_attr(jq, libjq().jv_string("PROGRAM_ORIGIN"), libjq().jv_string("."));

  if (!libjq().jq_compile(jq, std::string(expression).c_str())) {
    throw UsageError("--jq: " + one_line_of_compile_errors(reached.reported));
  }
  reached.reported.clear();
  return program;
}

JqProgram::JqProgram(jq_state* jq, std::unique_ptr<JqPinnedState> pinned, std::size_t max_outputs)
    : jq_(jq), pinned_(std::move(pinned)), max_outputs_(max_outputs) {}

JqProgram::JqProgram(JqProgram&& other) noexcept
    : jq_(std::exchange(other.jq_, nullptr)), pinned_(std::move(other.pinned_)), max_outputs_(other.max_outputs_) {}

JqProgram& JqProgram::operator=(JqProgram&& other) noexcept {
  if (this != &other) {
    if (jq_ != nullptr) libjq().jq_teardown(&jq_);
    jq_ = std::exchange(other.jq_, nullptr);
    pinned_ = std::move(other.pinned_);
    max_outputs_ = other.max_outputs_;
  }
  return *this;
}

JqProgram::~JqProgram() {
  if (jq_ != nullptr) libjq().jq_teardown(&jq_);
}

template <class Result, class MakeInput, class AddOutput>
Result JqProgram::run_with(MakeInput make_input, AddOutput add_output) {
  Result result;
  jv value = make_input();
  if (!libjq().jv_is_valid(value)) {
    result.failure = run_failure(libjq().jv_invalid_get_msg(value));
    return result;
  }
  libjq().jq_start(jq_, value, 0);
  jv output;
  while (libjq().jv_is_valid(output = libjq().jq_next(jq_))) {
    if (result.outputs.size() == max_outputs_) {
      libjq().jv_free(output);
      // The run stays unfinished; the next start (or the teardown) ends it.
      result.failure = "jq: stopped after " + std::to_string(max_outputs_) + " outputs (a runaway program?)";
      return result;
    }
    if (!add_output(result, output)) return result;
  }
  if (libjq().jq_halted(jq_)) {
    libjq().jv_free(output);
    result.halt = halt_of(jq_);
    forget_halt(jq_);
  } else if (libjq().jv_invalid_has_msg(libjq().jv_copy(output))) {
    result.failure = run_failure(libjq().jv_invalid_get_msg(output));
  } else {
    libjq().jv_free(output);
  }
  return result;
}

namespace {

bool add_json(JqResult& result, jv output) {
  auto json = json_of_jv(output);
  if (!json) {
    result.failure = "jq: an output nests deeper than " + std::to_string(kJqOutputDepthLimit) + " levels";
    return false;
  }
  result.outputs.push_back(std::move(*json));
  return true;
}

// Adds outputs as text in `form`, dumped through `pinned`.
auto text_adder(JqPinnedState& pinned, JqTextForm form) {
  return [&pinned, form](JqTextResult& result, jv output) {
    bool raw = form == JqTextForm::kRawStrings && libjq().jv_get_kind(output) == JV_KIND_STRING;
    result.outputs.push_back(raw ? bytes_of(output) : pinned.compact_text(output));
    return true;
  };
}

}  // namespace

JqResult JqProgram::run(const nlohmann::json& input) {
  return run_with<JqResult>([&input] { return jv_of_json(input); }, add_json);
}

JqResult JqProgram::run(const nlohmann::ordered_json& input) {
  return run_with<JqResult>([&input] { return jv_of_json(input); }, add_json);
}

JqTextResult JqProgram::run_text(const nlohmann::json& input, JqTextForm form) {
  return run_with<JqTextResult>([&input] { return jv_of_json(input); }, text_adder(*pinned_, form));
}

JqTextResult JqProgram::run_text(const nlohmann::ordered_json& input, JqTextForm form) {
  return run_with<JqTextResult>([&input] { return jv_of_json(input); }, text_adder(*pinned_, form));
}

namespace {

// `json_text` read by jq's parser. jv_parse_sized takes an int length; a
// record that long is not MQTT's.
jv parsed(std::string_view json_text) {
  return json_text.size() > static_cast<std::size_t>(INT_MAX)
             ? libjq().jv_invalid_with_msg(libjq().jv_string("input too large for jq"))
             : libjq().jv_parse_sized(json_text.data(), static_cast<int>(json_text.size()));
}

}  // namespace

JqTextResult JqProgram::run_text_parsing(std::string_view json_text, JqTextForm form) {
  return run_with<JqTextResult>([json_text] { return parsed(json_text); }, text_adder(*pinned_, form));
}

JqResult JqProgram::run_parsing(std::string_view json_text) {
  return run_with<JqResult>([json_text] { return parsed(json_text); }, add_json);
}

}  // namespace mqtk
