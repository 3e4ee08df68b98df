#include "mqtk/base/rate_limited_warning.hpp"

#include <string>
#include <vector>

#include <doctest/doctest.h>

using namespace std::chrono_literals;
using Clock = mqtk::RateLimitedWarning::Clock;

TEST_SUITE("rate_limited_warning") {
  TEST_CASE("the first warning shows at once, the next ones once per period with how many were not shown") {
    std::vector<std::string> shown;
    mqtk::RateLimitedWarning warning([&](const std::string& text) { shown.push_back(text); }, 10s);
    Clock::time_point start{};
    warning.warn("a: not cbor", start);
    CHECK(shown == std::vector<std::string>{"a: not cbor"});

    warning.warn("b: not cbor", start + 1s);
    warning.warn("c: not cbor", start + 9s);
    CHECK(shown.size() == 1);
    CHECK(warning.unshown() == 2);

    warning.warn("d: not cbor", start + 10s);
    REQUIRE(shown.size() == 2);
    CHECK(shown[1] == "d: not cbor (2 more like it since the last shown)");
    CHECK(warning.unshown() == 0);
  }

  TEST_CASE("warnings a period apart all show, without a count") {
    std::vector<std::string> shown;
    mqtk::RateLimitedWarning warning([&](const std::string& text) { shown.push_back(text); }, 1s);
    Clock::time_point start{};
    for (int i = 0; i < 3; ++i) warning.warn("w", start + i * 1s);
    CHECK(shown == std::vector<std::string>{"w", "w", "w"});
  }

  TEST_CASE("the period counts from the last one shown, not the last one warned") {
    std::vector<std::string> shown;
    mqtk::RateLimitedWarning warning([&](const std::string& text) { shown.push_back(text); }, 10s);
    Clock::time_point start{};
    warning.warn("w", start);
    for (int i = 1; i <= 12; ++i) warning.warn("w", start + i * 1s);
    // Shown at 0 and at 10 (9 unshown between), 11 and 12 not yet.
    CHECK(shown == std::vector<std::string>{"w", "w (9 more like it since the last shown)"});
    CHECK(warning.unshown() == 2);
  }
}
