#include "mqtk/record/sparkplug_metrics.hpp"

#include "mqtk/record/json_fields.hpp"

namespace mqtk {
namespace {

// A Sparkplug timestamp (milliseconds since the epoch, uint64) in
// nanoseconds, when the member is there and fits.
std::optional<std::int64_t> time_of(const nlohmann::json& object) {
  auto at = object.find("timestamp");
  if (at == object.end() || !at->is_number_unsigned()) return std::nullopt;
  auto milliseconds = at->get<std::uint64_t>();
  if (milliseconds > static_cast<std::uint64_t>(INT64_MAX)) return std::nullopt;
  return nanoseconds_from(static_cast<std::int64_t>(milliseconds), TimeUnit::kMilliseconds);
}

std::string name_of(const nlohmann::json& metric) {
  if (auto name = metric.find("name");
      name != metric.end() && name->is_string() && !name->get_ref<const std::string&>().empty()) {
    return name->get<std::string>();
  }
  if (auto alias = metric.find("alias"); alias != metric.end() && alias->is_number_unsigned()) {
    return std::to_string(alias->get<std::uint64_t>());
  }
  return {};
}

}  // namespace

std::vector<SparkplugMetric> sparkplug_metrics(const nlohmann::json& payload) {
  std::vector<SparkplugMetric> metrics;
  if (!payload.is_object()) return metrics;
  auto listed = payload.find("metrics");
  if (listed == payload.end() || !listed->is_array()) return metrics;
  std::optional<std::int64_t> payload_time = time_of(payload);
  for (const nlohmann::json& metric : *listed) {
    if (!metric.is_object()) continue;
    SparkplugMetric point;
    point.name = name_of(metric);
    if (auto value = metric.find("value"); value != metric.end() && !value->is_null()) point.value = &*value;
    point.time = time_of(metric);
    if (!point.time) point.time = payload_time;
    metrics.push_back(std::move(point));
  }
  return metrics;
}

}  // namespace mqtk
