#include "mqtk/top/topic_table.hpp"

#include <algorithm>

namespace mqtk {

void ValueHistory::add(double value) {
  values_[static_cast<std::size_t>(next_)] = static_cast<float>(value);
  next_ = (next_ + 1) % kValues;
  size_ = std::min(size_ + 1, kValues);
}

double ValueHistory::at(int i) const {
  int oldest = size_ < kValues ? 0 : next_;
  return values_[static_cast<std::size_t>((oldest + i) % kValues)];
}

namespace {

// What a payload has beyond what every topic keeps.
std::size_t beyond_kept(std::string_view payload) {
  return payload.size() > TopicTable::kKeptPayload ? payload.size() - TopicTable::kKeptPayload : 0;
}

}  // namespace

void TopicTable::add(std::string_view topic, std::string_view payload, int qos, bool retained, TopTime now) {
  std::int64_t s = second(now);
  ++messages_;
  bytes_ += static_cast<long long>(payload.size());
  total_rates_.add(s);
  auto found = topics_.find(topic);
  if (found == topics_.end()) {
    if (topics_.size() >= max_topics_) {
      ++dropped_messages_;
      return;
    }
    found = topics_.emplace(std::string(topic), TopicStats{}).first;
    found->second.first_seen = now;
  }
  TopicStats& stats = found->second;
  ++stats.count;
  stats.bytes += static_cast<long long>(payload.size());
  stats.size = payload.size();
  // assign() reuses the string's buffer: no allocation per message once a
  // topic's payloads have reached their usual size.
  kept_whole_ -= beyond_kept(stats.payload);
  std::size_t kept = kKeptPayload;
  if (kept_whole_ + beyond_kept(payload) <= evaluation_budget_) {
    kept = payload.size();
    kept_whole_ += beyond_kept(payload);
  }
  stats.payload.assign(payload.substr(0, kept));
  stats.qos = qos;
  stats.retained = retained;
  stats.last_seen = now;
  stats.rates.add(s);
  stats.evaluated = false;
}

void TopicTable::evaluate_changed(const Evaluator& evaluate) {
  for (auto& [topic, stats] : topics_) {
    if (stats.evaluated) continue;
    stats.shown = evaluate(topic, stats);
    stats.evaluated = true;
    if (!std::isnan(stats.shown.value)) stats.values.add(stats.shown.value);
    if (stats.payload.size() > kKeptPayload) {
      kept_whole_ -= beyond_kept(stats.payload);
      stats.payload.resize(kKeptPayload);
      stats.payload.shrink_to_fit();
    }
  }
}

const TopicStats* TopicTable::find(std::string_view topic) const {
  auto found = topics_.find(topic);
  return found == topics_.end() ? nullptr : &found->second;
}

double TopicTable::rate(const TopicStats& stats, TopTime now) const {
  return stats.rates.rate(seconds(now), seconds(stats.first_seen));
}

double TopicTable::total_rate(TopTime now) const { return total_rates_.rate(seconds(now), 0.0); }

}  // namespace mqtk
