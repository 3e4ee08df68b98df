// A decoded Sparkplug B payload (sparkplug_decoder.hpp) as mqtk-record
// makes points of it: one point per metric, named by the metric, at the
// metric's own time. Sparkplug carries many readings of an edge node in one
// message, each with its name (or, after the birth, often only an alias)
// and its timestamp in milliseconds; the message's topic
// (spBv1.0/group/DDATA/node/device) says only where they come from.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace mqtk {

struct SparkplugMetric {
  // Its name, else its alias in decimal; empty when it has neither.
  std::string name;
  // Its value; nullptr when it has none (is_null, or none carried).
  const nlohmann::json* value = nullptr;
  // The metric's timestamp, else the payload's, in nanoseconds; nothing
  // when neither is there (or either is beyond 2262).
  std::optional<std::int64_t> time;
};

// The metrics of `payload`, in order; they point into it. Nothing for a
// value that is not a decoded Sparkplug payload.
std::vector<SparkplugMetric> sparkplug_metrics(const nlohmann::json& payload);

}  // namespace mqtk
