// Whether a connection may be closed as soon as its DISCONNECT is written,
// instead of waiting for the broker to close its end first.
//
// Closing a TCP socket with received data still unread makes the kernel reset
// the connection, and the broker then drops what it had not read yet,
// DISCONNECT included (and sends the will). So Session waits for the broker to
// close (Session::drain_closed_connection) whenever the broker may still send
// something. Waiting costs a publisher that has just queued megabytes at QoS 0
// the time the broker takes to read them, which mosquitto_pub does not spend.
// Nothing can arrive when no subscription exists, no publish waits for its
// acknowledgement, and libmosquitto cannot have sent a keepalive PINGREQ yet.
#pragma once
#include <chrono>

namespace mqtk {

struct ConnectionActivity {
  bool subscribed = false;       // messages may arrive for a subscription
  bool replies_awaited = false;  // a publish is not yet reported complete
  // TLS or a WebSocket: the layer under MQTT may send on its own (TLS 1.3
  // session tickets, WebSocket pings).
  bool layered = false;
  std::chrono::steady_clock::duration since_connect_began{};
  int keepalive_seconds = 0;  // 0: no keepalive pings
};

bool can_close_at_once(const ConnectionActivity& activity);

}  // namespace mqtk
