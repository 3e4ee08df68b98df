// One MQTT client connection driven by the tool's own event loop.
//
// The session runs libmosquitto in "threaded" mode without starting a thread:
// nothing is written to the broker while messages are being read. Each turn
// reads what arrived, then calls SessionEvents::before_write, then writes the
// queued packets. libmosquitto queues the acknowledgement of a QoS 1/2
// message before handing it over, so a tool that makes messages durable in
// before_write (prints or stores them) only ever acknowledges what it has
// already handled. tests/integration/test_ack_after_write.py pins this.
#pragma once

#include <poll.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "mqtk/base/fd.hpp"
#include "mqtk/mqtt/broker_connection.hpp"
#include "mqtk/mqtt/connect_options.hpp"
#include "mqtk/mqtt/message.hpp"
#include "mqtk/mqtt/mosquitto_types.hpp"
#include "mqtk/mqtt/tls_context.hpp"
#include "mqtk/mqtt/websocket_bridge.hpp"

namespace mqtk {

// The BrokerConnection of the tools.
class Session final : public BrokerConnection {
 public:
  Session(const ConnectOptions& options, SessionEvents& events);
  ~Session() override;
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Opens Sessions with `options` (which must outlive them) for a client loop.
  static OpenConnection opener(const ConnectOptions& options);

  void set_reconnect(const ReconnectPolicy& policy) override { reconnect_ = policy; }
  // Reading in bursts matters because waking up for every message costs
  // more CPU than the messages themselves. Zero is the default.
  void set_read_batching(std::chrono::microseconds pause) override { read_batching_ = pause; }

  void connect() override;
  void run_once(int timeout_ms, std::span<pollfd> watched) override;

  SessionState state() const override { return state_; }
  bool wants_write() const override;
  void stop_reading() override { reading_stopped_ = true; }
  void pause_reading(bool paused) override { reading_paused_ = paused; }

  int publish(std::string_view topic, std::string_view payload, int qos, bool retain,
              const mosquitto_property* properties) override;
  int publish_to_alias(std::string_view payload, int qos, bool retain, const mosquitto_property* properties) override;
  int subscribe(const std::vector<std::string>& filters, int qos, int options,
                const mosquitto_property* properties) override;
  int unsubscribe(const std::string& filter, const mosquitto_property* properties) override;
  void disconnect(int reason_code = 0) override;

 private:
  struct Callbacks;
  friend struct Callbacks;
  using Clock = std::chrono::steady_clock;
  struct DestroyClient {
    void operator()(mosquitto* client) const;
  };
  // What a turn waits for on the broker's socket.
  struct SocketInterest {
    int fd = -1;  // -1: the socket is not watched in this turn
    short events = 0;
    bool handshaking = false;  // a TLS handshake is under way
    bool reading = false;      // reading is neither stopped nor paused
  };

  void configure();  // the constructor's work once mosq_ exists
  void set_protocol();
  void set_login();
  void set_will();
  void set_callbacks();
  void set_tls();
  void set_proxy();
  void set_websocket();
  void store_connect_properties();
  void set_logging(bool connecting);
  bool tls_handshaking() const;
  std::string failure_reason(const std::string& fallback) const;
  void begin_attempt();
  void try_next_address();
  void connection_failed(const std::string& reason);
  void settle_disconnect();
  void drain_closed_connection();
  void pause_between_bursts();
  SocketInterest socket_interest() const;
  short wait(const SocketInterest& socket, int timeout_ms, std::span<pollfd> watched) const;
  void continue_tls_handshake(short revents);
  bool read_burst();
  bool socket_readable() const;
  bool bytes_held(int fd) const;
  int loop_read();
  void check_packet_size(std::size_t topic_size, std::size_t payload_size, int qos,
                         const mosquitto_property* properties) const;
  std::string describe_failure(int rc, int saved_errno) const;
  void write_queued();
  void check_deadlines();
  void rethrow_pending();
  int poll_timeout(int requested_ms) const;

  const ConnectOptions& options_;
  SessionEvents& events_;
  SessionState state_ = SessionState::kNew;
  ReconnectPolicy reconnect_;
  int reconnect_attempts_ = 0;  // in this outage
  bool ever_connected_ = false;
  bool reading_stopped_ = false;
  bool reading_paused_ = false;
  std::chrono::microseconds read_batching_{0};
  bool read_dry_last_turn_ = false;  // the last turn read until no data was left
  bool wrote_last_turn_ = false;
  std::vector<std::string> addresses_;  // numeric forms of the host, tried in turn
  std::size_t next_address_ = 0;
  std::string last_failure_;
  // Set by libmosquitto's disconnect callback, acted on once it has returned.
  bool disconnect_pending_ = false;
  std::string disconnect_reason_;
  int disconnect_code_ = 0;       // the broker's v5 reason code, when it sent DISCONNECT
  Clock::time_point deadline_{};  // connect timeout or reconnect time
  std::chrono::milliseconds reconnect_delay_{0};
  std::exception_ptr pending_error_;  // thrown inside a libmosquitto callback
  std::unique_ptr<TlsContext> tls_;
  bool socket_writable_seen_ = false;        // the TCP connection of this attempt is up
  bool tls_established_ = false;             // this attempt's TLS handshake completed
  std::string last_library_error_;           // libmosquitto's last error line while connecting
  std::string proxy_replies_;                // what the SOCKS5 proxy answered in this attempt
  uint32_t broker_maximum_packet_size_ = 0;  // from CONNACK (MQTT v5); 0: none
  // Relays libmosquitto's connections over WebSockets; uses tls_ for wss://.
  std::unique_ptr<WebSocketBridge> websocket_;
  // What the broker may still send when we disconnect (see close_at_once.hpp).
  bool subscribed_ = false;                // a SUBSCRIBE or UNSUBSCRIBE was sent
  std::uint64_t publishes_ = 0;            // queued
  std::uint64_t publishes_completed_ = 0;  // written (QoS 0) or acknowledged (QoS 1, 2)
  Clock::time_point connect_began_{};
  // Declared last, so destroyed first: libmosquitto's TLS connection uses tls_.
  Fd closing_fd_;  // see drain_closed_connection()
  std::unique_ptr<mosquitto, DestroyClient> mosq_;
};

}  // namespace mqtk
