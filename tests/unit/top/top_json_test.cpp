#include "mqtk/top/top_json.hpp"

#include <nlohmann/json.hpp>

#include <doctest/doctest.h>

namespace {

using std::chrono::milliseconds;
const mqtk::TopTime kStart{std::chrono::seconds(1000)};
const char* const kTime = "2026-11-28T07:00:00.000000000Z";

}  // namespace

TEST_SUITE("top_json") {
  TEST_CASE("a topic's object, exactly") {
    mqtk::TopicTable table(kStart, 10);
    table.add("sensors/a", "20", 0, false, kStart + milliseconds(250));
    table.add("sensors/a", "21.5", 1, true, kStart + milliseconds(1250));
    table.evaluate_changed([](std::string_view, const mqtk::TopicStats&) {
      return mqtk::Evaluation{.text = {}, .as_payload = true, .value = 21.5};
    });
    std::vector<mqtk::TopicRow> rows = mqtk::view_rows(table, {}, kStart + milliseconds(2250));
    std::string out;
    mqtk::append_row_json(rows.at(0), kTime, false, out);
    CHECK(out ==
          "{\"time\":\"2026-11-28T07:00:00.000000000Z\",\"topic\":\"sensors/a\",\"count\":2,\"rate\":1.0,"
          "\"rates\":[0,0,0,0,0,0,1,1],\"bytes\":6,\"size\":4,\"age\":1.0,\"qos\":1,\"retained\":true,"
          "\"payload\":\"21.5\",\"value\":21.5}\n");
  }

  TEST_CASE("what --decode or --jq showed, and no value for text") {
    mqtk::TopicTable table(kStart, 10);
    table.add("t", "\xff\x01", 0, false, kStart);
    table.evaluate_changed([](std::string_view, const mqtk::TopicStats&) {
      return mqtk::Evaluation{.text = "\"decoded\"", .value = std::nan("")};
    });
    std::string out;
    mqtk::append_row_json(mqtk::view_rows(table, {}, kStart).at(0), kTime, true, out);
    nlohmann::json object = nlohmann::json::parse(out);
    CHECK(object["shown"] == "\"decoded\"");
    CHECK(object["value"].is_null());
    // Not UTF-8: the readable part, the rest replaced, still valid JSON.
    CHECK(object["payload"] == "\xef\xbf\xbd\x01");
  }

  TEST_CASE("a folded row sums its topics and has no payload") {
    mqtk::TopicTable table(kStart, 10);
    table.add("s/a", "1", 0, false, kStart);
    table.add("s/b", "22", 0, false, kStart);
    mqtk::ViewSettings view;
    view.folded = {"s"};
    std::string out;
    mqtk::append_row_json(mqtk::view_rows(table, view, kStart).at(0), kTime, false, out);
    nlohmann::json object = nlohmann::json::parse(out);
    CHECK(object["topic"] == "s/+");
    CHECK(object["topics"] == 2);
    CHECK(object["count"] == 2);
    CHECK(object["bytes"] == 3);
    CHECK(!object.contains("payload"));
  }
}
