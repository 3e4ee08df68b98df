#include "mqtk/client/subscriber.hpp"

#include <signal.h>

#include <exception>
#include <optional>
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <mqtt_protocol.h>

#include "client/captured_stderr.hpp"
#include "client/scripted_broker.hpp"
#include "mqtk/base/error.hpp"
#include "mqtk/base/output_buffer.hpp"

namespace {

using namespace std::chrono_literals;
using Strings = std::vector<std::string>;
using test_support::DropConnection;
using test_support::Incoming;
using test_support::RaiseSignal;
using test_support::SendMessages;
using test_support::StayQuiet;

constexpr const char* kCommitBeforeAcknowledgements = "commit before acknowledgements";
// A payload the LoggingSink does not show (as --jq leaves out a message).
constexpr std::string_view kHidden = "hidden";

// A sink that logs into the broker's log, so that one log shows the order of
// writes, commits and acknowledgements.
class LoggingSink final : public mqtk::MessageSink {
 public:
  explicit LoggingSink(std::vector<std::string>& log) : log_(log) {}

  bool write(const mqtk::Message& message) override {
    log_.push_back("write " + std::string(message.topic));
    written.emplace_back(message.topic);
    uncommitted_ += message.payload.size() + 1;
    if (message.topic == end_at) ended_ = mqtk::SinkEnd{3, "halted at " + end_at};
    return message.payload != kHidden;
  }
  std::optional<mqtk::SinkEnd> ended() const override { return ended_; }
  void commit(bool before_acknowledgements) override {
    if (failure_ && written.size() > writes_before_failure_) std::rethrow_exception(failure_);
    log_.push_back(before_acknowledgements ? kCommitBeforeAcknowledgements : "commit");
    uncommitted_ = 0;
  }
  std::size_t uncommitted() const override { return uncommitted_; }

  // Commits throw `failure` once more than `writes` messages were written.
  void fail_commits_after(std::size_t writes, std::exception_ptr failure) {
    writes_before_failure_ = writes;
    failure_ = std::move(failure);
  }

  Strings written;     // the topics, in order
  std::string end_at;  // the topic whose message ends the run (as --jq's halt)

 private:
  std::vector<std::string>& log_;
  std::size_t uncommitted_ = 0;
  std::size_t writes_before_failure_ = 0;
  std::exception_ptr failure_;
  std::optional<mqtk::SinkEnd> ended_;
};

// One Subscriber run against a scripted broker, subscribed to "#" at QoS 1
// unless a test says otherwise.
struct SubscriberRun {
  SubscriberRun() {
    options.topics = {"#"};
    options.qos = 1;
  }

  int run() {
    mqtk::Subscriber subscriber(
        connect, options, sink, reporter, signals, [](std::string_view) {}, broker.opener(), broker.clock);
    subscriber.set_on_subscribed([this](const Strings& granted) {
      broker.log.push_back("on_subscribed");
      subscribed.push_back(granted);
    });
    return subscriber.run();
  }

  // What run() threw, if it threw an mqtk::Error.
  std::optional<mqtk::Error> error_of_run() {
    try {
      run();
    } catch (const mqtk::Error& e) {
      return e;
    }
    return std::nullopt;
  }

  // Whether the acknowledgement of the broker's message `mid` (the mid-th it
  // sent) was written, and only after the message was committed.
  bool acknowledged_after_commit(int mid, const std::string& topic) const {
    long written = broker.position("write " + topic);
    long acknowledged = broker.position("PUBACK " + std::to_string(mid));
    if (written < 0 || acknowledged < written) return false;
    for (long i = written + 1; i < acknowledged; ++i) {
      if (broker.log[static_cast<std::size_t>(i)] == kCommitBeforeAcknowledgements) return true;
    }
    return false;
  }

  test_support::ScriptedBroker broker;
  mqtk::ConnectOptions connect;
  mqtk::SubscribeOptions options;
  LoggingSink sink{broker.log};
  mqtk::Reporter reporter{"mqtk-sub"};
  mqtk::SignalWatch signals{SIGINT};
  test_support::CapturedStderr errors;
  std::vector<Strings> subscribed;  // what each on_subscribed call reported
};

Incoming retained(std::string topic) { return {std::move(topic), "kept", 1, true}; }
Incoming live(std::string topic) { return {std::move(topic), "new", 1, false}; }

}  // namespace

