#include "mqtk/mqtt/topic_pattern.hpp"

#include <doctest/doctest.h>

#include "mqtk/base/error.hpp"

using Tags = std::vector<std::pair<std::string_view, std::string_view>>;

TEST_SUITE("topic_pattern") {
  TEST_CASE("named levels become tags") {
    mqtk::TopicPattern pattern("site/+site/+device/#");
    CHECK(pattern.match("site/berlin/boiler/temp") == Tags{{"site", "berlin"}, {"device", "boiler"}});
    CHECK(pattern.match("site/berlin/boiler") == Tags{{"site", "berlin"}, {"device", "boiler"}});
    CHECK_FALSE(pattern.match("site/berlin").has_value());
    CHECK_FALSE(pattern.match("other/berlin/boiler").has_value());
  }

  TEST_CASE("unnamed + and exact length") {
    mqtk::TopicPattern pattern("+/+room/temp");
    CHECK(pattern.match("house/kitchen/temp") == Tags{{"room", "kitchen"}});
    CHECK_FALSE(pattern.match("house/kitchen/temp/extra").has_value());
    CHECK_FALSE(pattern.match("house/kitchen/humidity").has_value());
  }

  TEST_CASE("bad patterns") {
    CHECK_THROWS_AS(mqtk::TopicPattern("a/#/b"), mqtk::UsageError);
    CHECK_THROWS_AS(mqtk::TopicPattern("a/b+c"), mqtk::UsageError);
    CHECK_THROWS_AS(mqtk::TopicPattern("a/+na#me"), mqtk::UsageError);
    CHECK_THROWS_WITH(mqtk::TopicPattern("a/+b/+b"), "--topic-tags: the tag 'b' is named twice in 'a/+b/+b'");
    CHECK_NOTHROW(mqtk::TopicPattern("+/+/x"));
    CHECK_THROWS_WITH(mqtk::TopicPattern("+time/x"),
                      "--topic-tags: 'time' cannot be a tag name in InfluxDB in '+time/x'");
  }
}
