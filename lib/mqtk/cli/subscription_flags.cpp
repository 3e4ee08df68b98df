#include "mqtk/cli/subscription_flags.hpp"

#include <CLI/CLI.hpp>
#include <map>

#include "mqtk/base/error.hpp"
#include "mqtk/base/units.hpp"

namespace mqtk {
namespace {

constexpr int kRetainNever = 2;

// The first wait (a duration, default 500ms) and the attempts per outage (0:
// for ever).
ReconnectPolicy reconnect_policy(const std::optional<std::string>& first_delay, int max_attempts) {
  ReconnectPolicy policy;
  policy.enabled = true;
  if (first_delay) policy.first_delay = parse_duration(*first_delay, "--reconnect-delay");
  if (max_attempts < 0) throw UsageError("--reconnect-max: give a number of attempts, 0 for no limit");
  policy.max_attempts = max_attempts;
  return policy;
}

// --retain-handling (mosquitto 2.1), which libmosquitto drops without a word
// from an MQTT 3 subscription, and which -R and --retained-only can contradict.
void apply_retain_handling(int handling, bool mqtt5, SubscribeOptions& options) {
  if (!mqtt5) throw UsageError("--retain-handling: a subscription option of MQTT v5; add -V mqttv5");
  if (options.skip_retained && handling != kRetainNever) {
    throw UsageError("-R already asks the broker for no retained messages; drop -R or --retain-handling");
  }
  if (options.retained_only && handling == kRetainNever) {
    throw UsageError("--retained-only with --retain-handling never would print nothing");
  }
  options.subscribe_options |= handling << 4;  // bits 4-5 of the subscription options
}

}  // namespace

void add_retain_handling_flag(CLI::App& app, SubscriptionFlags& flags, const std::string& group) {
  // mosquitto 2.1's names; the numbers are MQTT v5's.
  const std::map<std::string, int> retain_handlings{{"always", 0}, {"new", 1}, {"never", 2}};
  app.add_option("--retain-handling", flags.retain_handling,
                 "MQTT v5: retained messages on subscribing: always, new (not for a kept subscription), never")
      ->transform(CLI::CheckedTransformer(retain_handlings))
      ->type_name("{always,new,never}")
      ->group(group);
}

void add_reconnect_flags(CLI::App& app, SubscriptionFlags& flags, const std::string& group) {
  app.add_option("--reconnect-delay", flags.reconnect_delay, "First wait before reconnecting (default 500ms; doubles)")
      ->type_name("DURATION")
      ->group(group);
  app.add_option("--reconnect-max", flags.reconnect_max, "Give up (exit 1) after N failed reconnects (default: never)")
      ->type_name("N")
      ->check(CLI::Range(0, 1000000))
      ->group(group);
}

void apply_subscription_flags(const SubscriptionFlags& flags, bool mqtt5, SubscribeOptions& options) {
  if (flags.retain_handling) apply_retain_handling(*flags.retain_handling, mqtt5, options);
  options.reconnect = reconnect_policy(flags.reconnect_delay, flags.reconnect_max);
}

}  // namespace mqtk
