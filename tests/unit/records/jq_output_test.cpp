#include "mqtk/records/jq_output.hpp"

#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "test_message.hpp"

namespace {

using test_support::message;

struct Run {
  explicit Run(std::string_view expression, mqtk::JqTextForm form = mqtk::JqTextForm::kCompact,
               std::vector<std::string> decode = {})
      : sink(mqtk::JqProgram::compile(expression), form,
             mqtk::PayloadDecoding(std::make_shared<const mqtk::DecoderChoice>(mqtk::DecoderChoice::parse(decode, {})),
                                   [this](const std::string& w) { warnings.push_back(w); }),
             out, [this](const std::string& w) { warnings.push_back(w); }) {}

  std::vector<std::string> warnings;
  mqtk::OutputBuffer out{-1, false};
  mqtk::JqOutput sink;
};

}  // namespace

TEST_SUITE("jq_output") {
  TEST_CASE("the program's input is the --json record; each output on a line, as jq -c prints it") {
    Run run(".");
    CHECK(run.sink.write(message("s/1", R"({"b": 1.50, "a": [true]})")));
    CHECK(run.out.text() ==
          R"({"time":"2020-05-06T21:48:00.123456789Z","topic":"s/1","qos":1,"retain":false,"encoding":"json",)"
          R"("payload":{"b":1.5,"a":[true]}})"
          "\n");
  }

  TEST_CASE("no output: left out (not shown); several: a line each") {
    Run run("select(.payload.temp > 30) | .payload.temp, .topic");
    CHECK_FALSE(run.sink.write(message("s/1", R"({"temp": 30})")));
    CHECK(run.sink.write(message("s/2", R"({"temp": 31.5})")));
    CHECK(run.out.text() == "31.5\n\"s/2\"\n");
    CHECK(run.warnings.empty());
  }

  TEST_CASE("-r prints strings as their text") {
    Run run(".topic, .payload", mqtk::JqTextForm::kRawStrings);
    CHECK(run.sink.write(message("s/1", "line\none")));
    CHECK(run.out.text() == "s/1\nline\none\n");
  }

  TEST_CASE("the decoded value is the payload") {
    Run run(".payload | length", mqtk::JqTextForm::kCompact, {"hex"});
    CHECK(run.sink.write(message("s/1", "68656c6c6f")));
    CHECK(run.out.text() == "5\n");
  }

  TEST_CASE("a jq error: the outputs before it are kept, as jq prints them, and a warning names the topic") {
    Run run(".payload[] | (1 / .)");
    CHECK(run.sink.write(message("s/1", R"([2, 0, 4])")));
    CHECK(run.out.text() == "0.5\n");
    REQUIRE(run.warnings.size() == 1);
    CHECK(run.warnings[0].starts_with("s/1: jq: error: "));
    CHECK_FALSE(run.sink.write(message("s/2", R"("text")")));
    for (int i = 0; i < 50; ++i) run.sink.write(message("s/3", "\"x\""));
    CHECK(run.warnings.size() == mqtk::WarningLimiter::kBurst);  // at a readable rate
  }
}
