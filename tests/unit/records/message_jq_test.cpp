#include "mqtk/records/message_jq.hpp"

#include <string>
#include <vector>

#include <doctest/doctest.h>

namespace {

mqtk::Message message(std::string_view topic, std::string_view payload) {
  mqtk::Message m;
  m.topic = topic;
  m.payload = payload;
  m.qos = 1;
  return m;
}

}  // namespace

TEST_SUITE("message_jq") {
  TEST_CASE("the program runs over the message's --json record") {
    mqtk::MessageJq jq(mqtk::JqProgram::compile("[.topic, .qos, .payload]"), mqtk::JqTextForm::kCompact,
                       mqtk::PayloadDecoding({}, {}));
    mqtk::JqTextResult result = jq.run(message("a/b", "{\"t\":1}"));
    CHECK(result.failure.empty());
    CHECK(result.outputs == std::vector<std::string>{"[\"a/b\",1,{\"t\":1}]"});
    result = jq.run(message("a/b", "plain text"));
    CHECK(result.outputs == std::vector<std::string>{"[\"a/b\",1,\"plain text\"]"});
  }

  TEST_CASE("a decoded payload is the record's payload, and -r prints strings as text") {
    mqtk::MessageJq jq(mqtk::JqProgram::compile(".payload"), mqtk::JqTextForm::kRawStrings,
                       mqtk::PayloadDecoding(mqtk::DecoderChoice::parse({"hex"}, {}), {}));
    CHECK(jq.run(message("t", "6869")).outputs == std::vector<std::string>{"hi"});
  }

  TEST_CASE("a jq error is the run's failure") {
    mqtk::MessageJq jq(mqtk::JqProgram::compile(".payload.x"), mqtk::JqTextForm::kCompact,
                       mqtk::PayloadDecoding({}, {}));
    mqtk::JqTextResult result = jq.run(message("t", "\"text\""));
    CHECK(result.outputs.empty());
    CHECK(result.failure.rfind("jq: error", 0) == 0);
  }
}
