#include "mqtk/cli/rr_flags.hpp"

#include <doctest/doctest.h>

#include "mqtk/base/error.hpp"

namespace {

struct Typed {
  Typed() {
    flags.request.topic = "ask";
    flags.request.message = "question";
    flags.response_topic = "reply";
  }
  mqtk::RrSetup setup() { return mqtk::make_rr_setup(flags, connect, streams, reporter); }

  mqtk::RrFlags flags;
  mqtk::ConnectSetup connect;
  mqtk::StandardStreams streams;
  mqtk::Reporter reporter{"test"};
};

}  // namespace

TEST_SUITE("rr_flags") {
  TEST_CASE("MQTT v5 unless asked otherwise; any other version refused") {
    mqtk::ConnectFlags connect;
    mqtk::require_mqtt5(connect);
    CHECK(connect.protocol_version == "5");
    connect.protocol_version = "mqttv5";
    CHECK_NOTHROW(mqtk::require_mqtt5(connect));
    connect.protocol_version = "311";
    CHECK_THROWS_WITH_AS(mqtk::require_mqtt5(connect),
                         "-V 311: mqtk-rr only supports connecting to an MQTT v5 broker (requests need a response "
                         "topic and correlation data)",
                         mqtk::UsageError);
  }

  TEST_CASE_FIXTURE(Typed, "one request, waited for as long as -W says") {
    flags.request.qos = 2;
    flags.timeout_seconds = 7;
    flags.skip_retained = true;
    mqtk::RrSetup rr = setup();
    CHECK(rr.options.response_topic == "reply");
    CHECK(rr.options.qos == 2);
    CHECK(rr.options.timeout == std::chrono::seconds(7));
    CHECK(rr.options.skip_retained);
    CHECK_FALSE(rr.options.carry_on_when_lost);
    CHECK_FALSE(rr.options.report_summary);
    auto request = rr.requests->take({});
    REQUIRE(request);
    CHECK(request->topic == "ask");
    CHECK(request->payload == "question");
    CHECK(rr.requests->exhausted());
  }

  TEST_CASE_FIXTURE(Typed, "--count: N requests, each waited for 5 s unless -W says, lost ones counted") {
    flags.count = 3;
    mqtk::RrSetup rr = setup();
    CHECK(rr.options.carry_on_when_lost);
    CHECK(rr.options.report_summary);
    CHECK(rr.options.timeout == mqtk::kDefaultCountTimeout);
    for (int i = 0; i < 3; ++i) {
      CHECK(rr.requests->take({}));
      rr.requests->completed({});
    }
    CHECK(rr.requests->exhausted());
  }

  TEST_CASE_FIXTURE(Typed, "--interval: the pause after each reply") {
    flags.count = 2;
    flags.interval = "1500ms";
    mqtk::RrSetup rr = setup();
    mqtk::PublishSource::Clock::time_point start{};
    REQUIRE(rr.requests->take(start));
    rr.requests->completed(start);
    CHECK(rr.requests->ready_at() == start + std::chrono::milliseconds(1500));
  }

  TEST_CASE_FIXTURE(Typed, "mistakes") {
    SUBCASE("no response topic") {
      flags.response_topic.reset();
      CHECK_THROWS_WITH_AS(setup(), "-e: give the response topic to wait for the reply on", mqtk::UsageError);
    }
    SUBCASE("a wildcard in the response topic") {
      flags.response_topic = "reply/#";
      CHECK_THROWS_AS(setup(), mqtk::UsageError);
    }
    SUBCASE("no request topic") {
      flags.request.topic.reset();
      CHECK_THROWS_AS(setup(), mqtk::UsageError);
    }
    SUBCASE("no request") {
      flags.request.message.reset();
      CHECK_THROWS_AS(setup(), mqtk::UsageError);
    }
    SUBCASE("--interval without --count") {
      flags.interval = "1s";
      CHECK_THROWS_WITH_AS(setup(), "--interval: goes with --count", mqtk::UsageError);
    }
    SUBCASE("--count with -l") {
      flags.request.message.reset();
      flags.request.stdin_lines = true;
      flags.count = 2;
      CHECK_THROWS_WITH_AS(setup(), "--count: -l sends a request per line; drop one of them", mqtk::UsageError);
    }
    SUBCASE("a bad --interval") {
      flags.count = 2;
      flags.interval = "soon";
      CHECK_THROWS_AS(setup(), mqtk::UsageError);
    }
  }
}
