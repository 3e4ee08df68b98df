#include "mqtk/output/payload_decoding.hpp"

#include <string>
#include <vector>

#include <doctest/doctest.h>

namespace {

mqtk::Message message(std::string_view topic, std::string_view payload) {
  mqtk::Message m;
  m.topic = topic;
  m.payload = payload;
  return m;
}

}  // namespace

TEST_SUITE("payload_decoding") {
  TEST_CASE("the decoder of the topic's filter, nothing for other topics") {
    std::vector<std::string> warnings;
    mqtk::PayloadDecoding decoding(mqtk::DecoderChoice::parse({"hex/#=hex", "b/+=base64"}, {}),
                                   [&](const std::string& w) { warnings.push_back(w); });
    CHECK(decoding.decodes("hex/1"));
    CHECK_FALSE(decoding.decodes("text"));
    const nlohmann::json* value = decoding.decode(message("hex/1", "6869"));
    REQUIRE(value != nullptr);
    CHECK(*value == "hi");
    value = decoding.decode(message("b/1", "eyJhIjoxfQ=="));
    REQUIRE(value != nullptr);
    CHECK(*value == "{\"a\":1}");  // base64 makes a string, whatever its text
    CHECK(decoding.decode(message("text", "6869")) == nullptr);
    CHECK(warnings.empty());
  }

  TEST_CASE("a payload that does not decode stays as it came, with a warning naming topic and decoder") {
    std::vector<std::string> warnings;
    mqtk::PayloadDecoding decoding(mqtk::DecoderChoice::parse({"hex"}, {}),
                                   [&](const std::string& w) { warnings.push_back(w); });
    CHECK(decoding.decode(message("s/1", "not hex")) == nullptr);
    REQUIRE(warnings.size() == 1);
    CHECK(warnings[0].starts_with("s/1: payload shown as it came, not as hex: "));
    // A stream of them: the first few, then at most one per interval.
    for (int i = 0; i < 100; ++i) decoding.decode(message("s/1", "zz"));
    CHECK(warnings.size() == mqtk::WarningLimiter::kBurst);
  }
}
