#include "mqtk/cli/sub_flags.hpp"

#include <doctest/doctest.h>
#include <mqtt_protocol.h>

#include "mqtk/base/error.hpp"

namespace {

struct Typed {
  mqtk::SubFlags flags;
  mqtk::ConnectSetup connect;
  mqtk::Reporter reporter{"test"};
  void check(bool interactive = false) { mqtk::check_sub_flags(flags, connect, interactive, reporter); }
};

}  // namespace

TEST_SUITE("sub_flags") {
  TEST_CASE_FIXTURE(Typed, "the subscription as the flags ask") {
    flags.options.topics = {"a/#"};
    connect.url_topic = "from/url";
    flags.options.skip_retained = true;
    flags.retain_as_published = true;
    flags.random_filter = 12.5;
    check();
    CHECK(flags.options.topics == std::vector<std::string>{"from/url", "a/#"});
    CHECK(flags.options.subscribe_options == (MQTT_SUB_OPT_SEND_RETAIN_NEVER | MQTT_SUB_OPT_RETAIN_AS_PUBLISHED));
    CHECK(flags.options.print_percentage == 12.5);
    CHECK(flags.options.read_batching == mqtk::kBatchedReading);  // not a terminal: bursts
  }

  TEST_CASE_FIXTURE(Typed, "the receive maximum: mqtk's for MQTT v5, lowered for a small -C") {
    flags.options.topics = {"a"};
    connect.options.protocol_version = mqtk::kMqtt5;
    check(true);
    CHECK(connect.options.receive_maximum == mqtk::kReceiveMaximum);
    CHECK(flags.options.read_batching.count() == 0);  // a terminal: every message at once
    flags.options.max_messages = 3;
    check(true);
    CHECK(connect.options.receive_maximum == 3);
  }

  TEST_CASE_FIXTURE(Typed, "mistakes") {
    CHECK_THROWS_WITH_AS(check(), "-t: give at least one topic to subscribe to", mqtk::UsageError);
    flags.options.topics = {"a/#/b"};
    CHECK_THROWS_AS(check(), mqtk::UsageError);
    flags.options.topics = {"a"};
    flags.options.skip_retained = true;
    flags.options.retained_only = true;
    CHECK_THROWS_WITH_AS(check(), "-R and --retained-only together would print nothing", mqtk::UsageError);
  }

  TEST_CASE_FIXTURE(Typed, "--retain-handling and --reconnect-* reach the subscription") {
    flags.options.topics = {"a"};
    connect.options.protocol_version = mqtk::kMqtt5;
    flags.subscription.retain_handling = 1;
    flags.subscription.reconnect_max = 3;
    check();
    CHECK(flags.options.subscribe_options == MQTT_SUB_OPT_SEND_RETAIN_NEW);
    CHECK(flags.options.reconnect.max_attempts == 3);
  }

  TEST_CASE_FIXTURE(Typed, "one output format at a time") {
    mqtk::OutputBuffer out(-1, false);
    flags.json = true;
    flags.csv = true;
    CHECK_THROWS_WITH_AS(mqtk::make_sub_format(flags, out, reporter), "choose one of -F, --json and --csv",
                         mqtk::UsageError);
    flags.csv = false;
    flags.verbose = true;
    CHECK_THROWS_WITH_AS(mqtk::make_sub_format(flags, out, reporter), "--json writes whole records; drop -v and -N",
                         mqtk::UsageError);
    flags.json = false;
    flags.csv = true;
    flags.verbose = false;
    CHECK(mqtk::make_sub_format(flags, out, reporter) != nullptr);
    CHECK(out.text() == "time,topic,qos,retain,encoding,payload,properties\n");  // the header, at once
  }

  TEST_CASE_FIXTURE(Typed, "--decode under any format: the format sees the decoded JSON") {
    mqtk::OutputBuffer out(-1, false);
    flags.format = "%t %p";
    flags.payload.decode = {"a/+=hex"};
    auto format = mqtk::make_sub_format(flags, out, reporter);
    mqtk::Message message;
    message.topic = "a/1";
    message.payload = "6869";
    std::string text;
    format->render(message, text);
    CHECK(text == "a/1 \"hi\"\n");
    flags.payload.decode = {"a/+=yaml"};
    CHECK_THROWS_AS(mqtk::make_sub_format(flags, out, reporter), mqtk::UsageError);
  }
}
