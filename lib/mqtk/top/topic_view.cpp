#include "mqtk/top/topic_view.hpp"

#include <algorithm>
#include <optional>
#include <unordered_map>

#include "mqtk/mqtt/topic.hpp"

namespace mqtk {
namespace {

bool is_pattern(std::string_view filter) {
  return filter.find('+') != std::string_view::npos || filter.find('#') != std::string_view::npos;
}

// The folded prefix `topic` is shown under (the shortest), if any ("" is
// the first level of "/a").
std::optional<std::string_view> folded_prefix(std::string_view topic, const ViewSettings& settings) {
  if (settings.folded.empty() && settings.depth <= 0) return std::nullopt;
  int levels = 0;
  for (std::size_t slash = topic.find('/'); slash != std::string_view::npos; slash = topic.find('/', slash + 1)) {
    std::string_view prefix = topic.substr(0, slash);
    if (++levels == settings.depth || settings.folded.count(prefix) != 0) return prefix;
  }
  return std::nullopt;
}

TopicRow topic_row(std::string_view topic, const TopicStats& stats, const TopicTable& table, TopTime now) {
  TopicRow row;
  row.topic = topic;
  row.count = stats.count;
  row.rate = table.rate(stats, now);
  std::int64_t second = table.second(now);
  for (int i = 0; i < kSparkSeconds; ++i) row.rates[i] = stats.rates.at(second - kSparkSeconds + i);
  row.bytes = stats.bytes;
  row.size = stats.size;
  row.age = std::chrono::duration<double>(now - stats.last_seen).count();
  row.qos = stats.qos;
  row.retained = stats.retained;
  row.stats = &stats;
  return row;
}

// Adds `row` (one topic's) into the folded row `into`.
void fold_into(TopicRow& into, const TopicRow& row) {
  into.topics += 1;
  into.count += row.count;
  into.rate += row.rate;
  for (int i = 0; i < kSparkSeconds; ++i) into.rates[i] += row.rates[i];
  into.bytes += row.bytes;
  if (row.age < into.age) {
    into.age = row.age;
    into.size = row.size;
    into.qos = row.qos;
    into.retained = row.retained;
    into.stats = row.stats;
  }
}

bool before(const TopicRow& a, const TopicRow& b, SortKey key) {
  switch (key) {
    case SortKey::kRate:
      if (a.rate != b.rate) return a.rate > b.rate;
      break;
    case SortKey::kCount:
      if (a.count != b.count) return a.count > b.count;
      break;
    case SortKey::kAge:
      if (a.age != b.age) return a.age < b.age;
      break;
    case SortKey::kName:
      break;
  }
  return a.name() < b.name();
}

}  // namespace

bool view_shows(std::string_view filter, std::string_view topic) {
  if (filter.empty()) return true;
  if (is_pattern(filter)) return topic_matches(filter, topic);
  return topic.find(filter) != std::string_view::npos;
}

std::string_view topic_prefix(std::string_view topic, int levels) {
  std::size_t end = 0;
  for (int i = 0; i < levels; ++i) {
    end = topic.find('/', i == 0 ? 0 : end + 1);
    if (end == std::string_view::npos) return topic;
  }
  return topic.substr(0, end);
}

int topic_levels(std::string_view topic) { return static_cast<int>(std::count(topic.begin(), topic.end(), '/')) + 1; }

std::vector<TopicRow> view_rows(const TopicTable& table, const ViewSettings& settings, TopTime now) {
  std::vector<TopicRow> rows;
  std::unordered_map<std::string_view, std::size_t> folded_rows;  // prefix -> index in rows
  std::unordered_map<std::string_view, int> deepest;              // prefix -> most levels below it
  table.for_each([&](std::string_view topic, const TopicStats& stats) {
    if (!view_shows(settings.filter, topic)) return;
    TopicRow row = topic_row(topic, stats, table, now);
    std::optional<std::string_view> folded = folded_prefix(topic, settings);
    if (!folded) {
      rows.push_back(std::move(row));
      return;
    }
    std::string_view prefix = *folded;
    int below = topic_levels(topic) - topic_levels(prefix);
    auto [found, added] = folded_rows.try_emplace(prefix, rows.size());
    if (added) {
      TopicRow group;
      group.topics = 0;
      group.age = row.age + 1;  // fold_into() takes the newest topic's last message
      group.prefix = prefix;
      rows.push_back(std::move(group));
      deepest[prefix] = below;
    }
    deepest[prefix] = std::max(deepest[prefix], below);
    fold_into(rows[found->second], row);
  });
  for (auto [prefix, index] : folded_rows) {
    rows[index].folded = std::string(prefix) + (deepest[prefix] > 1 ? "/#" : "/+");
  }
  std::sort(rows.begin(), rows.end(),
            [&](const TopicRow& a, const TopicRow& b) { return before(a, b, settings.sort); });
  return rows;
}

}  // namespace mqtk
