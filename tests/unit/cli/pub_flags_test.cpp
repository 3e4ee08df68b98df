#include "mqtk/cli/pub_flags.hpp"

#include <doctest/doctest.h>

#include "mqtk/base/error.hpp"

namespace {

struct Typed {
  mqtk::PubFlags flags;
  mqtk::ConnectSetup connect;
  mqtk::StandardStreams streams;
  mqtk::Reporter reporter{"test"};
  std::unique_ptr<mqtk::PublishSource> source() { return mqtk::make_publish_source(flags, connect, streams, reporter); }
  mqtk::ReplayOptions replay() { return mqtk::make_replay_options(flags, connect, streams); }
};

}  // namespace

TEST_SUITE("pub_flags") {
  TEST_CASE_FIXTURE(Typed, "one message source, one topic") {
    CHECK_THROWS_WITH_AS(source(), "-t: give the topic to publish to", mqtk::UsageError);
    flags.topic = "t";
    CHECK_THROWS_WITH_AS(source(), "nothing to publish: give one of -m, -f, -s, -l or -n", mqtk::UsageError);
    flags.message = "36.5";
    flags.null_message = true;
    CHECK_THROWS_WITH_AS(source(), "give only one of -m, -f, -s, -l and -n", mqtk::UsageError);
    flags.null_message = false;
    CHECK(source() != nullptr);
    connect.url_topic = "from/url";
    CHECK_THROWS_WITH_AS(source(), "-t: the topic is already given by -L", mqtk::UsageError);
    flags.topic.reset();
    CHECK(source() != nullptr);
    flags.message.reset();
    flags.stdin_lines = true;
    flags.repeat = 2;
    CHECK_THROWS_WITH_AS(source(), "--repeat: cannot repeat -l input", mqtk::UsageError);
  }

  TEST_CASE_FIXTURE(Typed, "a replay takes its shape from its flags") {
    flags.replay = "rec.jsonl";
    flags.speed = "max";
    flags.loop = {"3"};
    flags.topic_map = {"plant/=sandbox/"};
    flags.qos = 1;
    mqtk::ReplayOptions options = replay();
    CHECK(options.speed == 0);
    CHECK(options.loops == 3);
    CHECK(options.topic_map.at(0) == std::pair<std::string, std::string>{"plant/", "sandbox/"});
    CHECK(options.qos == 1);
    CHECK_FALSE(options.retain);  // the recorded flag, unless -r
    flags.retain = flags.retain_given = true;
    CHECK(replay().retain == true);
  }

  TEST_CASE_FIXTURE(Typed, "replay mistakes") {
    flags.replay = "rec.jsonl";
    flags.speed = "fast";
    CHECK_THROWS_WITH_AS(replay(), "--speed: must be a number above 0 (2 is twice as fast) or max, not 'fast'",
                         mqtk::UsageError);
    flags.speed = "1";
    flags.loop = {"0"};
    CHECK_THROWS_WITH_AS(replay(), "--loop: the count must be a whole number from 1, not '0'", mqtk::UsageError);
    flags.loop.clear();
    flags.topic_map = {"=x"};
    CHECK_THROWS_AS(replay(), mqtk::UsageError);
    flags.topic_map.clear();
    flags.topic = "t";
    CHECK_THROWS_AS(replay(), mqtk::UsageError);  // the recording's own topics
  }
}
