#include "mqtk/base/payload_encoding.hpp"

#include <string>

#include <doctest/doctest.h>

using mqtk::PayloadEncoding;

TEST_SUITE("payload_encoding") {
  TEST_CASE("classification") {
    CHECK(mqtk::classify_payload(R"({"name": "zzerii"})") == PayloadEncoding::kJson);
    CHECK(mqtk::classify_payload("42") == PayloadEncoding::kJson);
    CHECK(mqtk::classify_payload("\"quoted\"") == PayloadEncoding::kJson);
    CHECK(mqtk::classify_payload("hello") == PayloadEncoding::kText);
    CHECK(mqtk::classify_payload("") == PayloadEncoding::kText);
    CHECK(mqtk::classify_payload("{\n\"a\": 1\n}") == PayloadEncoding::kText);  // JSON, but not on one line
    CHECK(mqtk::classify_payload("tab\tand\r\nlines") == PayloadEncoding::kText);
    CHECK(mqtk::classify_payload("\xec\x98\xa8\xeb\x8f\x84") == PayloadEncoding::kText);
    CHECK(mqtk::classify_payload(std::string("a\0b", 3)) == PayloadEncoding::kBase64);
    CHECK(mqtk::classify_payload("bell\a") == PayloadEncoding::kBase64);
    CHECK(mqtk::classify_payload("\xff") == PayloadEncoding::kBase64);
    CHECK(mqtk::classify_payload("\"\xff\"") == PayloadEncoding::kBase64);
  }

  TEST_CASE("classification: every ASCII byte at every place, eight bytes at a time or one") {
    const std::string text = "abcdefghijklmnopqrst";  // not JSON
    for (int byte = 0; byte < 0x80; ++byte) {
      bool control = (byte < 0x20 && byte != '\t' && byte != '\n' && byte != '\r') || byte == 0x7F;
      for (std::size_t at = 0; at <= text.size(); ++at) {
        CAPTURE(byte);
        CAPTURE(at);
        std::string payload = text;
        payload.insert(at, 1, static_cast<char>(byte));
        CHECK(mqtk::classify_payload(payload) == (control ? PayloadEncoding::kBase64 : PayloadEncoding::kText));
      }
    }
  }

  TEST_CASE("JSON the parser reads but a record cannot hold verbatim is text") {
    // The parser skips a byte order mark and space around a document; inside
    // a record the mark is invalid JSON and the space would be lost.
    CHECK(mqtk::classify_payload("\xEF\xBB\xBF{\"a\": 1}") == PayloadEncoding::kText);
    CHECK(mqtk::classify_payload(" 42") == PayloadEncoding::kText);
    CHECK(mqtk::classify_payload("{}\t") == PayloadEncoding::kText);
    CHECK(mqtk::classify_payload("[1, \"\xEF\xBB\xBF\"]") == PayloadEncoding::kJson);  // inside: just a character
    // Deeper than common tools read: text.
    std::size_t limit = mqtk::kMaxEmbeddedDepth;
    CHECK(mqtk::classify_payload(std::string(limit, '[') + std::string(limit, ']')) == PayloadEncoding::kJson);
    CHECK(mqtk::classify_payload(std::string(limit + 1, '[') + std::string(limit + 1, ']')) == PayloadEncoding::kText);
    CHECK(mqtk::classify_payload(std::string(200000, '[')) == PayloadEncoding::kText);
  }

  TEST_CASE("UTF-8 validation") {
    CHECK(mqtk::is_utf8("plain ascii"));
    CHECK(mqtk::is_utf8("\xf0\x9f\x98\x80"));
    CHECK_FALSE(mqtk::is_utf8("\xc0\xaf"));          // overlong
    CHECK_FALSE(mqtk::is_utf8("\xed\xa0\x80"));      // surrogate
    CHECK_FALSE(mqtk::is_utf8("\xf4\x90\x80\x80"));  // past U+10FFFF
    CHECK_FALSE(mqtk::is_utf8("\xe2\x82"));          // truncated
    CHECK_FALSE(mqtk::is_utf8("\x80"));
  }

  TEST_CASE("UTF-8 validation reads ASCII eight bytes at a time, and every byte after") {
    std::string ascii = "0123456789abcdefghij";
    for (std::size_t at = 0; at <= ascii.size(); ++at) {
      CAPTURE(at);
      std::string text = ascii;
      CHECK(mqtk::is_utf8(text.insert(at, "\xe2\x82\xac")));  // the euro sign anywhere
      text = ascii;
      CHECK_FALSE(mqtk::is_utf8(text.insert(at, "\x80")));
      text = ascii.substr(0, at) + "\xe2\x82";  // cut short at the very end
      CHECK_FALSE(mqtk::is_utf8(text));
    }
  }

  TEST_CASE("UTF-8 characters one at a time") {
    auto c = mqtk::decode_utf8("\xf0\x9f\x98\x80 and more");
    REQUIRE(c);
    CHECK(c->codepoint == 0x1F600);
    CHECK(c->length == 4);
    CHECK(mqtk::decode_utf8("\xc2\x9b")->codepoint == 0x9B);
    CHECK(mqtk::decode_utf8("a")->length == 1);
    CHECK_FALSE(mqtk::decode_utf8(""));
    CHECK_FALSE(mqtk::decode_utf8("\xc0\xaf"));
    CHECK_FALSE(mqtk::decode_utf8("\xe2\x82"));
  }

  TEST_CASE("names") {
    CHECK(mqtk::encoding_name(PayloadEncoding::kText) == "utf-8");
    CHECK(mqtk::encoding_from_name("base64") == PayloadEncoding::kBase64);
    CHECK_FALSE(mqtk::encoding_from_name("hex").has_value());
  }

  TEST_CASE("base64 round trips") {
    for (std::string bytes : {std::string(""), std::string("f"), std::string("fo"), std::string("foo"),
                              std::string("foob"), std::string("\x00\xff\x10", 3)}) {
      std::string text;
      mqtk::append_base64(text, bytes);
      CAPTURE(text);
      CHECK(mqtk::decode_base64(text) == bytes);
    }
    std::string text;
    mqtk::append_base64(text, "foobar");
    CHECK(text == "Zm9vYmFy");
    CHECK_FALSE(mqtk::decode_base64("abc").has_value());
    CHECK_FALSE(mqtk::decode_base64("ab!d").has_value());
    CHECK_FALSE(mqtk::decode_base64("a=bc").has_value());
  }

  TEST_CASE("base64 decodes in place") {
    std::string bytes;
    for (int i = 0; i < 1000; ++i) bytes.push_back(static_cast<char>(i * 7));
    std::string text;
    mqtk::append_base64(text, bytes);
    REQUIRE(mqtk::decode_base64_in_place(text));
    CHECK(text == bytes);
    std::string bad = "Zm9v!mFy";
    CHECK_FALSE(mqtk::decode_base64_in_place(bad));
  }
}
