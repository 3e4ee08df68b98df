#include "mqtk/records/record_jq.hpp"

#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "test_message.hpp"

namespace {

using nlohmann::ordered_json;
using test_support::message;

}  // namespace

TEST_SUITE("record_jq") {
  TEST_CASE("the input is the --json record: parsed as jq parses it, or built around the decoded value") {
    mqtk::RecordJq jq(mqtk::JqProgram::compile("{topic, time, p: .payload, e: .encoding}"));
    const auto& plain = jq.take(message("s/1", R"({"t": 1.50})"), nullptr);
    REQUIRE(plain.outputs.size() == 1);
    CHECK(plain.outputs[0].dump() ==
          R"({"topic":"s/1","time":"2020-05-06T21:48:00.123456789Z","p":{"t":1.5},"e":"json"})");
    nlohmann::json decoded = {{"temp", 21}};
    const auto& from_decoded = jq.take(message("s/1", "\x01\x02"), &decoded);
    CHECK(from_decoded.outputs[0]["p"] == ordered_json{{"temp", 21}});
    CHECK(from_decoded.outputs[0]["e"] == "json");
    CHECK(&jq.result() == &from_decoded);  // kept for the formats
  }

  TEST_CASE("text outputs are what mqtk-sub --jq prints") {
    mqtk::RecordJq jq(mqtk::JqProgram::compile(".payload, .topic"));
    auto result = jq.run_text(message("s/1", "hello"), nullptr, mqtk::JqTextForm::kRawStrings);
    CHECK(result.outputs == std::vector<std::string>{"hello", "s/1"});
  }

  TEST_CASE("no output, errors and halts are the program's") {
    mqtk::RecordJq jq(mqtk::JqProgram::compile(
        R"(if .payload == "stop" then ("bye\n" | halt_error(4)) elif .payload == "end" then halt else select(.payload.t > 1) end)"));
    CHECK(jq.take(message("s/1", R"({"t": 0})"), nullptr).outputs.empty());
    CHECK(jq.take(message("s/1", R"("x")"), nullptr).failure.starts_with("jq: error: "));
    const auto& stopped = jq.take(message("s/1", R"("stop")"), nullptr);
    REQUIRE(stopped.halt);
    mqtk::SinkEnd end = mqtk::sink_end_of(*stopped.halt);
    CHECK(end.exit_status == 4);
    CHECK(end.message == "bye");  // one line: jq's line end is the reporter's
    const auto& ended = jq.take(message("s/1", R"("end")"), nullptr);
    REQUIRE(ended.halt);
    CHECK(mqtk::sink_end_of(*ended.halt).exit_status == 0);
    CHECK(mqtk::sink_end_of(*ended.halt).message == "");
  }
}
