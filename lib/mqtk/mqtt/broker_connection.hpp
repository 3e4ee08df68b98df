// What a client loop (mqtk/client: Publisher, Subscriber) is told by its
// connection to the broker, and the states that connection goes through.
#pragma once

#include <span>
#include <string>
#include <string_view>

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
  // After reading, before anything (acknowledgements included) is written.
  virtual void before_write() {}
  // A libmosquitto debug line (only with ConnectOptions::debug).
  virtual void on_log(std::string_view /*line*/) {}
};

enum class SessionState {
  kNew,
  kConnecting,           // TCP connect or CONNACK outstanding
  kConnected,
  kDisconnecting,        // DISCONNECT queued
  kClosed,               // closed at our request
  kLost,                 // dropped, not reconnecting
  kWaitingToReconnect,
};

}  // namespace mqtk
