#include "mqtk/client/publisher.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <optional>
#include <string>

#include <doctest/doctest.h>
#include <mqtt_protocol.h>

#include "client/captured_stderr.hpp"
#include "client/scripted_broker.hpp"
#include "mqtk/base/error.hpp"
#include "mqtk/base/fd.hpp"

namespace {

using test_support::DropConnection;
using test_support::RaiseSignal;

// `total` messages that arrive `batch` at a time on an input descriptor
// (always readable), counting the messages taken while the publisher's
// window was full.
class InputInBatches final : public mqtk::PublishSource {
 public:
  InputInBatches(long total, long batch) : total_(total), batch_(batch) {
    int ends[2];
    REQUIRE(pipe2(ends, O_CLOEXEC) == 0);
    read_end_.reset(ends[0]);
    write_end_.reset(ends[1]);
    REQUIRE(write(write_end_.get(), "x", 1) == 1);
  }

  std::optional<mqtk::OutgoingMessage> take(Clock::time_point) override {
    if (taken_ >= available_) return std::nullopt;
    if (taken_ - completed_ >= mqtk::kPublishWindow) ++taken_with_full_window;
    ++taken_;
    return mqtk::OutgoingMessage{"a/b", "x", 1, false, nullptr};
  }
  bool exhausted() const override { return taken_ >= total_; }
  int input_fd() const override { return available_ < total_ ? descriptor() : -1; }
  void read_input() override { available_ = std::min(total_, available_ + batch_); }
  void completed(Clock::time_point) override { ++completed_; }
  void stop() override { total_ = taken_; }

  int descriptor() const { return read_end_.get(); }

  long taken_with_full_window = 0;

 private:
  bool window_full() const { return taken_ - completed_ >= mqtk::kPublishWindow; }

  long total_;
  long batch_;
  long available_ = 0;
  long taken_ = 0;
  long completed_ = 0;
  mqtk::Fd read_end_;
  mqtk::Fd write_end_;
};

// One Publisher run against a scripted broker.
struct PublisherRun {
  int run(mqtk::PublishSource& source) {
    mqtk::Publisher publisher(
        connect, source, reporter, [](std::string_view) {}, broker.opener(), broker.clock);
    try {
      int status = publisher.run();
      published = publisher.published();
      completed = publisher.completed();
      return status;
    } catch (...) {
      published = publisher.published();
      completed = publisher.completed();
      throw;
    }
  }

  // What run() threw, if it threw an mqtk::Error.
  std::optional<mqtk::Error> error_of_run(mqtk::PublishSource& source) {
    try {
      run(source);
    } catch (const mqtk::Error& e) {
      return e;
    }
    return std::nullopt;
  }

  test_support::ScriptedBroker broker;
  mqtk::ConnectOptions connect;
  mqtk::Reporter reporter{"mqtk-pub"};
  test_support::CapturedStderr errors;
  long published = 0;
  long completed = 0;
};

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_SUITE("publisher") {
  TEST_CASE("never more than the window is unacknowledged, and input is read only as acknowledgements make room") {
    PublisherRun run;
    run.broker.acknowledgements_per_turn = 30;  // slower than the input comes, and out of step with it
    InputInBatches source(3 * mqtk::kPublishWindow, 100);
    CHECK(run.run(source) == mqtk::kExitSuccess);
    CHECK(run.completed == 3 * mqtk::kPublishWindow);
    CHECK(run.broker.most_unacknowledged == mqtk::kPublishWindow);
    CHECK(source.taken_with_full_window == 0);
    // While the window is full the input is not even waited for (that would
    // wake the loop for nothing); it is again once acknowledgements came.
    bool filled = false;
    long waits_for_input_after_filled = 0;
    for (const test_support::ScriptedBroker::Turn& turn : run.broker.turns) {
      bool waits_for_input =
          std::find(turn.watched.begin(), turn.watched.end(), source.descriptor()) != turn.watched.end();
      if (turn.unacknowledged >= mqtk::kPublishWindow) {
        filled = true;
        CHECK_FALSE(waits_for_input);
      } else if (filled && waits_for_input) {
        ++waits_for_input_after_filled;
      }
    }
    CHECK(filled);
    CHECK(waits_for_input_after_filled > 0);
  }

  TEST_CASE("every message is acknowledged before DISCONNECT") {
    PublisherRun run;
    run.broker.acknowledgements_per_turn = 7;
    mqtk::RepeatedMessage source("a/b", "x", 1, false, nullptr, 50, std::chrono::microseconds(0));
    CHECK(run.run(source) == mqtk::kExitSuccess);
    CHECK(run.published == 50);
    CHECK(run.completed == 50);
    long disconnected = run.broker.position("DISCONNECT 0");
    REQUIRE(disconnected >= 0);
    for (int mid = 1; mid <= 50; ++mid) {
      long acknowledged = run.broker.position("read PUBACK " + std::to_string(mid));
      CHECK(acknowledged >= 0);
      CHECK(acknowledged < disconnected);
    }
  }

  TEST_CASE("a lost connection is an error that says how many messages were not acknowledged") {
    PublisherRun run;
    run.broker.acknowledgements_per_turn = 3;
    run.broker.script = {DropConnection{0, 3}};
    mqtk::RepeatedMessage source("a/b", "x", 1, false, nullptr, 10, std::chrono::microseconds(0));
    std::optional<mqtk::Error> error = run.error_of_run(source);
    REQUIRE(error);
    CHECK(error->exit_code() == mqtk::kExitFailure);
    CHECK(contains(error->what(), "lost the connection to localhost:1883"));
    CHECK(contains(error->what(), "7 of 10 messages were not acknowledged"));
    CHECK(run.completed == 3);
  }

  TEST_CASE("a publish the broker refuses (reason 128 or more) ends the run with 1, after the rest completed") {
    PublisherRun run;
    run.broker.publish_reasons = {{3, MQTT_RC_NOT_AUTHORIZED}};
    mqtk::RepeatedMessage source("a/b", "x", 1, false, nullptr, 5, std::chrono::microseconds(0));
    std::optional<mqtk::Error> error = run.error_of_run(source);
    REQUIRE(error);
    CHECK(error->exit_code() == mqtk::kExitFailure);
    CHECK(contains(error->what(), "1 of 5 messages were refused by the broker"));
    CHECK(contains(run.errors.text(), "the broker refused message 3: Not authorized"));
    CHECK(run.completed == 5);
    CHECK(run.broker.logged("DISCONNECT 0"));
  }

  TEST_CASE("a signal before the broker accepts the connection ends the run with 128+N, nothing published") {
    PublisherRun run;
    run.broker.accepts_connections = false;
    run.broker.script = {RaiseSignal{SIGINT, true}};
    mqtk::RepeatedMessage source("a/b", "x", 1, false, nullptr, 5, std::chrono::microseconds(0));
    std::optional<mqtk::Error> error = run.error_of_run(source);
    REQUIRE(error);
    CHECK(error->exit_code() == 128 + SIGINT);
    CHECK(contains(error->what(), "nothing was published"));
    CHECK(run.broker.published.empty());
  }
}
