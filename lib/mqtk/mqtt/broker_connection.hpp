// The seam under the client loops (mqtk/client: Publisher, Subscriber): one
// connection to a broker, turned by the loop that owns it. Session implements
// it over libmosquitto; the unit tests implement it with a scripted broker,
// so that the loops' rules (when to stop, commit before acknowledging, the
// in-flight window) are tested without a real one, the way ninja's
// DiskInterface lets its builder be tested without a disk.
//
// libmosquitto's types stay out of it but for the MQTT v5 property lists,
// which are passed through as they are (`const mosquitto_property*`, declared
// in message.hpp).
#pragma once

#include <poll.h>

#include <chrono>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "mqtk/mqtt/message.hpp"

namespace mqtk {

class SessionEvents {
 public:
  virtual ~SessionEvents() = default;
  // The broker accepted the connection (again, after a reconnect).
  virtual void on_connected(bool /*session_present*/) {}
  virtual void on_message(const Message& /*message*/) {}
  // A publish completed: acknowledged (QoS 1/2) or written out (QoS 0).
  // MQTT v5 reason codes of 128 and above mean the broker refused it.
  virtual void on_published(int /*mid*/, int /*reason_code*/) {}
  virtual void on_subscribed(int /*mid*/, std::span<const int> /*granted_qos*/) {}
  virtual void on_unsubscribed(int /*mid*/) {}
  // The connection dropped without our asking; `reason` is for the user,
  // `reason_code` the MQTT v5 reason of a DISCONNECT from the broker (0
  // when there was none, as always before MQTT v5).
  virtual void on_connection_lost(const std::string& /*reason*/, int /*reason_code*/) {}
  // Asked between the messages of one turn's reading: false ends the
  // reading there, so that what was read is committed and acknowledged
  // before more is taken (a turn's worth of large payloads would otherwise
  // all wait in memory).
  virtual bool read_more() const { return true; }
  // After reading, before anything (acknowledgements included) is written.
  virtual void before_write() {}
  // A libmosquitto debug line (only with ConnectOptions::debug).
  virtual void on_log(std::string_view /*line*/) {}
};

enum class SessionState {
  kNew,
  kConnecting,  // TCP connect or CONNACK outstanding
  kConnected,
  kDisconnecting,  // DISCONNECT queued
  kClosed,         // closed at our request
  kLost,           // dropped, not reconnecting
  kWaitingToReconnect,
};

// Whether and how a lost connection is made again.
struct ReconnectPolicy {
  bool enabled = false;
  // The first attempt waits this long; each failed one doubles the wait, up
  // to the larger of max_delay and first_delay.
  std::chrono::milliseconds first_delay{500};
  std::chrono::milliseconds max_delay{8000};
  int max_attempts = 0;  // attempts per outage before giving up; 0: for ever
};

class BrokerConnection {
 public:
  virtual ~BrokerConnection() = default;

  // Reconnect after a connection that had been accepted is lost. The first
  // connection failing is always an error; so is an outage past the
  // policy's attempts.
  virtual void set_reconnect(const ReconnectPolicy& policy) = 0;
  // After a turn that read messages and sent nothing back, wait `pause`
  // before looking for more, so that a busy stream is read in bursts instead
  // of waking up for every message. Zero reads as soon as data arrives.
  virtual void set_read_batching(std::chrono::microseconds pause) = 0;

  // Starts connecting; run_once() carries it on.
  virtual void connect() = 0;
  // One turn of the event loop: waits up to `timeout_ms` (-1: as long as
  // needed) for the broker or any of `watched` (their revents are filled in),
  // reads and dispatches what arrived, calls SessionEvents::before_write()
  // and only then writes queued packets, acknowledgements included. Throws
  // Error when the broker refuses the connection, when connecting fails and
  // reconnecting is off or was never possible, and whatever an event threw
  // (then nothing queued in this turn is written).
  virtual void run_once(int timeout_ms, std::span<pollfd> watched) = 0;

  virtual SessionState state() const = 0;
  bool connected() const { return state() == SessionState::kConnected; }
  // Whether packets are queued for the broker (for example acknowledgements).
  virtual bool wants_write() const = 0;
  // Stops reading from the broker after the current message (for -C); unread
  // messages stay unacknowledged at the broker.
  virtual void stop_reading() = 0;
  // Reads nothing while `paused` (a sink that cannot take more); unread
  // messages wait, unacknowledged, at the broker.
  virtual void pause_reading(bool paused) = 0;

  // Queues a publish and returns its message id. Throws Error.
  virtual int publish(std::string_view topic, std::string_view payload, int qos, bool retain,
                      const mosquitto_property* properties) = 0;
  // Publish reusing a v5 topic alias set up by an earlier publish.
  virtual int publish_to_alias(std::string_view payload, int qos, bool retain,
                               const mosquitto_property* properties) = 0;
  // Queue a SUBSCRIBE (one packet for all the filters) or an UNSUBSCRIBE and
  // return its message id. Throw Error.
  virtual int subscribe(const std::vector<std::string>& filters, int qos, int options,
                        const mosquitto_property* properties) = 0;
  virtual int unsubscribe(const std::string& filter, const mosquitto_property* properties) = 0;
  // Queues a DISCONNECT (with an MQTT v5 reason code); the state goes to
  // kClosed once the broker has closed the connection.
  virtual void disconnect(int reason_code = 0) = 0;
};

// Makes the connection a client loop drives, reporting to the loop's
// `events`: a Session in the tools (Session::opener), a scripted broker in
// the unit tests.
using OpenConnection = std::function<std::unique_ptr<BrokerConnection>(SessionEvents& events)>;

}  // namespace mqtk
