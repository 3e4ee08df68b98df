#include "mqtk/top/topic_view.hpp"

#include <string>
#include <vector>

#include <doctest/doctest.h>

namespace {

using std::chrono::milliseconds;
const mqtk::TopTime kStart{std::chrono::seconds(1000)};

// sensors/a/temp: 3 messages, sensors/a/hum: 1, sensors/b: 2, plant/x: 5
// (the most recent), all within the first second.
mqtk::TopicTable sample() {
  mqtk::TopicTable table(kStart, 100);
  for (int i = 0; i < 3; ++i) table.add("sensors/a/temp", "21", 0, false, kStart + milliseconds(10 + i));
  table.add("sensors/a/hum", "40", 1, true, kStart + milliseconds(20));
  for (int i = 0; i < 2; ++i) table.add("sensors/b", "x", 0, false, kStart + milliseconds(30 + i));
  for (int i = 0; i < 5; ++i) table.add("plant/x", "on", 0, false, kStart + milliseconds(40 + i));
  return table;
}

std::vector<std::string> names(const std::vector<mqtk::TopicRow>& rows) {
  std::vector<std::string> out;
  for (const mqtk::TopicRow& row : rows) out.push_back(std::string(row.name()));
  return out;
}

const mqtk::TopTime kNow = kStart + milliseconds(2000);

}  // namespace

TEST_SUITE("topic_view") {
  TEST_CASE("sorted by rate, name, count or age") {
    mqtk::TopicTable table = sample();
    mqtk::ViewSettings view;
    CHECK(names(mqtk::view_rows(table, view, kNow)) ==
          std::vector<std::string>{"plant/x", "sensors/a/temp", "sensors/b", "sensors/a/hum"});
    view.sort = mqtk::SortKey::kName;
    CHECK(names(mqtk::view_rows(table, view, kNow)) ==
          std::vector<std::string>{"plant/x", "sensors/a/hum", "sensors/a/temp", "sensors/b"});
    view.sort = mqtk::SortKey::kCount;
    CHECK(names(mqtk::view_rows(table, view, kNow)).front() == "plant/x");
    view.sort = mqtk::SortKey::kAge;  // the most recent first
    CHECK(names(mqtk::view_rows(table, view, kNow)) ==
          std::vector<std::string>{"plant/x", "sensors/b", "sensors/a/hum", "sensors/a/temp"});
  }

  TEST_CASE("a row has the topic's numbers") {
    mqtk::TopicTable table = sample();
    std::vector<mqtk::TopicRow> rows = mqtk::view_rows(table, {}, kNow);
    const mqtk::TopicRow& hum = rows.back();
    CHECK(hum.name() == "sensors/a/hum");
    CHECK(hum.count == 1);
    CHECK(hum.qos == 1);
    CHECK(hum.retained);
    CHECK(hum.size == 2);
    CHECK(hum.age == doctest::Approx(1.98));
    CHECK(hum.rate == doctest::Approx(1.0 / 1.98));
    // The last whole seconds before now (second 2): second 0 held the message.
    CHECK(hum.rates[mqtk::kSparkSeconds - 2] == 1);
    CHECK(hum.rates[mqtk::kSparkSeconds - 1] == 0);
    CHECK(hum.stats == table.find("sensors/a/hum"));
  }

  TEST_CASE("filtered by a topic pattern or by text") {
    mqtk::TopicTable table = sample();
    mqtk::ViewSettings view;
    view.sort = mqtk::SortKey::kName;
    view.filter = "sensors/+/temp";
    CHECK(names(mqtk::view_rows(table, view, kNow)) == std::vector<std::string>{"sensors/a/temp"});
    view.filter = "sensors/#";
    CHECK(mqtk::view_rows(table, view, kNow).size() == 3);
    view.filter = "a/";
    CHECK(names(mqtk::view_rows(table, view, kNow)) == std::vector<std::string>{"sensors/a/hum", "sensors/a/temp"});
  }

  TEST_CASE("a folded prefix is one row, the sum of its topics") {
    mqtk::TopicTable table = sample();
    mqtk::ViewSettings view;
    view.sort = mqtk::SortKey::kName;
    view.folded = {"sensors/a"};
    std::vector<mqtk::TopicRow> rows = mqtk::view_rows(table, view, kNow);
    CHECK(names(rows) == std::vector<std::string>{"plant/x", "sensors/a/+", "sensors/b"});
    const mqtk::TopicRow& folded = rows[1];
    CHECK(folded.prefix == "sensors/a");
    CHECK(folded.topics == 2);
    CHECK(folded.count == 4);
    CHECK(folded.bytes == 8);
    CHECK(folded.age == doctest::Approx(1.98));  // the newest of them
    CHECK(folded.rates[mqtk::kSparkSeconds - 2] == 4);
    CHECK(folded.rate == doctest::Approx(table.rate(*table.find("sensors/a/temp"), kNow) +
                                         table.rate(*table.find("sensors/a/hum"), kNow)));
    // Deeper topics below a fold: "#".
    view.folded = {"sensors"};
    CHECK(names(mqtk::view_rows(table, view, kNow)) == std::vector<std::string>{"plant/x", "sensors/#"});
    // The shortest folded prefix wins.
    view.folded = {"sensors", "sensors/a"};
    CHECK(names(mqtk::view_rows(table, view, kNow)) == std::vector<std::string>{"plant/x", "sensors/#"});
  }

  TEST_CASE("folded by depth") {
    mqtk::TopicTable table = sample();
    mqtk::ViewSettings view;
    view.sort = mqtk::SortKey::kName;
    view.depth = 1;
    std::vector<mqtk::TopicRow> rows = mqtk::view_rows(table, view, kNow);
    CHECK(names(rows) == std::vector<std::string>{"plant/+", "sensors/#"});
    CHECK(rows[1].count == 6);
    view.depth = 2;
    CHECK(names(mqtk::view_rows(table, view, kNow)) == std::vector<std::string>{"plant/x", "sensors/a/+", "sensors/b"});
  }

  TEST_CASE("a topic with an empty first level folds too") {
    mqtk::TopicTable table(kStart, 10);
    table.add("/a", "1", 0, false, kStart);
    table.add("/b", "1", 0, false, kStart);
    mqtk::ViewSettings view;
    view.folded = {""};
    CHECK(names(mqtk::view_rows(table, view, kNow)) == std::vector<std::string>{"/+"});
  }

  TEST_CASE("topic levels and prefixes") {
    CHECK(mqtk::topic_levels("a") == 1);
    CHECK(mqtk::topic_levels("a/b/c") == 3);
    CHECK(mqtk::topic_levels("/a") == 2);
    CHECK(mqtk::topic_prefix("a/b/c", 1) == "a");
    CHECK(mqtk::topic_prefix("a/b/c", 2) == "a/b");
    CHECK(mqtk::topic_prefix("a/b/c", 5) == "a/b/c");
    CHECK(mqtk::topic_prefix("/a", 1) == "");
  }
}
