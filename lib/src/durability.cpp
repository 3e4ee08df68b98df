#include "mqtk/durability.hpp"

#include "mqtk/units.hpp"

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

bool SyncSchedule::due(std::chrono::steady_clock::time_point now) {
  switch (durability_.policy) {
    case Durability::Policy::kEveryCommit:
      return true;
    case Durability::Policy::kNever:
      return false;
    case Durability::Policy::kInterval:
      if (now - last_ < durability_.interval) return false;
      last_ = now;
      return true;
  }
  return true;
}

}  // namespace mqtk
