#include "mqtk/cli/subscription_flags.hpp"

#include <CLI/CLI.hpp>

#include <doctest/doctest.h>
#include <mqtt_protocol.h>

#include "mqtk/base/error.hpp"

TEST_SUITE("subscription_flags") {
  TEST_CASE("--retain-handling: MQTT v5 only, and not against -R or --retained-only") {
    mqtk::SubscriptionFlags flags;
    mqtk::SubscribeOptions options;
    flags.retain_handling = 1;
    CHECK_THROWS_WITH_AS(mqtk::apply_subscription_flags(flags, false, options),
                         "--retain-handling: a subscription option of MQTT v5; add -V mqttv5", mqtk::UsageError);
    mqtk::apply_subscription_flags(flags, true, options);
    CHECK(options.subscribe_options == MQTT_SUB_OPT_SEND_RETAIN_NEW);
    options.subscribe_options = 0;
    flags.retain_handling = 2;
    options.skip_retained = true;
    mqtk::apply_subscription_flags(flags, true, options);  // -R asks for the same
    CHECK(options.subscribe_options == MQTT_SUB_OPT_SEND_RETAIN_NEVER);
    flags.retain_handling = 0;
    CHECK_THROWS_WITH_AS(mqtk::apply_subscription_flags(flags, true, options),
                         "-R already asks the broker for no retained messages; drop -R or --retain-handling",
                         mqtk::UsageError);
    options.skip_retained = false;
    options.retained_only = true;
    flags.retain_handling = 2;
    CHECK_THROWS_WITH_AS(mqtk::apply_subscription_flags(flags, true, options),
                         "--retained-only with --retain-handling never would print nothing", mqtk::UsageError);
  }

  TEST_CASE("the flags as typed, by their mosquitto 2.1 names") {
    CLI::App app;
    mqtk::SubscriptionFlags flags;
    mqtk::add_retain_handling_flag(app, flags, "Subscription");
    mqtk::add_reconnect_flags(app, flags, "Running");
    app.parse(
        std::vector<std::string>{"never", "--retain-handling", "2s", "--reconnect-delay", "4", "--reconnect-max"});
    CHECK(flags.retain_handling == 2);
    CHECK(flags.reconnect_max == 4);
    mqtk::SubscribeOptions options;
    mqtk::apply_subscription_flags(flags, true, options);
    CHECK(options.reconnect.enabled);
    CHECK(options.reconnect.first_delay == std::chrono::seconds(2));
    CHECK(options.reconnect.max_attempts == 4);
    CHECK_THROWS_AS(app.parse(std::vector<std::string>{"sometimes", "--retain-handling"}), CLI::ValidationError);
    CHECK_THROWS_AS(app.parse(std::vector<std::string>{"-1", "--reconnect-max"}), CLI::ValidationError);
  }
}
