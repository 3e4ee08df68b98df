#include "mqtk/record/sparkplug_metrics.hpp"

#include <doctest/doctest.h>

TEST_SUITE("sparkplug_metrics") {
  TEST_CASE("each metric with its name, else its alias, its value and its time in nanoseconds") {
    auto payload = nlohmann::json::parse(R"({"timestamp": 1700000000000, "seq": 1, "metrics": [
        {"name": "temp", "alias": 1, "timestamp": 1700000000500, "datatype": "Double", "value": 21.5},
        {"alias": 2, "datatype": "Int32", "value": -5},
        {"name": "", "alias": 3, "datatype": "String", "value": "x"},
        {"name": "gone", "datatype": "Int32", "is_null": true, "value": null},
        {"datatype": "Int32", "value": 1}]})");
    auto metrics = mqtk::sparkplug_metrics(payload);
    REQUIRE(metrics.size() == 5);
    CHECK(metrics[0].name == "temp");
    CHECK(*metrics[0].value == 21.5);
    CHECK(metrics[0].time == 1700000000500000000);
    CHECK(metrics[1].name == "2");
    CHECK(metrics[1].time == 1700000000000000000);  // the payload's
    CHECK(metrics[2].name == "3");                  // an empty name is none
    CHECK(metrics[3].value == nullptr);
    CHECK(metrics[4].name.empty());
  }

  TEST_CASE("no time when neither the metric nor the payload has one that fits") {
    auto metrics = mqtk::sparkplug_metrics(nlohmann::json::parse(R"({"metrics": [
        {"name": "a", "value": 1}, {"name": "b", "value": 1, "timestamp": 18446744073709551615}]})"));
    REQUIRE(metrics.size() == 2);
    CHECK_FALSE(metrics[0].time);
    CHECK_FALSE(metrics[1].time);
  }

  TEST_CASE("a value of another shape has no metrics") {
    CHECK(mqtk::sparkplug_metrics(nlohmann::json::parse("[1]")).empty());
    CHECK(mqtk::sparkplug_metrics(nlohmann::json::parse(R"({"metrics": 3})")).empty());
    CHECK(mqtk::sparkplug_metrics(nlohmann::json::parse(R"({"metrics": [1, "x"]})")).empty());
  }
}
