#include "mqtk/client/replay_source.hpp"

#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "temp_dir.hpp"

namespace {

using Clock = mqtk::PublishSource::Clock;
using std::chrono::milliseconds;

// A recording with messages at 0 s, 1 s, 1.5 s and 4 s.
std::string write_recording(const test_support::TempDir& dir, const std::string& extra = "") {
  std::string path = dir.directory + "/r.jsonl";
  std::ofstream(path) << R"({"time":"2026-01-01T00:00:00Z","topic":"plant/a","qos":1,"payload":"0"})"
                         "\n"
                      << R"({"time":"2026-01-01T00:00:01Z","topic":"plant/b","qos":2,"retain":true,"payload":"1"})"
                         "\n"
                      << extra
                      << R"({"time":"2026-01-01T01:00:01.5+01:00","topic":"other/c","payload":"2"})"
                         "\n"
                      << R"({"time":"2026-01-01T00:00:04Z","topic":"plant/d","payload":"3"})"
                         "\n";
  return path;
}

mqtk::ReplayOptions options_for(const std::string& path) {
  mqtk::ReplayOptions options;
  options.path = path;
  return options;
}

struct Taken {
  std::string topic;
  std::string payload;
  int qos;
  bool retain;
};

// Takes every message as soon as it is due; returns them and when each was due.
std::vector<Taken> take_all(mqtk::ReplaySource& source, std::vector<Clock::time_point>* due = nullptr) {
  std::vector<Taken> taken;
  Clock::time_point now = Clock::now();
  while (!source.exhausted()) {
    auto message = source.take(now);
    if (message) {
      if (due) due->push_back(now);
      taken.push_back({std::string(message->topic), std::string(message->payload), message->qos, message->retain});
      continue;
    }
    auto next = source.ready_at();
    if (!next) break;
    now = std::max(now, *next);
  }
  return taken;
}

std::vector<std::string> payloads(const std::vector<Taken>& taken) {
  std::vector<std::string> result;
  for (const Taken& t : taken) result.push_back(t.payload);
  return result;
}

}  // namespace

