// What mqtk-top shows of its TopicTable: the rows, filtered by a topic
// pattern, with folded levels of the topic tree summed into one row
// ("sensors/+"), sorted by a key. Built anew for each refresh, so the table
// itself never changes shape for a view.
#pragma once

#include <array>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "mqtk/top/topic_table.hpp"

namespace mqtk {

enum class SortKey { kRate, kName, kCount, kAge };

struct ViewSettings {
  SortKey sort = SortKey::kRate;
  // Shows only the topics it matches: an MQTT filter when it has a
  // wildcard level ("sensors/+/temp"), otherwise any topic containing it.
  std::string filter;
  // Folded prefixes, each the first levels of topics ("sensors",
  // "plant/line1"): the topics below one are shown as a single row.
  std::set<std::string, std::less<>> folded;
  // When above 0, topics deeper than this many levels are folded at it too.
  int depth = 0;
};

// The seconds of the rate sparkline, oldest first.
inline constexpr int kSparkSeconds = 8;

struct TopicRow {
  // A topic's row names it by the table's own copy of the topic (no string
  // a row a refresh); a folded row has a name of its own.
  std::string_view topic;  // a topic row's topic
  std::string folded;      // a folded row's name: "sensors/+" ("sensors/#" when deeper)
  std::string prefix;      // a folded row's prefix ("sensors"; "" for the first level of "/a")
  int topics = 1;          // how many topics the row sums
  long long count = 0;
  double rate = 0;
  std::array<std::uint32_t, kSparkSeconds> rates{};  // the last whole seconds' messages, oldest first
  long long bytes = 0;
  std::size_t size = 0;  // the last payload's (a folded row: the newest topic's)
  double age = 0;        // seconds since the last message
  int qos = 0;
  bool retained = false;
  const TopicStats* stats = nullptr;  // a topic's (or a folded row's newest); for its payload and values

  bool is_folded() const { return !folded.empty(); }
  std::string_view name() const { return is_folded() ? std::string_view(folded) : topic; }
};

// Whether `filter` (as ViewSettings::filter) shows `topic`.
bool view_shows(std::string_view filter, std::string_view topic);

// The rows of `table` at `now`.
std::vector<TopicRow> view_rows(const TopicTable& table, const ViewSettings& settings, TopTime now);

// The prefix of `topic`'s first `levels` levels ("a/b/c", 2: "a/b"); the
// whole topic when it has no more.
std::string_view topic_prefix(std::string_view topic, int levels);
// How many levels `topic` has ("a/b": 2).
int topic_levels(std::string_view topic);

}  // namespace mqtk
