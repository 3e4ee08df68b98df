#include "mqtk/output/message_format.hpp"

#include <string>

#include <doctest/doctest.h>

namespace {

std::string render(bool verbose, bool eol, std::string_view topic, std::string_view payload) {
  mqtk::Message message;
  message.topic = topic;
  message.payload = payload;
  std::string out;
  mqtk::make_plain_format(verbose, eol)->render(message, out);
  return out;
}

}  // namespace

TEST_SUITE("message_format") {
  TEST_CASE("default: the payload and a newline") {
    CHECK(render(false, true, "t", "36.5") == "36.5\n");
    CHECK(render(false, false, "t", "36.5") == "36.5");
    CHECK(render(false, true, "t", std::string_view("a\0b", 3)) == std::string("a\0b\n", 4));
  }

  TEST_CASE("-v: topic, space, payload") {
    CHECK(render(true, true, "things/1/temperature", "36.5") == "things/1/temperature 36.5\n");
    CHECK(render(true, false, "t", "x") == "t x");
  }

  TEST_CASE("empty payloads, as mosquitto_sub prints them") {
    CHECK(render(false, true, "t", "") == "");
    CHECK(render(true, true, "t", "") == "t (null)\n");
    CHECK(render(true, false, "t", "") == "");
  }
}