TEST_SUITE("replay_source") {
  TEST_CASE("messages are due at their recorded offsets, scaled by the speed") {
    test_support::TempDir dir;
    for (double speed : {1.0, 2.0, 0.5}) {
      CAPTURE(speed);
      auto options = options_for(write_recording(dir));
      options.speed = speed;
      mqtk::ReplaySource source(options, [](const std::string&) {});
      std::vector<Clock::time_point> due;
      auto taken = take_all(source, &due);
      REQUIRE(taken.size() == 4);
      auto offset = [&](std::size_t i) { return std::chrono::duration_cast<milliseconds>(due[i] - due[0]).count(); };
      CHECK(offset(1) == static_cast<long>(1000 / speed));
      CHECK(offset(2) == static_cast<long>(1500 / speed));
      CHECK(offset(3) == static_cast<long>(4000 / speed));
    }
  }

  TEST_CASE("a late message does not delay the ones after it") {
    test_support::TempDir dir;
    mqtk::ReplaySource source(options_for(write_recording(dir)), [](const std::string&) {});
    Clock::time_point start = Clock::now();
    REQUIRE(source.take(start));
    Clock::time_point second_due = *source.ready_at();
    CHECK_FALSE(source.take(second_due - milliseconds(1)));
    // Taken 300 ms late: the third is still due 1.5 s after the first.
    REQUIRE(source.take(second_due + milliseconds(300)));
    CHECK(*source.ready_at() - second_due == milliseconds(500));
    CHECK(source.worst_lag() == milliseconds(300));
  }

  TEST_CASE("max speed: everything is due at once") {
    test_support::TempDir dir;
    auto options = options_for(write_recording(dir));
    options.speed = 0;
    mqtk::ReplaySource source(options, [](const std::string&) {});
    Clock::time_point now = Clock::now();
    int count = 0;
    while (source.take(now)) ++count;
    CHECK(count == 4);
    CHECK(source.exhausted());
  }

  TEST_CASE("recorded QoS and retain, unless overridden") {
    test_support::TempDir dir;
    std::string path = write_recording(dir);
    mqtk::ReplaySource recorded(options_for(path), [](const std::string&) {});
    auto taken = take_all(recorded);
    REQUIRE(taken.size() == 4);
    CHECK(taken[0].qos == 1);
    CHECK(taken[1].qos == 2);
    CHECK(taken[1].retain);
    CHECK_FALSE(taken[2].retain);

    auto options = options_for(path);
    options.qos = 0;
    options.retain = false;
    mqtk::ReplaySource overridden(options, [](const std::string&) {});
    for (const Taken& t : take_all(overridden)) {
      CHECK(t.qos == 0);
      CHECK_FALSE(t.retain);
    }
  }

  TEST_CASE("topic prefix and map") {
    test_support::TempDir dir;
    auto options = options_for(write_recording(dir));
    options.speed = 0;
    options.topic_prefix = "sandbox/";
    options.topic_map = {{"plant/", "test-plant/"}, {"plant/b", "never"}};
    mqtk::ReplaySource source(options, [](const std::string&) {});
    std::vector<std::string> topics;
    for (const Taken& t : take_all(source)) topics.push_back(t.topic);
    CHECK(topics == std::vector<std::string>{"sandbox/test-plant/a", "sandbox/test-plant/b", "sandbox/other/c",
                                             "sandbox/test-plant/d"});
  }

  TEST_CASE("time bounds: absolute or after the first message") {
    test_support::TempDir dir;
    std::string path = write_recording(dir);
    auto options = options_for(path);
    options.speed = 0;
    options.from = "2026-01-01T00:00:01Z";
    options.to = "2026-01-01T00:00:02Z";
    mqtk::ReplaySource absolute(options, [](const std::string&) {});
    CHECK(payloads(take_all(absolute)) == std::vector<std::string>{"1", "2"});

    options.from = "1s";
    options.to = "1500ms";
    mqtk::ReplaySource relative(options, [](const std::string&) {});
    CHECK(payloads(take_all(relative)) == std::vector<std::string>{"1", "2"});
    CHECK(relative.total() == 2);

    options.from = "soon";
    CHECK_THROWS_AS(mqtk::ReplaySource(options, [](const std::string&) {}), mqtk::UsageError);
  }

  TEST_CASE("loops: N passes, each keeping the gaps") {
    test_support::TempDir dir;
    auto options = options_for(write_recording(dir));
    options.loops = 3;
    mqtk::ReplaySource source(options, [](const std::string&) {});
    std::vector<Clock::time_point> due;
    auto taken = take_all(source, &due);
    REQUIRE(taken.size() == 12);
    CHECK(payloads(taken) == std::vector<std::string>{"0", "1", "2", "3", "0", "1", "2", "3", "0", "1", "2", "3"});
    // The second pass starts when the last message of the first went out.
    CHECK(due[4] - due[3] < milliseconds(5));
    CHECK(std::chrono::duration_cast<milliseconds>(due[5] - due[4]).count() == 1000);
  }

  TEST_CASE("a malformed record stops the replay before it, unless skipped") {
    test_support::TempDir dir;
    std::string path = write_recording(dir, "not json\n");
    auto options = options_for(path);
    options.speed = 0;
    mqtk::ReplaySource stopping(options, [](const std::string&) {});
    CHECK(payloads(take_all(stopping)) == std::vector<std::string>{"0", "1"});
    REQUIRE(stopping.failure());
    CHECK(*stopping.failure() == path + ":3: not a JSON object");
    CHECK(stopping.exhausted());

    options.skip_bad = true;
    std::vector<std::string> warnings;
    mqtk::ReplaySource skipping(options, [&](const std::string& w) { warnings.push_back(w); });
    CHECK(payloads(take_all(skipping)) == std::vector<std::string>{"0", "1", "2", "3"});
    CHECK_FALSE(skipping.failure());
    CHECK(skipping.skipped() == 1);
    CHECK(warnings == std::vector<std::string>{path + ":3: not a JSON object (skipped)"});
  }

  TEST_CASE("progress: total, span and position") {
    test_support::TempDir dir;
    mqtk::ReplaySource source(options_for(write_recording(dir)), [](const std::string&) {});
    CHECK(source.total() == 4);
    CHECK(source.span() == std::chrono::seconds(4));
    REQUIRE(source.take(Clock::now()));
    CHECK(source.position() == std::chrono::seconds(1));  // of the next one
  }

  TEST_CASE("below MQTT v5 properties are dropped, with one warning") {
    test_support::TempDir dir;
    std::string with_properties =
        R"({"time":"2026-01-01T00:00:00.5Z","topic":"p","properties":{"content-type":"text/plain"},"payload":"x"})"
        "\n";
    for (bool mqtt5 : {true, false}) {
      CAPTURE(mqtt5);
      auto options = options_for(write_recording(dir, with_properties + with_properties));
      options.speed = 0;
      options.with_properties = mqtt5;
      std::vector<std::string> warnings;
      mqtk::ReplaySource source(options, [&](const std::string& w) { warnings.push_back(w); });
      int with = 0;
      while (auto message = source.take(Clock::now())) with += message->properties != nullptr;
      CHECK(with == (mqtt5 ? 2 : 0));
      CHECK(warnings.size() == (mqtt5 ? 0 : 1));
    }
  }

  TEST_CASE("far times: exact waits, no wrap-around, and a bound on the wait") {
    test_support::TempDir dir;
    auto recording = [&](const std::vector<std::string>& times) {
      std::string path = dir.directory + "/far.jsonl";
      std::ofstream file(path);
      for (std::size_t i = 0; i < times.size(); ++i) {
        file << R"({"time":")" << times[i] << R"(","topic":"t","payload":")" << i << "\"}\n";
      }
      return path;
    };
    auto first_two = [&](mqtk::ReplaySource& source) {
      Clock::time_point start = Clock::now();
      REQUIRE(source.take(start));
      auto next = source.ready_at();
      return next ? std::optional<Clock::duration>(*next - start) : std::nullopt;
    };
    // 2026 to 2400 overflowed an int64 of nanoseconds and went out at once;
    // 0001 to 9999 waited for ever. Both are refused where they are.
    for (const char* far : {"2400-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z"}) {
      CAPTURE(far);
      std::string path = recording({"2026-01-01T00:00:00Z", far, "2026-01-01T00:00:01Z"});
      mqtk::ReplaySource stopping(options_for(path), [](const std::string&) {});
      CHECK_FALSE(first_two(stopping));
      REQUIRE(stopping.failure());
      CHECK(stopping.failure()->starts_with(path + ":2: the record is "));
      CHECK(
          stopping.failure()->ends_with(" at --speed 1; a replay waits at most 100 years (a faster --speed, or "
                                        "--speed max, sends it sooner)"));
      CHECK(stopping.exhausted());
    }
    std::string path = recording({"2026-01-01T00:00:00Z", "2400-01-01T00:00:00Z", "2026-01-01T00:00:01Z"});
    mqtk::ReplaySource stopping(options_for(path), [](const std::string&) {});
    first_two(stopping);
    CHECK(*stopping.failure() == path +
                                     ":2: the record is 373 years after the first of the replay, a wait of 373 years "
                                     "at --speed 1; a replay waits at most 100 years (a faster --speed, or --speed "
                                     "max, sends it sooner)");
    // --skip-bad goes on past it, with the same first record as the origin.
    auto options = options_for(path);
    options.skip_bad = true;
    std::vector<std::string> warnings;
    mqtk::ReplaySource skipping(options, [&](const std::string& w) { warnings.push_back(w); });
    CHECK(first_two(skipping) == std::chrono::seconds(1));
    CHECK(warnings.size() == 1);
    // Faster, the same gap is a wait, computed exactly: 200 years (73,048
    // days) at --speed 4.
    options = options_for(recording({"2026-01-01T00:00:00Z", "2226-01-01T00:00:00Z"}));
    options.speed = 4;
    mqtk::ReplaySource fast(options, [](const std::string&) {});
    CHECK(first_two(fast) == std::chrono::hours(24) * 73048 / 4);
    CHECK(fast.span() == std::chrono::hours(24) * 73048);
    // Back in time, however far: at once.
    mqtk::ReplaySource back(options_for(recording({"9999-01-01T00:00:00Z", "0001-01-01T00:00:00Z"})),
                            [](const std::string&) {});
    CHECK(first_two(back) == Clock::duration(0));
    // Progress figures saturate instead of wrapping.
    mqtk::ReplaySource widest(options_for(recording({"0001-01-01T00:00:00Z", "9999-12-31T00:00:00Z"})),
                              [](const std::string&) {});
    CHECK(widest.span() > std::chrono::hours(24) * 365 * 290);
  }

  TEST_CASE("stop ends the replay") {
    test_support::TempDir dir;
    mqtk::ReplaySource source(options_for(write_recording(dir)), [](const std::string&) {});
    REQUIRE(source.take(Clock::now()));
    source.stop();
    CHECK(source.exhausted());
    CHECK_FALSE(source.take(Clock::now() + std::chrono::hours(1)));
  }
}
