// A broker in a script, for the unit tests of the client loops (Publisher,
// Subscriber): it opens BrokerConnections that answer as a broker would,
// turn by turn, without a socket, on a clock that moves only when a turn
// waits: by the turn's timeout (at most a second, as Session) when nothing
// arrives, nothing is to be written and no watched descriptor is ready, or as
// long as a StayQuiet step says.
//
// It keeps libmosquitto's order within a turn, which is what the
// acknowledge-after-write design rests on (see mqtk/mqtt/session.hpp): the
// acknowledgement of a QoS 1/2 message is queued when the message is read,
// before the client sees it, and queued packets are written only after
// SessionEvents::before_write has returned; if anything the client does in
// the turn throws, nothing queued is written. What the client writes to the
// broker goes into `log` as it is written, so a test sink that logs into the
// same place lets a test check what came first.
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "mqtk/client/monotonic_clock.hpp"
#include "mqtk/mqtt/broker_connection.hpp"

namespace test_support {

// Time that moves only when told to.
class ManualClock final : public mqtk::MonotonicClock {
 public:
  time_point now() const override { return now_; }
  void advance(std::chrono::steady_clock::duration by) { now_ += by; }

 private:
  // Not zero: the loops take a zero time_point for "not set".
  time_point now_ = time_point{} + std::chrono::hours(1);
};

// A message the broker sends to the client.
struct Incoming {
  std::string topic;
  std::string payload;
  int qos = 1;
  bool retain = false;
  std::optional<std::string> correlation_data{};  // MQTT v5
};

// A message the client published.
struct Published {
  int mid = 0;
  std::string topic;  // empty when sent to the topic alias
  std::string payload;
  int qos = 0;
  bool retain = false;
  std::optional<std::string> correlation_data{};  // MQTT v5
};

// What the broker (or the world around the client) does when its turn comes.
//
// The broker sends messages; they wait in the connection until the client
// reads them, and what it never reads it never acknowledges.
struct SendMessages {
  std::vector<Incoming> messages;
};
// The connection drops (`reason_code`: the v5 DISCONNECT's, 0 before v5),
// once the broker has acknowledged `after_acknowledgements` publishes.
struct DropConnection {
  int reason_code = 0;
  long after_acknowledgements = 0;
};
// The process receives a signal (blocked by a SignalWatch, which reads it).
struct RaiseSignal {
  int signo = 0;
  bool while_connecting = false;  // without waiting for the broker to accept the connection
};
// Nothing arrives for a while.
struct StayQuiet {
  std::chrono::milliseconds how_long{0};
};
using Step = std::variant<SendMessages, DropConnection, RaiseSignal, StayQuiet>;

class ScriptedBroker {
 public:
  // The steps to take, at most one a turn, after the broker's answers of the
  // turn (CONNACK, SUBACK, UNSUBACK, PUBACK). A step waits for the broker to
  // have accepted the connection (again, after a drop) unless it says not to,
  // and messages wait until every SUBSCRIBE of the connection is answered.
  std::deque<Step> script;

  // How the broker answers.
  bool accepts_connections = true;  // false: CONNACK never comes
  std::vector<int> granted;         // SUBACK codes; empty: each filter granted the QoS asked for
  std::size_t acknowledgements_per_turn = std::numeric_limits<std::size_t>::max();
  std::map<int, int> publish_reasons;  // a PUBACK's reason code by message id; 0 when not listed

  // What happened. The log reads, in order: what the client wrote to the
  // broker ("SUBSCRIBE a/#", "PUBLISH 1 a/b", "PUBACK 3", "DISCONNECT 0"),
  // what it read ("read 3 a/b" for the broker's message 3, "read PUBACK 1"),
  // and what else the test logs there.
  ManualClock clock;
  std::vector<std::string> log;
  std::vector<Published> published;
  std::deque<Incoming> unread;   // sent and never read: never acknowledged either
  long acknowledged = 0;         // publishes the broker acknowledged
  long most_unacknowledged = 0;  // the most publishes outstanding at once
  int connections = 0;           // CONNACKs sent
  // Each turn as the client began it: what it watched besides the broker,
  // and how many of its publishes were outstanding.
  struct Turn {
    std::vector<int> watched;
    long unacknowledged = 0;
  };
  std::vector<Turn> turns;

  mqtk::OpenConnection opener();

  // The position of `entry` in `log`, or -1.
  long position(const std::string& entry) const;
  // Whether `entry` appears in the log.
  bool logged(const std::string& entry) const { return position(entry) >= 0; }

 private:
  friend class ScriptedConnection;
  int next_incoming_mid_ = 1;
};

}  // namespace test_support
