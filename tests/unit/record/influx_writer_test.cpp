#include "mqtk/record/influx_writer.hpp"

#include <doctest/doctest.h>

TEST_SUITE("influx_writer") {
  TEST_CASE("a field type conflict names the flag that fixes it") {
    const std::string to_float =
        "partial write: field type conflict: input field \"v\" on measurement \"t\" is type float, already exists as "
        "type integer dropped=1";
    const std::string to_integer =
        "field type conflict: input field \"v\" on measurement \"t\" is type integer, already exists as type float";
    CHECK(mqtk::refusal_hint(to_float, false).find("--integers") != std::string::npos);
    CHECK(mqtk::refusal_hint(to_float, true).empty());
    CHECK(mqtk::refusal_hint(to_integer, true).find("without --integers") != std::string::npos);
    CHECK(mqtk::refusal_hint(to_integer, false).empty());
    CHECK(mqtk::refusal_hint("unable to parse 'x': missing fields", false).empty());
  }
}
