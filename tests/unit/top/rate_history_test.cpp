#include "mqtk/top/rate_history.hpp"

#include <doctest/doctest.h>

TEST_SUITE("rate_history") {
  TEST_CASE("counts per second, and nothing outside the history") {
    mqtk::RateHistory history;
    history.add(100);
    history.add(100);
    history.add(101, 5);
    CHECK(history.at(100) == 2);
    CHECK(history.at(101) == 5);
    CHECK(history.at(102) == 0);
    CHECK(history.at(99) == 0);
    // Seconds without messages are empty once time moves past them.
    history.add(105);
    CHECK(history.at(102) == 0);
    CHECK(history.at(104) == 0);
    CHECK(history.at(105) == 1);
    CHECK(history.at(101) == 5);
    // Far ahead: everything older is forgotten, not left in the ring.
    history.add(100 + mqtk::RateHistory::kSeconds * 3);
    CHECK(history.at(101) == 0);
    CHECK(history.at(105) == 0);
    CHECK(history.at(100 + mqtk::RateHistory::kSeconds * 3) == 1);
  }

  TEST_CASE("a late message older than the history is dropped") {
    mqtk::RateHistory history;
    history.add(50);
    history.add(50 - mqtk::RateHistory::kSeconds);
    CHECK(history.at(50 - mqtk::RateHistory::kSeconds) == 0);
    history.add(49);
    CHECK(history.at(49) == 1);
  }

  TEST_CASE("the rate over the window") {
    mqtk::RateHistory history;
    // 10 messages a second from second 0 to 19.
    for (int s = 0; s < 20; ++s) history.add(s, 10);
    // At 20.0 the window is seconds 15..19: 50 messages in 5 s.
    CHECK(history.rate(20.0, 0.0) == doctest::Approx(10.0));
    // At 20.5 half of second 15 has left the window, and second 20 is empty so far.
    CHECK(history.rate(20.5, 0.0) == doctest::Approx(9.0));
    // Nothing for a while: 0.
    CHECK(history.rate(40.0, 0.0) == 0.0);
  }

  TEST_CASE("a young topic's rate is over its age, and never over less than a second") {
    mqtk::RateHistory history;
    history.add(10, 4);
    history.add(11, 4);
    CHECK(history.rate(12.0, 10.0) == doctest::Approx(4.0));  // 8 messages in 2 s
    mqtk::RateHistory once;
    once.add(3);
    CHECK(once.rate(3.01, 3.0) == doctest::Approx(1.0));  // one message just now is 1 msg/s
  }

  TEST_CASE("counts saturate instead of wrapping") {
    mqtk::RateHistory history;
    history.add(1, 4'000'000'000u);
    history.add(1, 4'000'000'000u);
    CHECK(history.at(1) == 4'294'967'295u);
  }
}
