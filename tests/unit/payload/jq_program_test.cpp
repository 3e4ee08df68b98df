#include "mqtk/payload/jq_program.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "mqtk/base/error.hpp"
#include "temp_dir.hpp"

namespace {

using mqtk::JqProgram;
using mqtk::JqTextForm;
using nlohmann::ordered_json;

constexpr const char* kJqBinary = "/usr/bin/jq";

// A message record as the tools build it.
ordered_json record(ordered_json payload, std::string topic = "sensors/kitchen/temp") {
  return ordered_json{{"time", "2026-11-25T02:09:28.600299123Z"},
                      {"topic", std::move(topic)},
                      {"qos", 1},
                      {"retain", false},
                      {"payload", std::move(payload)},
                      {"properties", ordered_json::object()}};
}

std::string compile_error(std::string_view expression) {
  try {
    JqProgram::compile(expression);
  } catch (const mqtk::UsageError& error) {
    return error.what();
  }
  return "(compiled)";
}

// What the program writes on file descriptor 2 while `action` runs.
template <class Action>
std::string standard_error_during(Action action) {
  test_support::TempDir dir;
  std::string path = dir.directory + "/stderr";
  std::fflush(stderr);
  int saved = dup(2);
  int file = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  REQUIRE(saved >= 0);
  REQUIRE(file >= 0);
  dup2(file, 2);
  close(file);
  action();
  std::fflush(stderr);
  dup2(saved, 2);
  close(saved);
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

bool have_jq_binary() { return access(kJqBinary, X_OK) == 0; }

// What the jq binary prints on standard output for `program` over the JSON
// text `input`: each output and a newline (outputs before an error too).
std::string jq_binary_output(std::string_view program, std::string_view input, JqTextForm form) {
  test_support::TempDir dir;
  std::string program_path = dir.directory + "/program.jq";
  std::string input_path = dir.directory + "/input.json";
  std::ofstream(program_path, std::ios::binary) << program;
  std::ofstream(input_path, std::ios::binary) << input;
  std::string command = std::string(kJqBinary) + (form == JqTextForm::kRawStrings ? " -c -r" : " -c") + " -f " +
                        program_path + " " + input_path + " 2>/dev/null";
  FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string output;
  char buffer[4096];
  std::size_t got;
  while ((got = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) output.append(buffer, got);
  pclose(pipe);
  return output;
}

// Our outputs as the binary prints them: each followed by a newline.
std::string as_printed(const mqtk::JqTextResult& result) {
  std::string text;
  for (const std::string& output : result.outputs) text += output + "\n";
  return text;
}

// Programs that read the inputs after their own (input, inputs): the binary
// must see each input alone for them. The others go to one jq process for all
// the inputs, which handles each input on its own: a process per input made
// these tests the slowest of the suite.
bool reads_later_inputs(std::string_view program) { return program.find("input") != std::string_view::npos; }

template <class Json>
void check_against_jq_binary(std::string_view program, const std::vector<std::string>& input_texts,
                             const std::vector<Json>& inputs) {
  JqProgram compiled = JqProgram::compile(program);
  for (JqTextForm form : {JqTextForm::kCompact, JqTextForm::kRawStrings}) {
    CAPTURE(program);
    CAPTURE(static_cast<int>(form));
    if (reads_later_inputs(program)) {
      for (std::size_t i = 0; i < inputs.size(); ++i) {
        CAPTURE(input_texts[i]);
        CHECK(as_printed(compiled.run_text(inputs[i], form)) == jq_binary_output(program, input_texts[i], form));
      }
      continue;
    }
    std::string ours;
    std::string all_inputs;
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      ours += as_printed(compiled.run_text(inputs[i], form));
      all_inputs += input_texts[i] + "\n";
    }
    CHECK(ours == jq_binary_output(program, all_inputs, form));
  }
}

const char* const kInputs[] = {
    R"({"time":"2026-11-25T02:09:28.600299123Z","topic":"sensors/kitchen/temp","qos":1,"retain":false,)"
    R"("payload":{"temp":31.5,"unit":"°C","tags":["a","b"],"ok":true,"none":null},"properties":{}})",
    R"({"topic":"numbers","payload":[1.0,0.1,1e-7,100000000000000000000,-0.0,123456789012345678,)"
    R"(12345678901234567890,3.14159,1e308,5e-324,0.30000000000000004,2.5e-5,1e17,1e16,-42,18446744073709551615]})",
    R"({"topic":"text","payload":"ünïcödé ✓ 😀 \u0000 \" \\ \/ \b\f\n\r\t \u001f \u007f \u2028 \ud83d\ude00 <>&'"})",
    R"({"topic":"a/b/c","payload":{"b":{"z":1,"a":2},"a":[{"y":null,"x":true},[],{}],"":"empty key"}})",
    R"({"topic":"x/y","payload":"plain text, not JSON"})",
    R"({"topic":"x/y","payload":42})",
};

