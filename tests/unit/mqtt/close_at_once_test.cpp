#include "mqtk/mqtt/close_at_once.hpp"

#include <doctest/doctest.h>

using namespace std::chrono_literals;

namespace mqtk {

namespace {

// A publisher that has published and had every publish completed, 3 s
// after it began to connect, with mosquitto_pub's keepalive of 60 s.
ConnectionActivity quiet_publisher() {
  ConnectionActivity activity;
  activity.since_connect_began = 3s;
  activity.keepalive_seconds = 60;
  return activity;
}

}  // namespace

TEST_CASE("a publisher with nothing to hear back closes at once") { CHECK(can_close_at_once(quiet_publisher())); }

TEST_CASE("anything the broker may still send means waiting for it to close") {
  ConnectionActivity activity = quiet_publisher();
  SUBCASE("a subscription") { activity.subscribed = true; }
  SUBCASE("an acknowledgement still due") { activity.replies_awaited = true; }
  SUBCASE("TLS or a WebSocket under MQTT") { activity.layered = true; }
  CHECK_FALSE(can_close_at_once(activity));
}

TEST_CASE("once a keepalive ping may have gone out, its answer may still come") {
  ConnectionActivity activity = quiet_publisher();
  activity.since_connect_began = 57s;
  CHECK(can_close_at_once(activity));
  activity.since_connect_began = 58s;  // whole-second clocks: a ping at 59 s is possible
  CHECK_FALSE(can_close_at_once(activity));
  activity.keepalive_seconds = 5;
  activity.since_connect_began = 2900ms;
  CHECK(can_close_at_once(activity));
  activity.since_connect_began = 3s;
  CHECK_FALSE(can_close_at_once(activity));
}

TEST_CASE("without keepalive no ping is ever sent") {
  ConnectionActivity activity = quiet_publisher();
  activity.keepalive_seconds = 0;
  activity.since_connect_began = 24h;
  CHECK(can_close_at_once(activity));
}

}  // namespace mqtk
