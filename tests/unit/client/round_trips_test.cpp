#include "mqtk/client/round_trips.hpp"

#include <doctest/doctest.h>

using namespace std::chrono_literals;

TEST_SUITE("round_trips") {
  TEST_CASE("percentiles by nearest rank") {
    mqtk::RoundTrips trips;
    CHECK(trips.percentile(50) == 0ns);
    for (int ms : {5, 1, 4, 2, 3}) trips.answered(std::chrono::milliseconds(ms));
    CHECK(trips.percentile(0) == 1ms);
    CHECK(trips.percentile(50) == 3ms);
    CHECK(trips.percentile(99) == 5ms);
    CHECK(trips.percentile(100) == 5ms);
  }

  TEST_CASE("the summary counts the lost replies") {
    mqtk::RoundTrips trips;
    trips.lost();
    CHECK(trips.summary() == "1 request, 0 replies, 1 lost");
    trips.answered(412us);
    trips.answered(1250us);
    CHECK(trips.summary() ==
          "3 requests, 2 replies, 1 lost; round trip min 0.412 ms, median 0.412 ms, p99 1.250 ms, max 1.250 ms");
    trips.unanswered();
    CHECK(trips.sent() == 4);
    CHECK(trips.summary().find("4 requests, 2 replies, 1 lost, 1 unanswered; round trip min ") == 0);
  }
}
