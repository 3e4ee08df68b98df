#include "mqtk/top/topic_table.hpp"

#include <string>
#include <vector>

#include <doctest/doctest.h>

namespace {

using std::chrono::milliseconds;
const mqtk::TopTime kStart{std::chrono::seconds(1000)};

mqtk::Evaluation as_is(std::string_view, const mqtk::TopicStats& stats) {
  return mqtk::Evaluation{.text = stats.payload,
                          .value = stats.payload == "x" ? std::nan("") : std::stod(stats.payload)};
}

}  // namespace

TEST_SUITE("topic_table") {
  TEST_CASE("counts, bytes, the last payload and how it came") {
    mqtk::TopicTable table(kStart, 10);
    table.add("a/b", "12", 0, true, kStart + milliseconds(100));
    table.add("a/b", "345", 1, false, kStart + milliseconds(1500));
    table.add("c", "", 2, false, kStart + milliseconds(1600));
    REQUIRE(table.size() == 2);
    const mqtk::TopicStats* ab = table.find("a/b");
    REQUIRE(ab != nullptr);
    CHECK(ab->count == 2);
    CHECK(ab->bytes == 5);
    CHECK(ab->size == 3);
    CHECK(ab->payload == "345");
    CHECK(ab->qos == 1);
    CHECK(!ab->retained);
    CHECK(ab->first_seen == kStart + milliseconds(100));
    CHECK(ab->last_seen == kStart + milliseconds(1500));
    CHECK(ab->rates.at(0) == 1);
    CHECK(ab->rates.at(1) == 1);
    CHECK(table.messages() == 3);
    CHECK(table.bytes() == 5);
    CHECK(table.total_rates().at(1) == 2);
    CHECK(table.find("nothing") == nullptr);
  }

  TEST_CASE("a payload is kept up to its limit; the size is the whole") {
    mqtk::TopicTable table(kStart, 10);
    std::string big(mqtk::TopicTable::kKeptPayload * 3, 'p');
    table.add("big", big, 0, false, kStart);
    CHECK(table.find("big")->payload.size() == mqtk::TopicTable::kKeptPayload);
    CHECK(table.find("big")->size == big.size());
  }

  TEST_CASE("with an evaluation budget: payloads whole until evaluated, within the budget") {
    constexpr std::size_t kKept = mqtk::TopicTable::kKeptPayload;
    std::string big(kKept + 4000, 'p');  // 4,000 bytes beyond what every topic keeps
    mqtk::TopicTable table(kStart, 10, 10000);
    table.add("a", big, 0, false, kStart);
    table.add("a", big, 0, false, kStart);  // replaces its own: counted once
    table.add("b", big, 0, false, kStart);
    table.add("c", big, 0, false, kStart);  // 12,000 beyond: over the budget
    CHECK(table.find("a")->payload == big);
    CHECK(table.find("b")->payload == big);
    CHECK(table.find("c")->payload == big.substr(0, kKept));
    CHECK(table.find("c")->size == big.size());
    std::vector<std::size_t> evaluated;
    table.evaluate_changed([&](std::string_view, const mqtk::TopicStats& stats) {
      evaluated.push_back(stats.payload.size());
      return mqtk::Evaluation{};
    });
    CHECK(evaluated.size() == 3);
    // Evaluated, each keeps what every topic keeps, and the budget is free again.
    for (const char* topic : {"a", "b", "c"}) CHECK(table.find(topic)->payload.size() == kKept);
    table.add("c", big, 0, false, kStart);
    table.add("d", big, 0, false, kStart);
    CHECK(table.find("c")->payload == big);
    CHECK(table.find("d")->payload == big);
  }

  TEST_CASE("topics beyond the cap are counted, not kept") {
    mqtk::TopicTable table(kStart, 2);
    table.add("a", "1", 0, false, kStart);
    table.add("b", "1", 0, false, kStart);
    table.add("c", "1", 0, false, kStart);
    table.add("a", "1", 0, false, kStart);  // a kept topic still counts
    table.add("d", "22", 0, false, kStart);
    CHECK(table.size() == 2);
    CHECK(table.find("c") == nullptr);
    CHECK(table.find("a")->count == 2);
    CHECK(table.messages() == 5);
    CHECK(table.bytes() == 6);
    CHECK(table.dropped_messages() == 2);
  }

  TEST_CASE("evaluation: once per changed topic, numbers into the values") {
    mqtk::TopicTable table(kStart, 10);
    int runs = 0;
    auto counting = [&](std::string_view topic, const mqtk::TopicStats& stats) {
      ++runs;
      return as_is(topic, stats);
    };
    table.add("t", "1", 0, false, kStart);
    table.add("t", "2", 0, false, kStart);
    table.add("u", "x", 0, false, kStart);
    table.evaluate_changed(counting);
    CHECK(runs == 2);
    CHECK(table.find("t")->shown.text == "2");
    CHECK(table.find("t")->values.size() == 1);
    CHECK(table.find("u")->values.size() == 0);  // not a number
    table.evaluate_changed(counting);
    CHECK(runs == 2);  // nothing changed
    table.add("t", "5", 0, false, kStart);
    table.evaluate_changed(counting);
    CHECK(runs == 3);
    REQUIRE(table.find("t")->values.size() == 2);
    CHECK(table.find("t")->values.at(0) == 2.0);
    CHECK(table.find("t")->values.at(1) == 5.0);
  }

  TEST_CASE("the values history keeps the latest, oldest first") {
    mqtk::ValueHistory values;
    for (int i = 0; i < mqtk::ValueHistory::kValues + 3; ++i) values.add(i);
    CHECK(values.size() == mqtk::ValueHistory::kValues);
    CHECK(values.at(0) == 3.0);
    CHECK(values.at(mqtk::ValueHistory::kValues - 1) == mqtk::ValueHistory::kValues + 2.0);
  }

  TEST_CASE("rates at a given time") {
    mqtk::TopicTable table(kStart, 10);
    for (int i = 0; i < 100; ++i) table.add("fast", "1", 0, false, kStart + milliseconds(i * 100));  // 10/s for 10 s
    const mqtk::TopicStats& fast = *table.find("fast");
    CHECK(table.rate(fast, kStart + milliseconds(10'000)) == doctest::Approx(10.0));
    CHECK(table.total_rate(kStart + milliseconds(10'000)) == doctest::Approx(10.0));
    CHECK(table.rate(fast, kStart + milliseconds(30'000)) == 0.0);
  }
}
