#include "mqtk/base/counts.hpp"

#include <doctest/doctest.h>

TEST_SUITE("counts") {
  TEST_CASE("thousands separated by commas") {
    CHECK(mqtk::with_commas(0) == "0");
    CHECK(mqtk::with_commas(999) == "999");
    CHECK(mqtk::with_commas(1000) == "1,000");
    CHECK(mqtk::with_commas(1234567) == "1,234,567");
    CHECK(mqtk::with_commas(-1234) == "-1,234");
    CHECK(mqtk::with_commas(-123) == "-123");
  }

  TEST_CASE("singular and plural") {
    CHECK(mqtk::count_of(1, "point") == "1 point");
    CHECK(mqtk::count_of(0, "point") == "0 points");
    CHECK(mqtk::count_of(1204, "point") == "1,204 points");
    CHECK(mqtk::count_of(2, "entry", "entries") == "2 entries");
  }
}
