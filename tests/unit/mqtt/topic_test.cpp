#include "mqtk/mqtt/topic.hpp"

#include <string>

#include <doctest/doctest.h>

#include "mqtk/base/error.hpp"

using mqtk::check_publish_topic;
using mqtk::check_topic_filter;
using mqtk::topic_matches;
using mqtk::UsageError;

TEST_SUITE("topic") {
  TEST_CASE("publish topics") {
    CHECK_NOTHROW(check_publish_topic("things/1/temperature", "-t"));
    CHECK_NOTHROW(check_publish_topic("/", "-t"));
    CHECK_NOTHROW(check_publish_topic("온도/센서", "-t"));
    CHECK_THROWS_WITH_AS(check_publish_topic("a/+/b", "-t"),
                         "-t: cannot publish to 'a/+/b': wildcards '+' and '#' are only allowed in subscriptions",
                         UsageError);
    CHECK_THROWS_AS(check_publish_topic("a/#", "-t"), UsageError);
    CHECK_THROWS_WITH(check_publish_topic("", "-t"), "-t: the topic must not be empty");
    CHECK_THROWS_WITH(check_publish_topic("a\xff", "--will-topic"),
                      "--will-topic: the topic is not valid UTF-8 (at byte 2)");
    CHECK_THROWS_AS(check_publish_topic(std::string("a\0b", 3), "-t"), UsageError);
  }

  TEST_CASE("characters MQTT strings may not hold are named") {
    // Each is refused by libmosquitto's own check; the message says why.
    CHECK_THROWS_WITH_AS(check_publish_topic("a\x01"
                                             "b",
                                             "-t"),
                         "-t: the topic contains a control character (U+0001)", UsageError);
    CHECK_THROWS_WITH(check_publish_topic("tab\there", "-t"), "-t: the topic contains a control character (U+0009)");
    CHECK_THROWS_WITH(check_publish_topic("esc\x1b[31m", "-t"), "-t: the topic contains a control character (U+001B)");
    CHECK_THROWS_WITH(check_publish_topic("del\x7f", "-t"), "-t: the topic contains a control character (U+007F)");
    CHECK_THROWS_WITH(check_publish_topic("c1\xc2\x9b", "-t"), "-t: the topic contains a control character (U+009B)");
    CHECK_THROWS_WITH(check_publish_topic(std::string("a\0b", 3), "-t"),
                      "-t: the topic contains a NUL character (U+0000)");
    CHECK_THROWS_WITH(check_publish_topic("x\xef\xbf\xbe", "-t"),
                      "-t: the topic contains a Unicode non-character (U+FFFE)");
    CHECK_THROWS_WITH(check_publish_topic("x\xef\xb7\x90", "-t"),
                      "-t: the topic contains a Unicode non-character (U+FDD0)");
    CHECK_THROWS_WITH(check_publish_topic("x\xf0\x9f\xbf\xbf", "-t"),
                      "-t: the topic contains a Unicode non-character (U+1FFFF)");
    CHECK_THROWS_WITH(check_publish_topic("a/\xed\xa0\x80", "-t"), "-t: the topic is not valid UTF-8 (at byte 3)");
    CHECK_THROWS_WITH(check_publish_topic("a/\xc0\xaf", "-t"), "-t: the topic is not valid UTF-8 (at byte 3)");
    CHECK_THROWS_WITH(check_topic_filter("a/\x1b/#", "-t"), "-t: the filter contains a control character (U+001B)");
    // What libmosquitto allows stays allowed: U+00A0 and beyond, U+FFFD.
    CHECK_NOTHROW(check_publish_topic("nbsp\xc2\xa0/\xef\xbf\xbd/\xf0\x9f\x98\x80", "-t"));
  }

  TEST_CASE("topic length limit is 65535 bytes") {
    CHECK_NOTHROW(check_publish_topic(std::string(65535, 'x'), "-t"));
    CHECK_THROWS_WITH(check_publish_topic(std::string(65536, 'x'), "-t"),
                      "-t: the topic is 65536 bytes long; MQTT allows at most 65535");
    CHECK_THROWS_AS(check_topic_filter(std::string(70000, 'x'), "-t"), UsageError);
  }

  TEST_CASE("subscription filters") {
    for (const char* good : {"#", "+", "a/#", "a/+/b", "+/+", "$SYS/#", "$share/g/a/#", "a//b"}) {
      CAPTURE(good);
      CHECK_NOTHROW(check_topic_filter(good, "-t"));
    }
    for (const char* bad : {"a/#/b", "a/b#", "a+/b", "a/+b", "##", ""}) {
      CAPTURE(bad);
      CHECK_THROWS_AS(check_topic_filter(bad, "-t"), UsageError);
    }
    CHECK_THROWS_WITH(check_topic_filter("a/#/b", "-T"),
                      "-T: invalid topic filter 'a/#/b': '+' and '#' must fill a whole level, and '#' must be the "
                      "last level");
  }

  TEST_CASE("matching") {
    CHECK(topic_matches("a/+/c", "a/b/c"));
    CHECK(topic_matches("a/#", "a"));
    CHECK(topic_matches("a/#", "a/b/c"));
    CHECK_FALSE(topic_matches("a/+", "a/b/c"));
    CHECK_FALSE(topic_matches("#", "$SYS/broker"));
    CHECK(topic_matches("$SYS/#", "$SYS/broker"));
  }
}
