// The flags mqtk-sub and mqtk-record share for their subscription: which
// retained messages the broker sends (--retain-handling) and how a lost
// connection is retried (--reconnect-delay, --reconnect-max).
#pragma once

#include <optional>
#include <string>

#include "mqtk/client/subscriber.hpp"

namespace CLI {
class App;
}

namespace mqtk {

struct SubscriptionFlags {
  std::optional<int> retain_handling;  // MQTT v5: 0 always, 1 new, 2 never
  std::optional<std::string> reconnect_delay;
  int reconnect_max = 0;
};

void add_retain_handling_flag(CLI::App& app, SubscriptionFlags& flags, const std::string& group);
void add_reconnect_flags(CLI::App& app, SubscriptionFlags& flags, const std::string& group);

// Applies the flags to `options`, after -R and --retained-only are in it.
// `mqtt5` is whether the connection is MQTT v5. Throws UsageError naming the
// flag at fault.
void apply_subscription_flags(const SubscriptionFlags& flags, bool mqtt5, SubscribeOptions& options);

}  // namespace mqtk
