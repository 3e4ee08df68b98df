#include "mqtk/base/units.hpp"

#include <doctest/doctest.h>

#include "mqtk/base/error.hpp"
#include "mqtk/record/durability.hpp"

using namespace std::chrono_literals;

TEST_SUITE("units") {
  TEST_CASE("sizes") {
    CHECK(mqtk::parse_size("100MB", "--rotate") == 100000000);
    CHECK(mqtk::parse_size("1GiB", "--rotate") == 1073741824);
    CHECK(mqtk::parse_size("2kb", "--rotate") == 2000);
    CHECK(mqtk::parse_size("512", "--rotate") == 512);
    CHECK(mqtk::parse_size("1.5MiB", "--rotate") == 1572864);
    CHECK_THROWS_WITH_AS(mqtk::parse_size("lots", "--spool-max"),
                         "--spool-max: expected a size such as 100MB or 2GiB, not 'lots'", mqtk::UsageError);
    CHECK_THROWS_AS(mqtk::parse_size("0", "--rotate"), mqtk::UsageError);
    CHECK_THROWS_AS(mqtk::parse_size("-1MB", "--rotate"), mqtk::UsageError);
    CHECK_THROWS_AS(mqtk::parse_size("10XB", "--rotate"), mqtk::UsageError);
  }

  TEST_CASE("durations") {
    CHECK(mqtk::parse_duration("1h", "--rotate") == 1h);
    CHECK(mqtk::parse_duration("500ms", "--rotate") == 500ms);
    CHECK(mqtk::parse_duration("2", "--rotate") == 2s);
    CHECK(mqtk::parse_duration("1.5s", "--rotate") == 1500ms);
    CHECK(mqtk::parse_duration("1d", "--rotate") == 24h);
    CHECK_THROWS_AS(mqtk::parse_duration("soon", "--rotate"), mqtk::UsageError);
    CHECK_THROWS_AS(mqtk::parse_duration("0s", "--rotate"), mqtk::UsageError);
    CHECK_THROWS_AS(mqtk::parse_duration("1y", "--rotate"), mqtk::UsageError);
    CHECK(mqtk::parse_duration("1h30m", "--rotate") == 90min);
    // Past about 292 years a steady_clock time point wraps: refused well before.
    CHECK(mqtk::parse_duration("36500d", "--after") == std::chrono::hours(24 * 36500));
    CHECK_THROWS_WITH(mqtk::parse_duration("36501d", "--after"), "--after: at most 36500d (100 years), not '36501d'");
    CHECK_THROWS_WITH(mqtk::parse_duration("9999999999s", "--interval"),
                      "--interval: at most 36500d (100 years), not '9999999999s'");
    CHECK_THROWS_AS(mqtk::parse_duration("1e300s", "--interval"), mqtk::UsageError);
    CHECK(mqtk::parse_duration("1d12h", "--rotate") == 36h);
    CHECK(mqtk::parse_duration("2m30s500ms", "--rotate") == 150500ms);
    CHECK(mqtk::parse_duration("1min", "--rotate") == 1min);
    CHECK_THROWS_WITH(mqtk::parse_duration("1h5", "--rotate"),
                      "--rotate: expected a duration such as 500ms, 30s, 5m, 1h30m or 1d, not '1h5'");
    CHECK_THROWS_AS(mqtk::parse_duration("h", "--rotate"), mqtk::UsageError);
    CHECK_THROWS_AS(mqtk::parse_duration("1h-5m", "--rotate"), mqtk::UsageError);
    CHECK_THROWS_AS(mqtk::parse_duration("", "--rotate"), mqtk::UsageError);
  }

  TEST_CASE("fsync policies") {
    CHECK(mqtk::parse_durability("batch").policy == mqtk::Durability::Policy::kBeforeAcknowledging);
    CHECK(mqtk::parse_durability("never").policy == mqtk::Durability::Policy::kNever);
    auto interval = mqtk::parse_durability("2s");
    CHECK(interval.policy == mqtk::Durability::Policy::kInterval);
    CHECK(interval.interval == 2s);
    CHECK_THROWS_AS(mqtk::parse_durability("always"), mqtk::UsageError);

    auto now = std::chrono::steady_clock::now();
    mqtk::SyncSchedule schedule(interval);
    CHECK(schedule.due(now, true));
    CHECK_FALSE(schedule.due(now + 1s, true));  // the interval, acknowledgements or not
    CHECK(schedule.due(now + 2s, false));

    mqtk::SyncSchedule batch(mqtk::parse_durability("batch"));
    CHECK(batch.due(now, true));
    CHECK(batch.due(now, true));                 // always before acknowledging
    CHECK_FALSE(batch.due(now + 500ms, false));  // unacknowledged data waits up to a second
    CHECK(batch.due(now + 1s, false));

    mqtk::SyncSchedule never(mqtk::parse_durability("never"));
    CHECK_FALSE(never.due(now, true));
  }
}
