#include "mqtk/payload/text_encoding_decoder.hpp"

#include <doctest/doctest.h>

using mqtk::TextEncoding;
using mqtk::TextEncodingDecoder;

TEST_SUITE("text_encoding_decoder") {
  TEST_CASE("base64: the bytes as a string when they are UTF-8") {
    TextEncodingDecoder base64(TextEncoding::kBase64, "base64");
    CHECK(base64.decode("aGVsbG8gd8O2cmxk").value == "hello wörld");
    CHECK(base64.decode("").value == "");
    CHECK(base64.decode("AAH+/w==").failure == "not UTF-8 after base64");
    CHECK(base64.decode("aGVsbG8").failure == "not base64");  // padding is required
    CHECK(base64.decode("aGVs bG8=").failure == "not base64");
  }

  TEST_CASE("hex: pairs of digits in either case") {
    TextEncodingDecoder hex(TextEncoding::kHex, "hex");
    CHECK(hex.decode("68656C6c6f").value == "hello");
    CHECK(hex.decode("7b2261223a317d").value == "{\"a\":1}");  // JSON text stays a string
    CHECK(hex.decode("").value == "");
    CHECK(hex.decode("c328").failure == "not UTF-8 after hex");
    CHECK(hex.decode("686").failure == "not hex");
    CHECK(hex.decode("68 65").failure == "not hex");
    CHECK(hex.decode("0x68").failure == "not hex");
  }
}
