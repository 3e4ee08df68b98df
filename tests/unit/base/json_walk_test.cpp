#include "mqtk/base/json_walk.hpp"

#include <charconv>
#include <string>
#include <string_view>
#include <utility>

#include <doctest/doctest.h>

#include "json_sax_log.hpp"
#include "mqtk/base/json_scan.hpp"

namespace {

// The walk's events for `text` must be the parser's, stopped or not.
void check_like_the_parser(const std::string& text, std::size_t stop_at = std::string::npos) {
  CAPTURE(text);
  CAPTURE(stop_at);
  REQUIRE(mqtk::scan_json(text, 64) == mqtk::JsonScan::kValid);
  test_support::JsonSaxLog parsed(stop_at);
  bool parser_done = nlohmann::json::sax_parse(text, &parsed, nlohmann::json::input_format_t::json, true);
  test_support::JsonSaxLog walked(stop_at);
  mqtk::JsonWalk walk = mqtk::walk_json(text, walked);
  REQUIRE(walk != mqtk::JsonWalk::kAskParser);
  CHECK(walked.text() == parsed.text());
  CHECK((walk == mqtk::JsonWalk::kDone) == parser_done);
}

}  // namespace

TEST_SUITE("json walk") {
  TEST_CASE("the parser's events for every kind of value") {
    for (const char* text : {"{}", "[]", "true", "false", "null", "\"\"", " \t\r\n[ 1 , 2 ]\n",
                             "{ \"a\" : { \"b\" : [ ] } , \"c\" : [ {} ] }",
                             R"({"temp": 21.5, "n": 1, "tags": ["a", "b"], "ok": true, "none": null})",
                             R"([[[[1]], {"x": [true, false, null]}], "end"])"}) {
      check_like_the_parser(text);
    }
  }

  TEST_CASE("strings and keys: escapes decoded, UTF-8 and long runs kept as they are") {
    for (const char* text :
         {R"("\" \\ \/ \b \f \n \r \t")", R"("\u00e9\u00E9 \u65e5 \u0000 \u001f \uD83D\uDE00 \udbff\udfff")",
          "\"é ü 日本 😀\"", R"({"k\"ey\n": "v\\al", "é": "\u0041"})", R"(["a\\", "\\b", "\\"])"}) {
      check_like_the_parser(text);
    }
    check_like_the_parser("\"" + std::string(5000, 'x') + "\\n" + std::string(3000, 'y') + "\"");
  }

  TEST_CASE("numbers: integers that fit 64 bits as such, the rest as doubles with their text") {
    for (const char* text : {"0",
                             "-0",
                             "7",
                             "-7",
                             "9223372036854775807",
                             "9223372036854775808",
                             "-9223372036854775808",
                             "-9223372036854775809",
                             "18446744073709551615",
                             "18446744073709551616",
                             "123456789012345678901234567890",
                             "21.5",
                             "-0.0",
                             "1e5",
                             "1E5",
                             "1e+5",
                             "1e-5",
                             "-1.25E-3",
                             "0.1",
                             "2.2250738585072014e-308",
                             "1.5e300",
                             "4.9e-324",
                             "[1, -1, 1.0, 1e0]"}) {
      check_like_the_parser(text);
    }
  }

  TEST_CASE("a handler that returns false stops the walk where it stops the parser") {
    std::string text = R"({"a": [1, -2, 3.5, "s", true, null, {"b": {}}], "c": []})";
    for (std::size_t stop_at = 1; stop_at <= 20; ++stop_at) check_like_the_parser(text, stop_at);
  }

  TEST_CASE("a number std::from_chars cannot give as a double is left to the parser") {
    // Whether from_chars calls an underflow out of range is the library's
    // choice; what the walk must do in each case is fixed.
    for (auto text_and_number : {std::pair{"1e-400", "1e-400"}, std::pair{"[1, 2.5e-330]", "2.5e-330"}}) {
      const char* text = text_and_number.first;
      CAPTURE(text);
      std::string_view digits(text_and_number.second);
      double value = 0;
      if (std::from_chars(digits.data(), digits.data() + digits.size(), value).ec == std::errc()) {
        check_like_the_parser(text);
      } else {
        test_support::JsonSaxLog walked;
        CHECK(mqtk::walk_json(text, walked) == mqtk::JsonWalk::kAskParser);
      }
    }
  }
}
