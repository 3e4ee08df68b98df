#include "mqtk/mqtt/close_at_once.hpp"

namespace mqtk {

// libmosquitto sends its first PINGREQ once `keepalive` seconds pass without
// a packet in either direction, counted from the moment the connect began, on
// a clock of whole seconds. So before keepalive - 1 seconds none can have been
// sent; one more second of margin covers the rounding of both readings.
constexpr std::chrono::seconds kPingMargin{2};

bool can_close_at_once(const ConnectionActivity& activity) {
  if (activity.subscribed || activity.replies_awaited || activity.layered) return false;
  if (activity.keepalive_seconds == 0) return true;
  return activity.since_connect_began + kPingMargin < std::chrono::seconds(activity.keepalive_seconds);
}

}  // namespace mqtk
