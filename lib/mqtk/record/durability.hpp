// When written records are forced to disk (--fsync).
#pragma once

#include <chrono>
#include <string_view>

namespace mqtk {

struct Durability {
  enum class Policy {
    kBeforeAcknowledging,  // (default) before acknowledgements leave: nothing acknowledged is lost
    kInterval,             // at most `interval` apart: a crash of the machine may lose that much
    kNever,                // left to the operating system
  };
  Policy policy = Policy::kBeforeAcknowledging;
  std::chrono::milliseconds interval{1000};
};

// "batch", "never", or a duration ("2s"). Throws UsageError naming --fsync.
Durability parse_durability(std::string_view text);

// Decides, commit by commit, whether this one must sync. Before
// acknowledging, the default policy always syncs; other commits (QoS 0
// messages, which are never acknowledged) are synced at least every second.
class SyncSchedule {
 public:
  explicit SyncSchedule(Durability durability) : durability_(durability) {}
  bool due(std::chrono::steady_clock::time_point now, bool before_acknowledgements);

 private:
  Durability durability_;
  std::chrono::steady_clock::time_point last_{};
};

}  // namespace mqtk
