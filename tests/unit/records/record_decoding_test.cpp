#include "mqtk/records/record_decoding.hpp"

#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "payload/fixtures.hpp"

namespace {

std::shared_ptr<const mqtk::DecoderChoice> choice(const std::vector<std::string>& flags) {
  return std::make_shared<const mqtk::DecoderChoice>(mqtk::DecoderChoice::parse(flags, {}));
}

}  // namespace

TEST_SUITE("record_decoding") {
  TEST_CASE("a payload is decoded by the decoder its topic's filter chooses, once per message taken") {
    std::vector<std::string> warnings;
    mqtk::RecordDecoding decoding(choice({"hex/#=hex", "spb/#=sparkplug"}),
                                  [&](const std::string& w) { warnings.push_back(w); });
    decoding.take({.topic = "hex/1", .payload = "6869"});
    REQUIRE(decoding.decoded() != nullptr);
    CHECK(decoding.decoded()->ok());
    CHECK(decoding.decoded()->value == "hi");
    CHECK_FALSE(decoding.sparkplug());

    decoding.take({.topic = "other", .payload = "6869"});
    CHECK(decoding.decoded() == nullptr);  // no decoder for the topic: nothing, not the last value

    std::string ddata = test_support::fixture("ddata.bin");
    decoding.take({.topic = "spb/g/DDATA/n/d", .payload = ddata});
    REQUIRE(decoding.decoded() != nullptr);
    CHECK(decoding.sparkplug());
    CHECK(decoding.decoded()->value == test_support::expected_json("ddata.json"));
    CHECK(warnings.empty());
    CHECK(decoding.failures() == 0);
  }

  TEST_CASE("a payload that does not decode is counted and reported with its topic, decoder and reason") {
    std::vector<std::string> warnings;
    mqtk::RecordDecoding decoding(choice({"hex"}), [&](const std::string& w) { warnings.push_back(w); });
    decoding.take({.topic = "a/b", .payload = "zz"});
    REQUIRE(decoding.decoded() != nullptr);
    CHECK(decoding.decoded()->failure == "not hex");
    decoding.take({.topic = "a/c", .payload = "6869"});
    CHECK(decoding.decoded()->ok());
    CHECK(decoding.failures() == 1);
    CHECK(warnings == std::vector<std::string>{"a/b: payload recorded as it came, not as hex: not hex"});
  }
}
