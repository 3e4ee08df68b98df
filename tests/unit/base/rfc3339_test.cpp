#include "mqtk/base/rfc3339.hpp"

#include <doctest/doctest.h>

TEST_SUITE("rfc3339") {
  TEST_CASE("formatting in UTC with nanoseconds") {
    mqtk::Rfc3339Clock clock;
    CHECK(clock.format(timespec{1588801680, 123456789}) == "2020-05-06T21:48:00.123456789Z");
    CHECK(clock.format(timespec{1588801680, 5}) == "2020-05-06T21:48:00.000000005Z");
    CHECK(clock.format(timespec{0, 0}) == "1970-01-01T00:00:00.000000000Z");
  }

  TEST_CASE("parsing") {
    auto t = mqtk::parse_rfc3339("2020-05-06T21:48:00.123456789Z");
    REQUIRE(t.has_value());
    CHECK(t->tv_sec == 1588801680);
    CHECK(t->tv_nsec == 123456789);
    t = mqtk::parse_rfc3339("2020-05-07T06:48:00.5+09:00");
    REQUIRE(t.has_value());
    CHECK(t->tv_sec == 1588801680);
    CHECK(t->tv_nsec == 500000000);
    CHECK(mqtk::parse_rfc3339("2020-05-06T21:48:00Z")->tv_nsec == 0);
    for (const char* bad : {"", "2020-05-06", "2020-05-06T21:48:00", "2020-13-06T21:48:00Z", "2020-05-06T21:48:00.Z",
                            "2020-05-06T21:48:00+0900", "2020-05-06T21:48:00Zx"}) {
      CAPTURE(bad);
      CHECK_FALSE(mqtk::parse_rfc3339(bad).has_value());
    }
  }
}
