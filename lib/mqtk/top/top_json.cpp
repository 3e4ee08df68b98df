#include "mqtk/top/top_json.hpp"

#include <cmath>
#include <nlohmann/json.hpp>

namespace mqtk {
namespace {

// Rates and ages to the millisecond: more digits are noise.
double rounded(double value) { return std::round(value * 1000) / 1000; }

}  // namespace

void append_row_json(const TopicRow& row, std::string_view time, bool evaluating, std::string& out) {
  nlohmann::ordered_json object;
  object["time"] = time;
  object["topic"] = row.name();
  if (row.is_folded()) object["topics"] = row.topics;
  object["count"] = row.count;
  object["rate"] = rounded(row.rate);
  object["rates"] = row.rates;
  object["bytes"] = row.bytes;
  object["size"] = row.size;
  object["age"] = rounded(row.age);
  object["qos"] = row.qos;
  object["retained"] = row.retained;
  if (!row.is_folded() && row.stats != nullptr) {
    const TopicStats& stats = *row.stats;
    object["payload"] = stats.payload;
    if (evaluating && stats.evaluated) object["shown"] = stats.shown_text();
    if (stats.evaluated && !std::isnan(stats.shown.value)) {
      object["value"] = stats.shown.value;
    } else {
      object["value"] = nullptr;
    }
  }
  // A payload that is not UTF-8 keeps its readable part (U+FFFD for the rest):
  // JSON holds text only.
  out += object.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  out += '\n';
}

}  // namespace mqtk
