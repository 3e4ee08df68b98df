#include "mqtk/top/payload_evaluation.hpp"

#include <cmath>
#include <string>
#include <vector>

#include <doctest/doctest.h>

namespace {

const mqtk::TopTime kStart{std::chrono::seconds(1000)};

struct Evaluated {
  std::vector<std::string> warnings;
  mqtk::WarningCallback warn = [this](const std::string& w) { warnings.push_back(w); };

  mqtk::Evaluation of(mqtk::PayloadEvaluation& evaluation, std::string_view topic, std::string_view payload) {
    mqtk::TopicTable table(kStart, 10);
    table.add(topic, payload, 1, true, kStart);
    return evaluation.evaluate(topic, *table.find(topic));
  }
};

}  // namespace

TEST_SUITE("payload_evaluation") {
  TEST_CASE_FIXTURE(Evaluated, "without --decode and --jq: the payload, and the number it is") {
    mqtk::PayloadEvaluation evaluation({}, std::nullopt, mqtk::JqTextForm::kCompact, warn);
    CHECK(!evaluation.evaluating());
    mqtk::Evaluation shown = of(evaluation, "t", "21.5");
    CHECK(shown.as_payload);  // shown as it is, not copied
    CHECK(shown.text.empty());
    CHECK(shown.value == 21.5);
    shown = of(evaluation, "t", "on");
    CHECK(shown.as_payload);
    CHECK(std::isnan(shown.value));
  }

  TEST_CASE_FIXTURE(Evaluated, "--decode: the decoded JSON, a number when it is one") {
    mqtk::PayloadEvaluation evaluation(mqtk::DecoderChoice::parse({"hex/#=hex"}, {}), std::nullopt,
                                       mqtk::JqTextForm::kCompact, warn);
    CHECK(evaluation.evaluating());
    CHECK(of(evaluation, "hex/a", "6869").text == "\"hi\"");
    // Not decoded (another topic, or a payload the decoder refuses): as it came.
    mqtk::Evaluation shown = of(evaluation, "plain", "7");
    CHECK(shown.as_payload);
    CHECK(shown.value == 7.0);
    CHECK(of(evaluation, "hex/b", "zz").as_payload);
    CHECK(warnings.size() == 1);
  }

  TEST_CASE_FIXTURE(Evaluated, "--jq: the program's outputs over the message's record") {
    mqtk::PayloadEvaluation evaluation({}, mqtk::JqProgram::compile(".payload.temp"), mqtk::JqTextForm::kCompact, warn);
    mqtk::Evaluation shown = of(evaluation, "s", "{\"temp\":21.5,\"hum\":40}");
    CHECK(shown.text == "21.5");
    CHECK(shown.value == 21.5);
    // Several outputs are shown together, and are no single number.
    mqtk::PayloadEvaluation both({}, mqtk::JqProgram::compile(".topic, .qos, .retain"), mqtk::JqTextForm::kCompact,
                                 warn);
    shown = of(both, "s/1", "x");
    CHECK(shown.text == "\"s/1\" 1 true");
    CHECK(std::isnan(shown.value));
    // An error is a warning naming the topic.
    shown = of(evaluation, "bad", "\"a string\"");
    CHECK(shown.text.empty());
    REQUIRE(warnings.size() == 1);
    CHECK(warnings[0].rfind("bad: jq: error", 0) == 0);
  }

  TEST_CASE_FIXTURE(Evaluated, "--jq: halt_error is a warning naming the topic; halt is not") {
    mqtk::PayloadEvaluation evaluation({}, mqtk::JqProgram::compile(".payload | halt_error(3)"),
                                       mqtk::JqTextForm::kCompact, warn);
    CHECK(of(evaluation, "s/1", "too hot\n").text.empty());
    mqtk::PayloadEvaluation plain({}, mqtk::JqProgram::compile("1, halt"), mqtk::JqTextForm::kCompact, warn);
    CHECK(of(plain, "s/2", "x").text == "1");
    REQUIRE(warnings.size() == 1);
    CHECK(warnings[0] == "s/1: jq halted with exit status 3: too hot");
  }

  TEST_CASE_FIXTURE(Evaluated,
                    "--jq: a payload longer than 1 KiB is seen whole; one cut for the budget is not evaluated") {
    mqtk::PayloadEvaluation evaluation({}, mqtk::JqProgram::compile(".payload.n"), mqtk::JqTextForm::kCompact, warn);
    std::string json = "{\"pad\": \"" + std::string(3000, 'x') + "\", \"n\": 7}";
    mqtk::TopicTable table(kStart, 10, 10000);
    table.add("whole", json, 0, false, kStart);
    CHECK(evaluation.evaluate("whole", *table.find("whole")).text == "7");
    mqtk::TopicTable tight(kStart, 10, 100);  // no room beyond the first 1 KiB
    tight.add("cut", json, 0, false, kStart);
    mqtk::Evaluation shown = evaluation.evaluate("cut", *tight.find("cut"));
    CHECK(shown.as_payload);
    REQUIRE(warnings.size() == 1);
    CHECK(
        warnings[0].rfind("cut: the 3019-byte payload came in a burst of large payloads and was cut to its first 1024 "
                          "bytes",
                          0) == 0);
  }

  TEST_CASE_FIXTURE(Evaluated, "--decode then --jq: the program sees the decoded payload") {
    mqtk::PayloadEvaluation evaluation(mqtk::DecoderChoice::parse({"hex"}, {}), mqtk::JqProgram::compile(".payload"),
                                       mqtk::JqTextForm::kRawStrings, warn);
    CHECK(of(evaluation, "t", "6869").text == "hi");
  }
}
