#include "mqtk/payload/payload_decoding.hpp"

#include <memory>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "payload/fixtures.hpp"

namespace {

std::shared_ptr<const mqtk::DecoderChoice> choice(const std::vector<std::string>& flags) {
  return std::make_shared<const mqtk::DecoderChoice>(mqtk::DecoderChoice::parse(flags, {}));
}

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
    mqtk::PayloadDecoding decoding(choice({"hex/#=hex", "b/+=base64"}),
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

  TEST_CASE("a payload is decoded once per message taken; decoded() tells what it made, or nothing") {
    std::vector<std::string> warnings;
    mqtk::PayloadDecoding decoding(choice({"hex/#=hex", "spb/#=sparkplug"}),
                                   [&](const std::string& w) { warnings.push_back(w); });
    decoding.take(message("hex/1", "6869"));
    REQUIRE(decoding.decoded() != nullptr);
    CHECK(decoding.decoded()->ok());
    CHECK(decoding.decoded()->value == "hi");
    CHECK_FALSE(decoding.sparkplug());

    decoding.take(message("other", "6869"));
    CHECK(decoding.decoded() == nullptr);  // no decoder for the topic: nothing, not the last value

    std::string ddata = test_support::fixture("ddata.bin");
    decoding.take(message("spb/g/DDATA/n/d", ddata));
    REQUIRE(decoding.decoded() != nullptr);
    CHECK(decoding.sparkplug());
    CHECK(decoding.decoded()->value == test_support::expected_json("ddata.json"));
    CHECK(warnings.empty());
    CHECK(decoding.failures() == 0);
  }

  TEST_CASE("a payload that does not decode stays as it came, counted, with a warning naming topic and decoder") {
    std::vector<std::string> warnings;
    mqtk::PayloadDecoding decoding(choice({"hex"}), [&](const std::string& w) { warnings.push_back(w); });
    CHECK(decoding.decode(message("s/1", "not hex")) == nullptr);
    REQUIRE(warnings.size() == 1);
    CHECK(warnings[0].starts_with("s/1: payload shown as it came, not as hex: "));
    // A stream of them: the first few, then at most one per interval.
    for (int i = 0; i < 100; ++i) decoding.decode(message("s/1", "zz"));
    CHECK(warnings.size() == mqtk::WarningLimiter::kBurst);
    CHECK(decoding.failures() == 101);
  }

  TEST_CASE("a recording keeps why a payload did not decode, and says it is recorded as it came") {
    std::vector<std::string> warnings;
    mqtk::PayloadDecoding decoding(
        choice({"hex"}), [&](const std::string& w) { warnings.push_back(w); }, mqtk::PayloadDecoding::Kept::kRecorded);
    decoding.take(message("a/b", "zz"));
    REQUIRE(decoding.decoded() != nullptr);
    CHECK(decoding.decoded()->failure == "not hex");
    decoding.take(message("a/c", "6869"));
    CHECK(decoding.decoded()->ok());
    CHECK(decoding.failures() == 1);
    CHECK(warnings == std::vector<std::string>{"a/b: payload recorded as it came, not as hex: not hex"});
  }

  TEST_CASE("Sparkplug data by alias gets the names of the node's birth") {
    mqtk::PayloadDecoding decoding(choice({"sparkplug"}), [](const std::string&) {});
    std::string nbirth = test_support::fixture("alias_nbirth.bin");
    std::string ndata = test_support::fixture("alias_ndata.bin");
    // Before any birth: the aliases as they came.
    CHECK(*decoding.decode(message("spBv1.0/plant/NDATA/edge1", ndata)) ==
          test_support::expected_json("alias_ndata.json"));
    decoding.take(message("spBv1.0/plant/NBIRTH/edge1", nbirth));
    CHECK(*decoding.decode(message("spBv1.0/plant/NDATA/edge1", ndata)) ==
          test_support::expected_json("alias_ndata_named.json"));
    // Another node's data is not named by this node's birth.
    CHECK(*decoding.decode(message("spBv1.0/plant/NDATA/edge2", ndata)) ==
          test_support::expected_json("alias_ndata.json"));
  }
}
