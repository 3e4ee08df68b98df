// --jq: compiling any expression, and running programs on any payload.
// Input: EXPRESSION NUL PAYLOAD. The payload (JSON when it parses, else a
// string, as the tools make it) goes into a message record.
//
// What runs (libjq has no step limit, and a run that never ends would be
// reported as a timeout, one that builds a huge value as a crash):
// - the expression is always compiled: jq's parser and our capture of its
//   errors;
// - fixed programs always run on the record, both output forms: every path
//   of our conversions, failures, halts and limits, with any data;
// - the expression itself runs only when it is tame: at most 64 bytes; every
//   name in it from a list of builtins whose work is bounded by the input's
//   size (or a field, a variable, an object's key); no number literal over two digits (nor one with an exponent), no
//   `*` (string repetition), no `=` outside comparisons (assignment to a
//   large index), no `@` formats and no `def` (recursion). The rest of the
//   language (paths, construction, arithmetic, comparison, conditionals,
//   reduce and foreach over such generators, try, labels) ends quickly on a
//   record of at most max_len bytes. Outputs are capped at 1000.
#include <cctype>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_input.hpp"
#include "mqtk/base/error.hpp"
#include "mqtk/payload/jq_program.hpp"

namespace {

constexpr std::size_t kMaxTameLength = 64;

// Builtins and keywords whose work is bounded by the size of their input.
constexpr std::string_view kBoundedNames[] = {
    "add",
    "all",
    "and",
    "any",
    "arrays",
    "as",
    "ascii_downcase",
    "ascii_upcase",
    "booleans",
    "break",
    "catch",
    "contains",
    "debug",
    "del",
    "elif",
    "else",
    "empty",
    "end",
    "endswith",
    "error",
    "false",
    "first",
    "flatten",
    "floor",
    "foreach",
    "from_entries",
    "getpath",
    "group_by",
    "halt",
    "halt_error",
    "has",
    "if",
    "in",
    "index",
    "indices",
    "input",
    "input_filename",
    "inputs",
    "inside",
    "isempty",
    "iterables",
    "join",
    "keys",
    "keys_unsorted",
    "label",
    "last",
    "leaf_paths",
    "length",
    "limit",
    "ltrimstr",
    "map",
    "map_values",
    "max",
    "max_by",
    "min",
    "min_by",
    "not",
    "null",
    "nulls",
    "numbers",
    "objects",
    "or",
    "paths",
    "reduce",
    "reverse",
    "rtrimstr",
    "scalars",
    "select",
    "sort",
    "sort_by",
    "startswith",
    "strings",
    "then",
    "to_entries",
    "tojson",
    "tostream",
    "tostring",
    "transpose",
    "true",
    "try",
    "type",
    "unique",
    "unique_by",
    "utf8bytelength",
    "values",
    "with_entries",
};

bool bounded_name(std::string_view name) {
  for (std::string_view known : kBoundedNames) {
    if (name == known) return true;
  }
  return false;
}

// A name after `.` or `$`: a field (.payload) or a variable ($__loc__, $x).
bool field_or_variable(std::string_view expression, std::size_t word_start) {
  return word_start > 0 && (expression[word_start - 1] == '.' || expression[word_start - 1] == '$');
}

// A name after `{` or `,` and before `:`: a key in an object's
// construction ({temp: ...}), not a slice's bound (.[length:]).
bool object_key(std::string_view expression, std::size_t word_start, std::size_t word_end) {
  std::size_t before = expression.substr(0, word_start).find_last_not_of(' ');
  std::size_t after = expression.find_first_not_of(' ', word_end);
  return before != std::string_view::npos && (expression[before] == '{' || expression[before] == ',') &&
         after != std::string_view::npos && expression[after] == ':';
}

bool word_character(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; }

// See the comment at the top: whether `expression` surely ends quickly.
bool tame(std::string_view expression) {
  if (expression.size() > kMaxTameLength) return false;
  for (std::size_t i = 0; i < expression.size();) {
    char c = expression[i];
    if (c == '*' || c == '@') return false;
    if (c == '=') {
      char before = i > 0 ? expression[i - 1] : ' ';
      bool comparison = before == '=' || before == '!' || before == '<' || before == '>' ||
                        (i + 1 < expression.size() && expression[i + 1] == '=');
      if (!comparison) return false;
    }
    if (!word_character(c)) {
      ++i;
      continue;
    }
    std::size_t end = i;
    while (end < expression.size() && word_character(expression[end])) ++end;
    std::string_view word = expression.substr(i, end - i);
    if (std::isdigit(static_cast<unsigned char>(word[0])) != 0) {
      if (word.size() > 2) return false;  // also 1e9, 0x10
      if (end < expression.size() && expression[end] == '.') return false;
    } else if (!field_or_variable(expression, i) && !object_key(expression, i, end) && !bounded_name(word)) {
      return false;
    }
    i = end;
  }
  return true;
}

nlohmann::ordered_json record_of(std::string_view payload) {
  nlohmann::ordered_json parsed = nlohmann::ordered_json::parse(payload, nullptr, false);
  if (parsed.is_discarded()) parsed = std::string(payload);
  return nlohmann::ordered_json{{"time", "2026-11-25T02:09:28.600299123Z"},
                                {"topic", "fuzz/topic"},
                                {"qos", 1},
                                {"retain", false},
                                {"payload", std::move(parsed)},
                                {"properties", {{"user-properties", {{"k", "v"}}}}}};
}

void run_both_forms(mqtk::JqProgram& program, const nlohmann::ordered_json& record) {
  program.run(record);
  program.run_text(record, mqtk::JqTextForm::kCompact);
  program.run_text(record, mqtk::JqTextForm::kRawStrings);
}

constexpr const char* kFixedPrograms[] = {
    ".",
    ".payload",
    ".payload | .. ",
    ".payload | keys",
    ".payload | tostring",
    "[paths] | length",
    ".payload[]?, (.payload | halt_error)",
    "reduce range(300) as $i (.payload; [.])",
    "repeat(.qos)",
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto [expression, payload] = fuzz::split_at_nul(fuzz::text(data, size));
  nlohmann::ordered_json record = record_of(payload);
  mqtk::JqOptions options;
  options.max_outputs = 1000;
  // Compiled once for the whole run: libjq 1.6 compiles its builtins with
  // every program, which would take most of each input's time.
  static std::vector<mqtk::JqProgram> fixed = [&] {
    std::vector<mqtk::JqProgram> programs;
    for (const char* program : kFixedPrograms) programs.push_back(mqtk::JqProgram::compile(program, options));
    return programs;
  }();
  for (mqtk::JqProgram& program : fixed) run_both_forms(program, record);
  try {
    mqtk::JqProgram program = mqtk::JqProgram::compile(expression, options);
    if (tame(expression)) {
      run_both_forms(program, record);
      run_both_forms(program, record);
    }
  } catch (const mqtk::UsageError&) {
    // an expression jq refuses
  }
  return 0;
}
