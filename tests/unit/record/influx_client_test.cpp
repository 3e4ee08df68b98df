#include "mqtk/record/influx_client.hpp"

#include <doctest/doctest.h>

#include "mqtk/base/error.hpp"

TEST_SUITE("influx_client") {
  TEST_CASE("InfluxQL identifiers are quoted and escaped") {
    CHECK(mqtk::influxql_identifier("sensors", "--influx-db") == "\"sensors\"");
    CHECK(mqtk::influxql_identifier("x\"; DROP DATABASE \"victim", "--influx-db") ==
          "\"x\\\"; DROP DATABASE \\\"victim\"");
    CHECK(mqtk::influxql_identifier("back\\slash", "--influx-db") == "\"back\\\\slash\"");
    CHECK_THROWS_WITH_AS(mqtk::influxql_identifier("", "--influx-db"), "--influx-db: the name must not be empty",
                         mqtk::UsageError);
    CHECK_THROWS_AS(mqtk::influxql_identifier("a\nb", "--influx-db"), mqtk::UsageError);
  }
}
