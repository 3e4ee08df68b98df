#include "mqtk/payload/binary_json.hpp"

#include <cstdint>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "payload/fixtures.hpp"

using mqtk::BinaryJson;
using mqtk::BinaryJsonDecoder;
using nlohmann::json;

namespace {

std::string bytes(const std::vector<std::uint8_t>& v) { return {v.begin(), v.end()}; }

// `levels` arrays, each holding the next, around a 1.
std::string nested(std::string_view open_one, std::size_t levels, std::string_view inner) {
  std::string out;
  for (std::size_t i = 0; i < levels; ++i) out += open_one;
  out += inner;
  return out;
}

// The same JSON the fixtures hold, without their byte string and the
// integer past int64 (BSON has neither): nlohmann's own writers make it for
// the formats Debian has no Python encoder of.
json plain_document() {
  json document = test_support::expected_json("document.json");
  document.erase("raw");
  document.erase("largest");
  return document;
}

}  // namespace

TEST_SUITE("binary_json") {
  TEST_CASE("CBOR and MessagePack made by Python's encoders") {
    BinaryJsonDecoder cbor(BinaryJson::kCbor, "cbor");
    BinaryJsonDecoder msgpack(BinaryJson::kMessagePack, "msgpack");
    json expected = test_support::expected_json("document.json");
    mqtk::Decoded from_cbor = cbor.decode(test_support::fixture("document.cbor"));
    REQUIRE_MESSAGE(from_cbor.ok(), from_cbor.failure);
    CHECK(from_cbor.value == expected);
    CHECK(from_cbor.value["raw"] == "AAH+/w==");  // a byte string as base64
    CHECK(from_cbor.value["largest"].get<std::uint64_t>() == UINT64_MAX);
    CHECK(from_cbor.value["negative"].get<std::int64_t>() == INT64_MIN);
    mqtk::Decoded from_msgpack = msgpack.decode(test_support::fixture("document.msgpack"));
    REQUIRE_MESSAGE(from_msgpack.ok(), from_msgpack.failure);
    CHECK(from_msgpack.value == expected);
  }

  TEST_CASE("BSON, UBJSON and BJData made by nlohmann's writers") {
    json document = plain_document();
    CHECK(BinaryJsonDecoder(BinaryJson::kBson, "bson").decode(bytes(json::to_bson(document))).value == document);
    CHECK(BinaryJsonDecoder(BinaryJson::kUbjson, "ubjson").decode(bytes(json::to_ubjson(document))).value == document);
    CHECK(BinaryJsonDecoder(BinaryJson::kBjdata, "bjdata").decode(bytes(json::to_bjdata(document))).value == document);
  }

  TEST_CASE("CBOR: the self-described mark is skipped, tags are refused") {
    BinaryJsonDecoder cbor(BinaryJson::kCbor, "cbor");
    mqtk::Decoded marked = cbor.decode(test_support::fixture("self_described.cbor"));
    REQUIRE_MESSAGE(marked.ok(), marked.failure);
    CHECK(marked.value == test_support::expected_json("self_described.json"));
    mqtk::Decoded tagged = cbor.decode(test_support::fixture("tagged.cbor"));
    CHECK_FALSE(tagged.ok());
    CHECK(tagged.failure.find("invalid byte: 0xC1") != std::string::npos);
    // A chain of tags, which nlohmann's reader would follow one frame each.
    CHECK_FALSE(cbor.decode(nested("\xC6", 1'000'000, "\x01")).ok());
  }

  TEST_CASE("strings that are not UTF-8 fail") {
    mqtk::Decoded latin1 =
        BinaryJsonDecoder(BinaryJson::kMessagePack, "msgpack").decode(test_support::fixture("latin1.msgpack"));
    CHECK(latin1.failure == "a string is not UTF-8");
    CHECK(BinaryJsonDecoder(BinaryJson::kCbor, "cbor").decode("\xA1\x62\xC3\x28\x01").failure == "a key is not UTF-8");
  }

  TEST_CASE("failures are one line, never exceptions") {
    BinaryJsonDecoder cbor(BinaryJson::kCbor, "cbor");
    CHECK(cbor.decode("").failure ==
          "parse error at byte 1: syntax error while parsing CBOR value: unexpected end of input");
    CHECK(cbor.decode("\x01\x02").failure.find("expected end of input") != std::string::npos);
    for (BinaryJson format :
         {BinaryJson::kCbor, BinaryJson::kMessagePack, BinaryJson::kBson, BinaryJson::kUbjson, BinaryJson::kBjdata}) {
      BinaryJsonDecoder decoder(format, "any");
      std::string whole = format == BinaryJson::kCbor          ? test_support::fixture("document.cbor")
                          : format == BinaryJson::kMessagePack ? test_support::fixture("document.msgpack")
                          : format == BinaryJson::kBson        ? bytes(json::to_bson(plain_document()))
                          : format == BinaryJson::kUbjson      ? bytes(json::to_ubjson(plain_document()))
                                                               : bytes(json::to_bjdata(plain_document()));
      for (std::size_t length = 0; length < whole.size(); ++length) {
        mqtk::Decoded cut;
        CHECK_NOTHROW(cut = decoder.decode(std::string_view(whole).substr(0, length)));
        CHECK_FALSE(cut.ok());
        CHECK(cut.failure.find('\n') == std::string::npos);
      }
      std::uint32_t state = 12345;  // garbage from a fixed linear congruential sequence
      for (int round = 0; round < 200; ++round) {
        std::string garbage;
        for (int i = 0; i < 64; ++i) {
          state = state * 1664525u + 1013904223u;
          garbage.push_back(static_cast<char>(state >> 24));
        }
        CHECK_NOTHROW(decoder.decode(garbage));
      }
    }
  }

  TEST_CASE("nesting stops at kMaxDecodedDepth, without recursing further") {
    BinaryJsonDecoder cbor(BinaryJson::kCbor, "cbor");
    CHECK(cbor.decode(nested("\x81", mqtk::kMaxDecodedDepth, "\x01")).ok());
    CHECK(cbor.decode(nested("\x81", mqtk::kMaxDecodedDepth + 1, "\x01")).failure == "nests deeper than 1000 levels");
    CHECK_FALSE(cbor.decode(nested("\x81", 5'000'000, "\x01")).ok());
    CHECK_FALSE(BinaryJsonDecoder(BinaryJson::kMessagePack, "msgpack").decode(nested("\x91", 5'000'000, "\x01")).ok());
    CHECK_FALSE(BinaryJsonDecoder(BinaryJson::kUbjson, "ubjson").decode(nested("[", 5'000'000, "Z")).ok());
    CHECK_FALSE(BinaryJsonDecoder(BinaryJson::kBjdata, "bjdata").decode(nested("[", 5'000'000, "Z")).ok());
    json deep = 1;
    for (std::size_t i = 0; i < mqtk::kMaxDecodedDepth + 5; ++i) deep = json{{"a", std::move(deep)}};
    CHECK(BinaryJsonDecoder(BinaryJson::kBson, "bson").decode(bytes(json::to_bson(deep))).failure ==
          "nests deeper than 1000 levels");
  }

  TEST_CASE("containers of elements that take no bytes cannot declare billions") {
    // UBJSON: an array of 2^36 nulls in 13 bytes ([ $ Z # L count).
    std::string many_nulls = bytes({'[', '$', 'Z', '#', 'L', 0, 0, 0, 0x10, 0, 0, 0, 0});
    mqtk::Decoded decoded = BinaryJsonDecoder(BinaryJson::kUbjson, "ubjson").decode(many_nulls);
    CHECK_FALSE(decoded.ok());
    std::string few_nulls = bytes({'[', '$', 'Z', '#', 'i', 3});
    CHECK(BinaryJsonDecoder(BinaryJson::kUbjson, "ubjson").decode(few_nulls).value ==
          json::array({nullptr, nullptr, nullptr}));
  }
}
