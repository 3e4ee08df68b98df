#include "mqtk/client/requester.hpp"

#include <signal.h>

#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <mqtt_protocol.h>

#include "client/captured_stderr.hpp"
#include "client/scripted_broker.hpp"
#include "mqtk/base/error.hpp"

namespace {

using namespace std::chrono_literals;
using Strings = std::vector<std::string>;
using test_support::DropConnection;
using test_support::Incoming;
using test_support::RaiseSignal;
using test_support::SendMessages;
using test_support::StayQuiet;

// The payloads of the replies handed over, in order.
class ReplySink final : public mqtk::MessageSink {
 public:
  bool write(const mqtk::Message& message) override {
    written.emplace_back(message.payload);
    return true;
  }
  void commit(bool) override {}
  std::size_t uncommitted() const override { return 0; }

  Strings written;
};

// One Requester run against a scripted broker, with correlation data c1,
// c2, ... and the requests a PublishSource of mqtk-pub's repeats.
struct RequesterRun {
  RequesterRun() { options.response_topic = "reply"; }

  int run(long count = 1, std::chrono::microseconds interval = {}) {
    mqtk::RepeatedMessage requests("ask", "question", 0, false, nullptr, count, interval);
    int made = 0;
    mqtk::Requester requester(
        connect, options, requests, sink, reporter, signals, [](std::string_view) {}, broker.opener(), broker.clock,
        [&made] { return "c" + std::to_string(++made); });
    int status = requester.run();
    round_trips = requester.round_trips();
    return status;
  }

  test_support::ScriptedBroker broker;
  mqtk::ConnectOptions connect;
  mqtk::RequestOptions options;
  ReplySink sink;
  mqtk::Reporter reporter{"mqtk-rr"};
  mqtk::SignalWatch signals{SIGINT};
  test_support::CapturedStderr errors;
  mqtk::RoundTrips round_trips;
};

// The broker's first turns answer CONNECT and SUBSCRIBE; the request goes
// out after them, so what is sent after these steps comes after it.
constexpr StayQuiet kUntilRequested{1ms};

Incoming reply(std::string payload, std::optional<std::string> correlation, bool retain = false) {
  return {"reply", std::move(payload), 0, retain, std::move(correlation)};
}

}  // namespace

TEST_SUITE("requester") {
  TEST_CASE("subscribes to the response topic, then sends the request with fresh correlation data") {
    RequesterRun run;
    run.broker.script = {kUntilRequested, kUntilRequested, SendMessages{{reply("answer", "c1")}}};
    CHECK(run.run() == mqtk::kExitSuccess);
    CHECK(run.broker.position("SUBSCRIBE reply") < run.broker.position("PUBLISH 2 ask"));
    REQUIRE(run.broker.published.size() == 1);
    CHECK(run.broker.published[0].payload == "question");
    CHECK(run.broker.published[0].correlation_data == "c1");
    CHECK(run.sink.written == Strings{"answer"});
    CHECK(run.broker.logged("DISCONNECT 0"));
    CHECK(run.round_trips.replies() == 1);
  }

  TEST_CASE("a reply with other correlation data, or none, is not the reply") {
    RequesterRun run;
    run.broker.script = {kUntilRequested, kUntilRequested,
                         SendMessages{{reply("stale", "c0"), reply("anonymous", std::nullopt), reply("answer", "c1")}}};
    CHECK(run.run() == mqtk::kExitSuccess);
    CHECK(run.sink.written == Strings{"answer"});
    CHECK(run.errors.text().find("without correlation data") != std::string::npos);
  }

  TEST_CASE("a retained message is never the reply, even with the request's correlation data") {
    // Stored before the subscription, so before the request: with -D publish
    // correlation-data it can carry the same data as this request.
    for (bool skip_retained : {false, true}) {
      RequesterRun run;
      run.options.skip_retained = skip_retained;
      run.options.timeout = 2s;
      run.broker.script = {kUntilRequested, kUntilRequested, SendMessages{{reply("kept", "c1", true)}}};
      CHECK(run.run() == mqtk::kExitTimedOut);
      CHECK(run.sink.written.empty());
    }
  }

  TEST_CASE("-W: no reply in time exits 27, asking for the will as mosquitto_rr does") {
    RequesterRun run;
    run.options.timeout = 3s;
    auto started = run.broker.clock.now();
    CHECK(run.run() == mqtk::kExitTimedOut);
    CHECK(run.broker.clock.now() - started >= 3s);
    CHECK(run.broker.clock.now() - started < 4s);
    CHECK(run.broker.logged("DISCONNECT " + std::to_string(MQTT_RC_DISCONNECT_WITH_WILL_MSG)));
    CHECK(run.errors.text().find("Timed out") != std::string::npos);
    CHECK(run.round_trips.lost_count() == 1);
  }

  TEST_CASE("--count: each request its own correlation data; a lost reply is counted and the next goes out") {
    RequesterRun run;
    run.options.timeout = 1s;
    run.options.carry_on_when_lost = true;
    run.options.report_summary = true;
    // The first reply comes, the second never does, the third does, late
    // replies to the second included.
    run.broker.script = {kUntilRequested, kUntilRequested, SendMessages{{reply("one", "c1")}}, StayQuiet{1500ms},
                         SendMessages{{reply("late", "c2"), reply("three", "c3")}}};
    CHECK(run.run(3) == mqtk::kExitTimedOut);
    REQUIRE(run.broker.published.size() == 3);
    CHECK(run.broker.published[2].correlation_data == "c3");
    CHECK(run.sink.written == Strings{"one", "three"});
    CHECK(run.round_trips.sent() == 3);
    CHECK(run.round_trips.lost_count() == 1);
    CHECK(run.errors.text().find("3 requests, 2 replies, 1 lost; round trip min ") != std::string::npos);
  }

  TEST_CASE("--count: a run cut short says what it measured, the request still waiting as unanswered") {
    RequesterRun run;
    run.options.timeout = 10s;
    run.options.carry_on_when_lost = true;
    run.options.report_summary = true;
    run.broker.script = {kUntilRequested, kUntilRequested, SendMessages{{reply("one", "c1")}}, kUntilRequested};
    SUBCASE("by Ctrl-C") {
      run.broker.script.push_back(RaiseSignal{SIGINT});
      CHECK(run.run(5) == 128 + SIGINT);
      CHECK(run.round_trips.sent() == 2);
    }
    SUBCASE("by a lost connection") {
      run.broker.script.push_back(DropConnection{});
      CHECK_THROWS_WITH_AS(run.run(5), doctest::Contains("lost the connection"), mqtk::Error);
    }
    CHECK(run.errors.text().find("2 requests, 1 reply, 0 lost, 1 unanswered; round trip min ") != std::string::npos);
  }

  TEST_CASE("a request the broker refuses is said, and has no reply") {
    RequesterRun run;
    run.options.qos = 1;
    run.options.timeout = 1s;
    run.broker.publish_reasons = {{2, MQTT_RC_NOT_AUTHORIZED}};  // 1 is the SUBSCRIBE
    CHECK(run.run() == mqtk::kExitTimedOut);
    CHECK(run.errors.text().find("the broker refused the request: Not authorized") != std::string::npos);
  }

  TEST_CASE("a broker that refuses the subscription to the response topic is an error") {
    RequesterRun run;
    run.broker.granted = {MQTT_RC_NOT_AUTHORIZED};
    CHECK_THROWS_AS(run.run(), mqtk::Error);
    CHECK(run.broker.published.empty());
  }
}