TEST_SUITE("subscriber") {
  TEST_CASE("an acknowledgement is written only after its message was committed") {
    SubscriberRun run;
    run.broker.script = {SendMessages{{live("a/1"), live("a/2")}}, SendMessages{{live("a/3")}}, RaiseSignal{SIGINT}};
    CHECK(run.run() == mqtk::kExitSuccess);
    CHECK(run.sink.written == Strings{"a/1", "a/2", "a/3"});
    CHECK(run.acknowledged_after_commit(1, "a/1"));
    CHECK(run.acknowledged_after_commit(2, "a/2"));
    CHECK(run.acknowledged_after_commit(3, "a/3"));
  }

  TEST_CASE("a commit that fails acknowledges none of the messages it held") {
    SubscriberRun run;
    int expected_status = 0;
    SUBCASE("the reader of standard output went away (EPIPE)") {
      run.sink.fail_commits_after(2, std::make_exception_ptr(mqtk::OutputClosed()));
      expected_status = mqtk::kExitBrokenPipe;
    }
    SUBCASE("the disk is full") {
      run.sink.fail_commits_after(2, std::make_exception_ptr(mqtk::Error("out.jsonl: No space left on device")));
      expected_status = mqtk::kExitFailure;
    }
    run.broker.script = {SendMessages{{live("a/1"), live("a/2")}}, SendMessages{{live("a/3"), live("a/4")}}};
    std::optional<mqtk::Error> error = run.error_of_run();
    CHECK(run.acknowledged_after_commit(1, "a/1"));
    CHECK(run.acknowledged_after_commit(2, "a/2"));
    CHECK(run.broker.logged("write a/4"));
    CHECK_FALSE(run.broker.logged("PUBACK 3"));
    CHECK_FALSE(run.broker.logged("PUBACK 4"));
    REQUIRE(error);
    CHECK(error->exit_code() == expected_status);
  }

  TEST_CASE("a turn stops reading once a commit's worth of output has collected, and commits it") {
    SubscriberRun run;
    std::vector<Incoming> large;
    for (int i = 0; i < 20; ++i) large.push_back({"big/" + std::to_string(i), std::string(32 * 1024, 'x'), 1, false});
    run.options.max_messages = 20;
    run.broker.script = {SendMessages{large}};
    CHECK(run.run() == mqtk::kExitSuccess);
    CHECK(run.sink.written.size() == 20);
    // Two of these messages (and their newlines) are past 64 KiB.
    long writes_between_commits = 0;
    long most_between_commits = 0;
    for (const std::string& line : run.broker.log) {
      if (line.rfind("write ", 0) == 0) most_between_commits = std::max(most_between_commits, ++writes_between_commits);
      if (line == kCommitBeforeAcknowledgements || line == "commit") writes_between_commits = 0;
    }
    CHECK(most_between_commits == 2);
    for (int i = 0; i < 20; ++i) CHECK(run.acknowledged_after_commit(i + 1, "big/" + std::to_string(i)));
  }

  TEST_CASE("-C N stops reading after N messages; the rest stay unacknowledged at the broker") {
    SubscriberRun run;
    run.options.max_messages = 2;
    run.broker.script = {SendMessages{{live("a/1"), live("a/2"), live("a/3"), live("a/4")}}};
    CHECK(run.run() == mqtk::kExitSuccess);
    CHECK(run.sink.written == Strings{"a/1", "a/2"});
    CHECK(run.acknowledged_after_commit(1, "a/1"));
    CHECK(run.acknowledged_after_commit(2, "a/2"));
    CHECK(run.broker.unread.size() == 2);
    CHECK_FALSE(run.broker.logged("PUBACK 3"));
    CHECK(run.broker.position("DISCONNECT 0") > run.broker.position("PUBACK 2"));
  }

  TEST_CASE("-C counts the messages the sink showed, not those its filter left out") {
    SubscriberRun run;
    run.options.max_messages = 2;
    Incoming hidden{"h/1", std::string(kHidden), 1, false};
    run.broker.script = {SendMessages{{hidden, live("a/1"), hidden, live("a/2"), live("a/3")}}};
    CHECK(run.run() == mqtk::kExitSuccess);
    CHECK(run.sink.written == Strings{"h/1", "a/1", "h/1", "a/2"});
    CHECK(run.broker.logged("PUBACK 3"));  // a message left out was handled: acknowledged
    CHECK(run.broker.unread.size() == 1);
  }

  TEST_CASE("a sink's end (--jq's halt) stops reading after its message, with its status and message") {
    SubscriberRun run;
    run.sink.end_at = "a/2";
    run.broker.script = {SendMessages{{live("a/1"), live("a/2"), live("a/3")}}};
    CHECK(run.run() == 3);
    CHECK(run.sink.written == Strings{"a/1", "a/2"});
    CHECK(run.acknowledged_after_commit(2, "a/2"));
    CHECK_FALSE(run.broker.logged("PUBACK 3"));  // not read: it waits at the broker
    CHECK(run.errors.text() == "mqtk-sub: halted at a/2\n");
  }

  TEST_CASE("-E exits once the broker has answered SUBSCRIBE, reading nothing more") {
    SubscriberRun run;
    run.options.exit_after_subscribe = true;
    run.broker.script = {SendMessages{{retained("a/1"), live("a/2")}}};
    CHECK(run.run() == mqtk::kExitSuccess);
    CHECK(run.sink.written.empty());
    CHECK(run.broker.unread.size() == 2);
    CHECK(run.broker.position("DISCONNECT 0") > run.broker.position("read SUBACK 1"));
  }

  TEST_CASE("-W exits 27 when its time is up, and not before") {
    SubscriberRun run;
    run.options.timeout_seconds = 3;
    run.broker.script = {SendMessages{{live("a/1")}}, StayQuiet{2900ms}};
    auto started = run.broker.clock.now();
    CHECK(run.run() == mqtk::kExitTimedOut);
    CHECK(run.broker.clock.now() - started == 3s);
    CHECK(run.sink.written == Strings{"a/1"});
    // As mosquitto_sub: a v5 broker is asked to publish the will.
    CHECK(run.broker.logged("DISCONNECT " + std::to_string(MQTT_RC_DISCONNECT_WITH_WILL_MSG)));
    CHECK(run.errors.text().find("Timed out") != std::string::npos);
  }

  TEST_CASE("--retained-only stops at the first message that is not retained") {
    SubscriberRun run;
    run.options.retained_only = true;
    run.broker.script = {SendMessages{{retained("r/1"), retained("r/2"), live("n/1"), retained("r/3")}}};
    CHECK(run.run() == mqtk::kExitSuccess);
    CHECK(run.sink.written == Strings{"r/1", "r/2"});
    CHECK(run.broker.unread.size() == 1);
    CHECK(run.broker.logged("DISCONNECT 0"));
  }

  TEST_CASE("-R skips retained messages, which are still acknowledged") {
    SubscriberRun run;
    run.options.skip_retained = true;
    run.broker.script = {SendMessages{{retained("r/1"), live("n/1"), retained("r/2"), live("n/2")}},
                         RaiseSignal{SIGINT}};
    CHECK(run.run() == mqtk::kExitSuccess);
    CHECK(run.sink.written == Strings{"n/1", "n/2"});
    CHECK(run.broker.logged("PUBACK 1"));
    CHECK(run.broker.logged("PUBACK 3"));
  }

  TEST_CASE("-T leaves out the topics its filters match") {
    SubscriberRun run;
    run.options.filter_out = {"a/secret/#", "+/noise"};
    run.broker.script = {SendMessages{{live("a/1"), live("a/secret/x"), live("b/noise"), live("a/2")}},
                         RaiseSignal{SIGINT}};
    CHECK(run.run() == mqtk::kExitSuccess);
    CHECK(run.sink.written == Strings{"a/1", "a/2"});
  }

  TEST_CASE("--random-filter keeps every message at 100 and none at 0") {
    SubscriberRun run;
    Strings expected;
    SUBCASE("100") {
      run.options.print_percentage = 100.0;
      expected = {"a/1", "a/2", "a/3"};
    }
    SUBCASE("0") { run.options.print_percentage = 0.0; }
    run.broker.script = {SendMessages{{live("a/1"), live("a/2"), live("a/3")}}, RaiseSignal{SIGINT}};
    CHECK(run.run() == mqtk::kExitSuccess);
    CHECK(run.sink.written == expected);
  }

  TEST_CASE("a broker that refuses every subscription ends the run with 1") {
    SubscriberRun run;
    run.options.topics = {"a/#", "b/#"};
    run.broker.granted = {MQTT_RC_NOT_AUTHORIZED, MQTT_RC_NOT_AUTHORIZED};
    CHECK(run.run() == mqtk::kExitFailure);
    CHECK(run.errors.text().find("the broker refused every subscription") != std::string::npos);
    CHECK(run.broker.logged("DISCONNECT 0"));
  }

  TEST_CASE("--remove-retained clears each retained message and waits for the broker to acknowledge that") {
    SubscriberRun run;
    run.options.remove_retained = true;
    run.options.retained_only = true;
    run.broker.acknowledgements_per_turn = 1;  // the acknowledgements take turns to come
    run.broker.script = {SendMessages{{retained("r/1"), retained("r/2"), live("n/1")}}};
    CHECK(run.run() == mqtk::kExitSuccess);
    REQUIRE(run.broker.published.size() == 2);
    long disconnected = run.broker.position("DISCONNECT 0");
    CHECK(disconnected >= 0);
    for (std::size_t i = 0; i < 2; ++i) {
      const test_support::Published& clearing = run.broker.published[i];
      CHECK(clearing.topic == "r/" + std::to_string(i + 1));
      CHECK(clearing.payload.empty());
      CHECK(clearing.retain);
      CHECK(clearing.qos == 1);
      CHECK(run.broker.position("read PUBACK " + std::to_string(clearing.mid)) < disconnected);
    }
  }

  TEST_CASE("--remove-retained waits for its acknowledgements 5 s at most, or until a second signal") {
    SubscriberRun run;
    run.options.remove_retained = true;
    run.broker.acknowledgements_per_turn = 0;  // they never come
    auto started = run.broker.clock.now();
    SUBCASE("the wait ends after 5 s") {
      run.options.retained_only = true;
      run.broker.script = {SendMessages{{retained("r/1"), live("n/1")}}};
      CHECK(run.run() == mqtk::kExitSuccess);
      CHECK(run.broker.clock.now() - started == 5s);
      CHECK(run.broker.logged("DISCONNECT 0"));
    }
    SUBCASE("a second signal ends it at once") {
      run.broker.script = {SendMessages{{retained("r/1")}}, RaiseSignal{SIGINT}, RaiseSignal{SIGINT}};
      CHECK(run.run() == mqtk::kExitSuccess);
      CHECK(run.broker.clock.now() - started < 5s);
      CHECK_FALSE(run.broker.logged("DISCONNECT 4"));
    }
    CHECK(run.broker.published.size() == 1);
  }

  TEST_CASE("a signal before the broker accepts the connection returns interrupted_connecting_status") {
    SubscriberRun run;
    run.broker.accepts_connections = false;
    run.broker.script = {RaiseSignal{SIGINT, true}};
    SUBCASE("mqtk-sub: 255, as mosquitto_sub") { CHECK(run.run() == 255); }
    SUBCASE("mqtk-record: 0") {
      run.options.interrupted_connecting_status = 0;
      CHECK(run.run() == 0);
    }
    CHECK(run.broker.log.empty());
  }

  TEST_CASE("another client taking the client id: an error with stop_on_takeover, a warning without") {
    SubscriberRun run;
    run.connect.client_id = "recorder-1";
    SUBCASE("MQTT v5 says so (reason 0x8E), and stop_on_takeover stops") {
      run.connect.protocol_version = mqtk::kMqtt5;
      run.options.stop_on_takeover = true;
      run.broker.script = {DropConnection{MQTT_RC_SESSION_TAKEN_OVER}};
      std::optional<mqtk::Error> error = run.error_of_run();
      REQUIRE(error);
      CHECK(std::string(error->what()).find("another client is using client id recorder-1") != std::string::npos);
      CHECK(run.broker.connections == 1);
    }
    SUBCASE("MQTT v5, without stop_on_takeover: a warning, and the subscriber reconnects") {
      run.connect.protocol_version = mqtk::kMqtt5;
      run.broker.script = {DropConnection{MQTT_RC_SESSION_TAKEN_OVER}, RaiseSignal{SIGINT}};
      CHECK(run.run() == mqtk::kExitSuccess);
      CHECK(run.errors.text().find("another client is using client id recorder-1") != std::string::npos);
      CHECK(run.broker.connections == 2);
    }
    SUBCASE("before v5, three drops right after connecting are a takeover") {
      run.options.stop_on_takeover = true;
      run.broker.script = {DropConnection{}, DropConnection{}, DropConnection{}, RaiseSignal{SIGINT}};
      std::optional<mqtk::Error> error = run.error_of_run();
      REQUIRE(error);
      CHECK(std::string(error->what()).find("3 times in a row") != std::string::npos);
      CHECK(run.broker.connections == 3);
    }
    SUBCASE("before v5, drops that come later after connecting are not") {
      run.options.stop_on_takeover = true;
      run.broker.script = {StayQuiet{3s}, DropConnection{}, StayQuiet{3s},      DropConnection{},
                           StayQuiet{3s}, DropConnection{}, RaiseSignal{SIGINT}};
      CHECK(run.run() == mqtk::kExitSuccess);
      CHECK(run.broker.connections == 4);
      CHECK(run.errors.text().find("another client") == std::string::npos);
      CHECK(run.errors.text().find("lost the connection") != std::string::npos);
    }
  }

  TEST_CASE("on_subscribed reports the filters granted, once every request of the connection is answered") {
    SubscriberRun run;
    run.options.topics = {"a/#", "b/#", "c/#"};
    run.options.unsubscribe = {"old/#"};
    run.broker.granted = {1, MQTT_RC_NOT_AUTHORIZED, 0};
    run.broker.script = {StayQuiet{}, DropConnection{}, StayQuiet{}, RaiseSignal{SIGINT}};
    CHECK(run.run() == mqtk::kExitSuccess);
    // Once for each connection.
    CHECK(run.subscribed == std::vector<Strings>{{"a/#", "c/#"}, {"a/#", "c/#"}});
    CHECK(run.broker.position("on_subscribed") > run.broker.position("read UNSUBACK 2"));
  }
}
