#include "mqtk/base/json_scan.hpp"

#include <nlohmann/json.hpp>
#include <string>

#include <doctest/doctest.h>

namespace {

// The scanner's verdict on `text` (nesting no deeper than 128 levels), where
// it decides for itself, must be the verdict of its reference: nlohmann/json's
// strict parser.
void check_like_the_parser(const std::string& text) {
  CAPTURE(text);
  mqtk::JsonScan scan = mqtk::scan_json(text, 128);
  REQUIRE(scan != mqtk::JsonScan::kAskParser);
  CHECK((scan == mqtk::JsonScan::kValid) == nlohmann::json::accept(text));
}

std::string nested(std::size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

}  // namespace

TEST_SUITE("json scan") {
  TEST_CASE("every kind of value, and what the grammar forbids, as the parser sees them") {
    for (const char* text :
         {// values
          "{}", "[]", "0", "-0", "21.5", "-1.25e+3", "1E-2", "true", "false", "null", "\"\"",
          R"({"temp": 21.5, "n": 1, "tags": ["a", "b"], "ok": true, "none": null})", " \t\r\n[ 1 , 2 ]\n",
          R"("\" \\ \/ \b \f \n \r \t \u00e9 \uD83D\uDE00")", "\"é ü 日本\"", "12345678901234567890123456789", "1e-400",
          // numbers the grammar forbids
          "01", "-", "+1", "1.", ".5", "1e", "1e+", "-a", "0x10", "1.5.2", "NaN", "Infinity",
          // strings
          "\"open", "\"tab\tinside\"", "\"\\x\"", "\"\\u12\"", "\"\\u12G4\"", "\"\\uDC00\"", "\"\\uD800\"",
          "\"\\uD800\\u0041\"", "\"\\uD800x\"", "'single'",
          // structure
          "[1,]", "[,1]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "{\"a\":}", "[1 2]", "{\"a\":1 \"b\":2}", "[", "]", "{",
          "[1]]", "1 2", "tru", "nul", "truex", "", "   ", "// comment\n1", "[1] // comment"}) {
      check_like_the_parser(text);
    }
  }

  TEST_CASE("nesting deeper than the limit is refused, at the limit taken") {
    CHECK(mqtk::scan_json(nested(3), 3) == mqtk::JsonScan::kValid);
    CHECK(mqtk::scan_json(nested(4), 3) == mqtk::JsonScan::kInvalid);
    CHECK(mqtk::scan_json(R"({"a":{"b":[1]}})", 3) == mqtk::JsonScan::kValid);
    CHECK(mqtk::scan_json(R"({"a":{"b":[[1]]}})", 3) == mqtk::JsonScan::kInvalid);
    // Far deeper than any stack would hold, if it were followed.
    CHECK(mqtk::scan_json(nested(1000000), 128) == mqtk::JsonScan::kInvalid);
  }

  TEST_CASE("a number that may not fit a double is left to the parser, which refuses those that do not") {
    for (const std::string& text :
         {std::string("1e309"), std::string("1e400"), std::string("-2e308"), std::string(400, '9')}) {
      CAPTURE(text);
      CHECK(mqtk::scan_json(text, 128) == mqtk::JsonScan::kAskParser);
    }
    CHECK_FALSE(nlohmann::json::accept("1e400"));
    CHECK(nlohmann::json::accept("1e308"));
    CHECK(mqtk::scan_json("1e300", 128) == mqtk::JsonScan::kValid);
    CHECK(mqtk::scan_json("[1e999, \"bad]", 128) == mqtk::JsonScan::kInvalid);  // the grammar decides first
  }
  TEST_CASE("find_string_special finds the first quote, backslash or control character, at any offset") {
    auto special = [](unsigned char c) { return c == '"' || c == '\\' || c < 0x20; };
    int mismatches = 0;
    for (std::size_t length = 0; length <= 24; ++length) {
      for (std::size_t at = 0; at < length; ++at) {
        for (int byte = 0; byte < 256; ++byte) {
          std::string text(length, 'a');
          text[at] = static_cast<char>(byte);
          if (at + 3 < length) text[at + 3] = '"';  // a later special never hides an earlier one
          const char* expected = text.data() + length;
          for (std::size_t i = 0; i < length; ++i) {
            if (special(static_cast<unsigned char>(text[i]))) {
              expected = text.data() + i;
              break;
            }
          }
          if (mqtk::find_string_special(text.data(), text.data() + length) != expected) ++mismatches;
        }
      }
    }
    CHECK(mismatches == 0);
    std::string plain = "plain text \x7f \x80 \xff, and no quote";
    CHECK(mqtk::find_string_special(plain.data(), plain.data() + plain.size()) == plain.data() + plain.size());
  }
}
