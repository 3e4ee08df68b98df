#include "mqtk/record/durability.hpp"

#include "mqtk/base/units.hpp"

namespace mqtk {

Durability parse_durability(std::string_view text) {
  Durability durability;
  if (text == "batch") return durability;
  if (text == "never") {
    durability.policy = Durability::Policy::kNever;
    return durability;
  }
  durability.policy = Durability::Policy::kInterval;
  durability.interval = parse_duration(text, "--fsync");
  return durability;
}

bool SyncSchedule::due(std::chrono::steady_clock::time_point now, bool before_acknowledgements) {
  constexpr std::chrono::seconds kUnacknowledgedSyncInterval{1};
  std::chrono::steady_clock::duration interval{};
  switch (durability_.policy) {
    case Durability::Policy::kBeforeAcknowledging:
      if (before_acknowledgements) {
        last_ = now;
        return true;
      }
      interval = kUnacknowledgedSyncInterval;
      break;
    case Durability::Policy::kInterval:
      interval = durability_.interval;
      break;
    case Durability::Policy::kNever:
      return false;
  }
  if (now - last_ < interval) return false;
  last_ = now;
  return true;
}

}  // namespace mqtk