const char* const kPrograms[] = {
    ".",
    ".payload",
    ".payload[]?",
    "select(.payload.temp > 30)",
    "{temp: .payload.temp, site: (.topic | split(\"/\")[1])}",
    ".payload | tostring",
    "[.. | numbers]",
    ".. | strings",
    "keys, to_entries",
    ".payload | keys",
    ".topic, (.payload | keys), .qos",
    "1e1000, -1e1000, infinite, -infinite, nan, -0, 0.1 + 0.2, 1 / 3, 100000000000000000000, 1e17, 3e-5",
    "\"\\(.topic) is \\(.payload)\"",
    ".payload | @base64, @json, @html, @uri, @sh?",
    ".topic | explode | implode",
    "[limit(3; repeat(1))]",
    "$__loc__",
    ".payload | tojson | fromjson",
    "\"a\\nb\", 1, \"c\\u0000d\", [\"e\\nf\"], null",
    "error(\"custom\")",
    "(1, 2) as $x | if $x == 2 then error({code: $x}) else $x end",
    "[paths]",
    "tostream",
    "input",
    "[inputs]",
    "empty",
    "error(null)",
};

}  // namespace

TEST_SUITE("jq_program") {
  TEST_CASE("compile errors are one line with jq's position, and print nothing") {
    std::string stderr_text = standard_error_during([] {
      CHECK(compile_error(".payload | @@") ==
            "--jq: syntax error, unexpected INVALID_CHARACTER (Unix shell quoting issues?) at <top-level>, line 1:");
      CHECK(compile_error(".a |") ==
            "--jq: syntax error, unexpected $end (Unix shell quoting issues?) at <top-level>, line 1:");
      CHECK(compile_error("foo(1) | bar") ==
            "--jq: foo/1 is not defined at <top-level>, line 1:; bar/0 is not defined at <top-level>, line 1:");
      CHECK(compile_error(".a\n| $x") == "--jq: $x is not defined at <top-level>, line 2:");
      CHECK(compile_error("import \"no such module\" as m; .") == "--jq: module not found: no such module");
      CHECK(compile_error("import \"m\" as m {search: \"$ORIGIN/x\"}; .") == "--jq: module not found: m");
      CHECK(compile_error("include \"m\" {search: \"./x\"}; .") == "--jq: module not found: m");
      CHECK(compile_error(std::string_view(".a\0.b", 5)) == "--jq: the expression contains a NUL byte");
    });
    CHECK(stderr_text == "");
  }

  TEST_CASE("select: no output is a filtered message") {
    JqProgram program = JqProgram::compile("select(.payload.temp > 30)");
    auto hot = program.run(record({{"temp", 31.5}}));
    CHECK(hot.failure == "");
    REQUIRE(hot.outputs.size() == 1);
    CHECK(hot.outputs[0]["payload"]["temp"] == 31.5);
    auto cold = program.run(record({{"temp", 12}}));
    CHECK(cold.outputs.empty());
    CHECK(cold.failure == "");
    // A string compares greater than any number in jq: no error.
    CHECK(program.run(record({{"temp", "hot"}})).outputs.size() == 1);
    // Indexing a string is one: the message fails, nothing is thrown.
    auto text = program.run(record("plain text"));
    CHECK(text.outputs.empty());
    CHECK(text.failure == R"(jq: error: Cannot index string with string "temp")");
  }

  TEST_CASE("several outputs, in order") {
    JqProgram program = JqProgram::compile(".payload.a, .payload.b, .payload.list[]");
    auto result = program.run(record({{"a", 1}, {"b", "two"}, {"list", {true, nullptr, 3.5}}}));
    CHECK(result.failure == "");
    CHECK(ordered_json(result.outputs) == ordered_json::parse(R"([1,"two",true,null,3.5])"));
  }

  TEST_CASE("reshaping keeps the program's key order") {
    JqProgram program = JqProgram::compile("{temp: .payload.t, site: (.topic | split(\"/\")[1])}");
    auto result = program.run(record({{"t", 21.5}}));
    REQUIRE(result.outputs.size() == 1);
    CHECK(result.outputs[0].dump() == R"({"temp":21.5,"site":"kitchen"})");
    auto text = program.run_text(record({{"t", 21.5}}), JqTextForm::kCompact);
    CHECK(text.outputs == std::vector<std::string>{R"({"temp":21.5,"site":"kitchen"})"});
  }

  TEST_CASE("unordered input: keys in nlohmann::json's order, as its text would give them") {
    JqProgram program = JqProgram::compile(".payload");
    nlohmann::json input = {{"payload", {{"z", 1}, {"a", 2}}}};
    CHECK(program.run_text(input, JqTextForm::kCompact).outputs == std::vector<std::string>{R"({"a":2,"z":1})"});
    CHECK(program.run(input).outputs.at(0).dump() == R"({"a":2,"z":1})");
  }

  TEST_CASE("raw text: strings as their bytes, other values compact") {
    JqProgram program = JqProgram::compile(".topic, .payload, .qos, \"a\\nb\"");
    auto result = program.run_text(record({{"x", "y"}}), JqTextForm::kRawStrings);
    CHECK(result.outputs == std::vector<std::string>{"sensors/kitchen/temp", R"({"x":"y"})", "1", "a\nb"});
    auto compact = program.run_text(record({{"x", "y"}}), JqTextForm::kCompact);
    CHECK(compact.outputs == std::vector<std::string>{R"("sensors/kitchen/temp")", R"({"x":"y"})", "1", R"("a\nb")"});
  }

  TEST_CASE("a runtime error ends the message's run; outputs before it stay") {
    JqProgram program = JqProgram::compile(".topic, (.payload | keys), .qos");
    auto result = program.run(record(42));
    CHECK(result.outputs == std::vector<ordered_json>{"sensors/kitchen/temp"});
    CHECK(result.failure == "jq: error: number (42) has no keys");
    CHECK_FALSE(result.halt);
    // The next message runs from the start.
    auto next = program.run(record({{"b", 1}}));
    CHECK(next.failure == "");
    CHECK(next.outputs.size() == 3);

    auto not_a_string = JqProgram::compile("error({code: 7})").run(record(1));
    CHECK(not_a_string.failure == R"(jq: error (not a string): {"code":7})");
    // jq 1.6 takes error(null) for the end of the outputs.
    CHECK(JqProgram::compile("1, error(null), 2").run(record(1)).failure == "");
  }

  TEST_CASE("halt and halt_error end the outputs and say how; later runs are unharmed") {
    JqProgram halt = JqProgram::compile("1, halt, 2");
    for (int run = 0; run < 3; ++run) {
      auto result = halt.run(record(1));
      CHECK(result.outputs == std::vector<ordered_json>{1});
      REQUIRE(result.halt);
      CHECK(result.halt->exit_status == 0);
      CHECK(result.halt->message == "");
      CHECK(result.failure == "");
    }
    // Each halt_error's message is a string jq would free again on every
    // later start (libjq 1.6); runs after it must not touch it.
    JqProgram halt_error = JqProgram::compile("if .payload == \"stop\" then \"bye\\n\" | halt_error else .qos end");
    for (int run = 0; run < 3; ++run) {
      auto stopped = halt_error.run(record("stop"));
      REQUIRE(stopped.halt);
      CHECK(stopped.halt->exit_status == 5);
      CHECK(stopped.halt->message == "bye\n");  // a string as its bytes, as jq prints it
      CHECK(stopped.failure == "");
      auto passed = halt_error.run(record("go"));
      CHECK_FALSE(passed.halt);
      CHECK(passed.outputs == std::vector<ordered_json>{1});
    }
    // Another value: as jq -c prints it, with a line end; the status given.
    auto object = JqProgram::compile("{a: 1} | halt_error(3)").run_text(record(1), JqTextForm::kCompact);
    REQUIRE(object.halt);
    CHECK(object.halt->exit_status == 3);
    CHECK(object.halt->message == "{\"a\":1}\n");
    CHECK(JqProgram::compile("null | halt_error(1)").run(record(1)).halt->message == "");
    CHECK(JqProgram::compile("\"x\" | halt_error(256)").run(record(1)).halt->exit_status == 0);
    auto not_a_number = JqProgram::compile("\"x\" | halt_error(\"no\")").run(record(1));
    CHECK_FALSE(not_a_number.halt);  // jq's error, not a halt
    CHECK(not_a_number.failure == "jq: error: string (\"x\") halt_error/1: number required");
  }

  TEST_CASE("run_parsing: a record's text read by jq's parser, outputs as values") {
    JqProgram program = JqProgram::compile(".payload.t, .topic");
    auto result = program.run_parsing(R"({"topic":"a/b","payload":{"t":-0}})");
    CHECK(result.outputs == std::vector<ordered_json>{-0.0, "a/b"});
    CHECK(program.run_parsing("{").failure.starts_with("jq: error: "));
  }

  TEST_CASE("input, inputs, $__loc__, input_filename: no next input, nothing read") {
    CHECK(JqProgram::compile("input").run(record(1)).failure == "jq: error: break");
    auto inputs = JqProgram::compile("[inputs]").run(record(1));
    CHECK(inputs.outputs == std::vector<ordered_json>{ordered_json::array()});
    CHECK(inputs.failure == "");
    CHECK(JqProgram::compile("$__loc__").run(record(1)).outputs.at(0).dump() == R"({"file":"<top-level>","line":1})");
    CHECK(JqProgram::compile("input_filename").run(record(1)).outputs == std::vector<ordered_json>{nullptr});
  }

  TEST_CASE("debug goes to the callback as jq prints it, or nowhere") {
    std::vector<std::string> debugged;
    mqtk::JqOptions options;
    options.debug = [&](const std::string& line) { debugged.push_back(line); };
    JqProgram program = JqProgram::compile(".payload | debug | .a", options);
    std::string stderr_text = standard_error_during([&] {
      CHECK(program.run(record({{"a", 1}})).outputs == std::vector<ordered_json>{1});
      CHECK(JqProgram::compile("debug | .qos").run(record(1)).outputs == std::vector<ordered_json>{1});
    });
    CHECK(stderr_text == "");
    CHECK(debugged == std::vector<std::string>{R"(["DEBUG:",{"a":1}])"});
  }

  TEST_CASE("runaway programs stop after the most outputs allowed") {
    mqtk::JqOptions options;
    options.max_outputs = 1000;
    for (const char* runaway : {"repeat(1)", "range(1e18)", ".payload, repeat(.)"}) {
      JqProgram program = JqProgram::compile(runaway, options);
      auto result = program.run(record(1));
      CHECK(result.outputs.size() == 1000);
      CHECK(result.failure == "jq: stopped after 1000 outputs (a runaway program?)");
      // Stopped mid-run, the program still runs the next message.
      CHECK(program.run_text(record(1), JqTextForm::kCompact).outputs.size() == 1000);
    }
    CHECK(JqProgram::compile("limit(5; repeat(1))", options).run(record(1)).outputs.size() == 5);
  }

  TEST_CASE("input nested deeper than jq reads is a failure, however deep") {
    JqProgram program = JqProgram::compile(".qos");
    ordered_json deep = 1;
    for (int level = 0; level < 10000; ++level) deep = ordered_json::array({std::move(deep)});
    auto result = program.run(record(std::move(deep)));
    CHECK(result.outputs.empty());
    CHECK(result.failure == "jq: error: input exceeds jq's depth limit for parsing");
  }

  TEST_CASE("depth limit: what the jq binary reads and what it refuses") {
    if (!have_jq_binary()) return;
    JqProgram program = JqProgram::compile(".payload | [paths] | length");
    for (int arrays : {250, 253, 254, 255, 260}) {
      for (bool objects : {false, true}) {
        ordered_json deep = "bottom";
        for (int level = 0; level < arrays / (objects ? 2 : 1); ++level) {
          deep = objects ? ordered_json{{"k", std::move(deep)}} : ordered_json::array({std::move(deep)});
        }
        ordered_json input = record(std::move(deep));
        CAPTURE(arrays);
        CAPTURE(objects);
        std::string text = input.dump();
        CHECK(as_printed(program.run_text(input, JqTextForm::kCompact)) ==
              jq_binary_output(".payload | [paths] | length", text, JqTextForm::kCompact));
      }
    }
  }

  TEST_CASE("outputs nested deeper than 256 levels: a failure as JSON, jq's text as text") {
    JqProgram program = JqProgram::compile("reduce range(.payload) as $i (0; [.])");
    CHECK(program.run(record(256)).failure == "");
    auto deep = program.run(record(300));
    CHECK(deep.outputs.empty());
    CHECK(deep.failure == "jq: an output nests deeper than 256 levels");
    if (!have_jq_binary()) return;
    std::string input = record(300).dump();
    CHECK(as_printed(program.run_text(record(300), JqTextForm::kCompact)) ==
          jq_binary_output("reduce range(.payload) as $i (0; [.])", input, JqTextForm::kCompact));
  }

  TEST_CASE("large strings, NUL bytes") {
    JqProgram program = JqProgram::compile(".payload | length, .");
    std::string large(8 << 20, 'x');
    large[12345] = '\0';
    auto result = program.run(record(large));
    REQUIRE(result.outputs.size() == 2);
    CHECK(result.outputs[0] == large.size());
    CHECK(result.outputs[1] == large);
    auto raw = program.run_text(record(std::string("a\0b", 3)), JqTextForm::kRawStrings);
    CHECK(raw.outputs == std::vector<std::string>{"3", std::string("a\0b", 3)});
    auto compact = program.run_text(record(std::string("a\0b", 3)), JqTextForm::kCompact);
    CHECK(compact.outputs == std::vector<std::string>{"3", R"("a\u0000b")"});
  }

  TEST_CASE("invalid UTF-8 in a string payload: U+FFFD, as the jq binary reads it") {
    std::string bad =
        "\xff\xfe"
        "ab\xc3 \xed\xa0\x80x \xf0\x9f\x98";
    ordered_json input = record(bad);
    std::string text = R"({"topic":"t","payload":")" + bad + "\"}";
    ordered_json same_order = {{"topic", "t"}, {"payload", bad}};
    for (const char* program : {".payload", ".payload | explode", ".payload | length", "."}) {
      if (have_jq_binary()) check_against_jq_binary(program, {text}, std::vector<ordered_json>{same_order});
    }
    auto json = JqProgram::compile(".payload").run(input);
    CHECK(json.outputs.at(0) ==
          "\xef\xbf\xbd\xef\xbf\xbd"
          "ab\xef\xbf\xbd \xef\xbf\xbdx \xef\xbf\xbd");
  }

  TEST_CASE("text output is what the jq binary prints") {
    if (!have_jq_binary()) {
      MESSAGE("no jq binary at /usr/bin/jq: skipped");
      return;
    }
    std::vector<std::string> ordered_texts;
    std::vector<ordered_json> ordered;
    std::vector<std::string> sorted_texts;
    std::vector<nlohmann::json> sorted;
    for (const char* input_text : kInputs) {
      ordered_texts.emplace_back(input_text);
      ordered.push_back(ordered_json::parse(input_text));
      sorted.push_back(nlohmann::json::parse(input_text));
      // The sorted value's own text is what jq would read for it.
      sorted_texts.push_back(sorted.back().dump());
    }
    for (const char* program : kPrograms) {
      check_against_jq_binary(program, ordered_texts, ordered);
      check_against_jq_binary(program, sorted_texts, sorted);
    }
  }

  TEST_CASE("input as JSON text: read as the jq binary reads it") {
    if (!have_jq_binary()) {
      MESSAGE("no jq binary at /usr/bin/jq: skipped");
      return;
    }
    for (const char* program : kPrograms) {
      JqProgram compiled = JqProgram::compile(program);
      for (JqTextForm form : {JqTextForm::kCompact, JqTextForm::kRawStrings}) {
        CAPTURE(program);
        if (reads_later_inputs(program)) {
          for (const char* input_text : kInputs) {
            CAPTURE(input_text);
            CHECK(as_printed(compiled.run_text_parsing(input_text, form)) ==
                  jq_binary_output(program, input_text, form));
          }
          continue;
        }
        std::string ours;
        std::string all_inputs;
        for (const char* input_text : kInputs) {
          ours += as_printed(compiled.run_text_parsing(input_text, form));
          all_inputs += std::string(input_text) + "\n";
        }
        CHECK(ours == jq_binary_output(program, all_inputs, form));
      }
    }
    // -0 stays -0 (a parsed nlohmann value has lost its sign).
    CHECK(as_printed(JqProgram::compile(".").run_text_parsing("[-0,1.10]", JqTextForm::kCompact)) == "[-0,1.1]\n");
    auto broken = JqProgram::compile(".").run_text_parsing("{\"a\":", JqTextForm::kCompact);
    CHECK(broken.outputs.empty());
    CHECK(broken.failure.starts_with("jq: error: "));
  }

  TEST_CASE("JSON outputs: numbers as jq prints them, integers as integers") {
    auto result =
        JqProgram::compile("1.0, 0.1, -0, 1e1000, -infinite, nan, 9007199254740994, 1e17, 2.5").run(record(1));
    REQUIRE(result.outputs.size() == 9);
    CHECK(result.outputs[0].is_number_integer());
    CHECK(result.outputs[0] == 1);
    CHECK(result.outputs[1] == 0.1);
    CHECK(result.outputs[2].dump() == "-0.0");
    CHECK(result.outputs[3] == 1.7976931348623157e308);
    CHECK(result.outputs[4] == -1.7976931348623157e308);
    CHECK(result.outputs[5].is_null());
    CHECK(result.outputs[6].is_number_float());  // past 2^53: a double, as jq holds it
    CHECK(result.outputs[7] == 1e17);
    CHECK(result.outputs[8] == 2.5);
  }

  TEST_CASE("a program moves with its state") {
    JqProgram first = JqProgram::compile(".payload + 1");
    JqProgram second = std::move(first);
    CHECK(second.run(record(1)).outputs == std::vector<ordered_json>{2});
    JqProgram third = JqProgram::compile("error(\"x\")");
    third = std::move(second);
    CHECK(third.run(record(2)).outputs == std::vector<ordered_json>{3});
  }
}
