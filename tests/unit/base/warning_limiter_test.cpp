#include "mqtk/base/warning_limiter.hpp"

#include <string>
#include <vector>

#include <doctest/doctest.h>

using namespace std::chrono_literals;

TEST_SUITE("warning_limiter") {
  TEST_CASE("the first five pass, then one per ten seconds with the count left out") {
    std::vector<std::string> shown;
    mqtk::WarningLimiter limiter([&](const std::string& w) { shown.push_back(w); });
    mqtk::WarningLimiter::Clock::time_point t{1000s};
    for (int i = 0; i < 8; ++i) limiter.warn("w" + std::to_string(i), t + std::chrono::milliseconds(i));
    CHECK(shown == std::vector<std::string>{"w0", "w1", "w2", "w3", "w4"});
    CHECK(limiter.left_out() == 3);
    limiter.warn("w8", t + 9s);  // within ten seconds of w4
    CHECK(shown.size() == 5);
    limiter.warn("w9", t + 10s + 4ms);
    CHECK(shown.back() == "w9 (4 more warnings like it not shown)");
    CHECK(limiter.left_out() == 0);
    limiter.warn("w10", t + 21s);  // nothing left out meanwhile: as it is
    CHECK(shown.back() == "w10");
    limiter.warn("w11", t + 22s);
    limiter.warn("w12", t + 32s);
    CHECK(shown.back() == "w12 (1 more warning like it not shown)");
  }

  TEST_CASE("those left out at the end are counted when the limiter goes, once however it was moved") {
    std::vector<std::string> shown;
    {
      mqtk::WarningLimiter limiter([&](const std::string& w) { shown.push_back(w); });
      for (int i = 0; i < 7; ++i) limiter.warn("w" + std::to_string(i));
      mqtk::WarningLimiter moved(std::move(limiter));
      moved.warn("w7");
      CHECK(shown.size() == 5);
    }
    CHECK(shown.size() == 6);
    CHECK(shown.back() == "3 more warnings like those above not shown");
    {
      mqtk::WarningLimiter quiet([&](const std::string& w) { shown.push_back(w); });
      quiet.warn("only");
    }
    CHECK(shown.back() == "only");  // nothing left out: nothing more said
  }
}
