// mqtk-sub's work: subscribe, filter what arrives, hand it to a sink, and
// know when to stop (-C, -E, -W, --retained-only, signals).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "mqtk/base/reporter.hpp"
#include "mqtk/base/signal_watch.hpp"
#include "mqtk/client/monotonic_clock.hpp"
#include "mqtk/mqtt/broker_connection.hpp"
#include "mqtk/mqtt/connect_options.hpp"
#include "mqtk/output/message_sink.hpp"

namespace mqtk {

// The pause of BrokerConnection::set_read_batching for output that is not a terminal.
inline constexpr std::chrono::microseconds kBatchedReading{1000};

// The MQTT v5 receive maximum the subscribing tools announce, instead of
// libmosquitto's 20. mosquitto frees a slot of a QoS 2 message once it has our
// PUBREC, while libmosquitto frees it only at the broker's PUBREL, so with
// 20 a subscriber slower than the stream (under load, or a sanitizer build)
// sees a 21st message "exceed" the maximum, and libmosquitto drops the
// connection as a protocol error. The broker's own in-flight limit (20 by
// default) still paces the stream.
inline constexpr int kReceiveMaximum = 1000;

struct SubscribeOptions {
  std::vector<std::string> topics;       // -t
  std::vector<std::string> filter_out;   // -T
  std::vector<std::string> unsubscribe;  // -U
  int qos = 0;
  int subscribe_options = 0;          // MQTT v5 subscription options (MQTT_SUB_OPT_*)
  long max_messages = 0;              // -C; 0: no limit
  int timeout_seconds = 0;            // -W; 0: none
  bool exit_after_subscribe = false;  // -E
  bool skip_retained = false;         // -R
  bool retained_only = false;
  bool remove_retained = false;
  double print_percentage = 100.0;  // --random-filter
  // See BrokerConnection::set_read_batching; zero for output on a terminal.
  std::chrono::microseconds read_batching{0};
  // Another client taking our client id ends the run with an error
  // (mqtk-record) instead of a reconnect that takes it back (mqtk-sub, as
  // mosquitto_sub).
  bool stop_on_takeover = false;
  // The exit status when a signal stops the run before the broker answered:
  // mosquitto_sub's -1 (255). mqtk-record has nothing to save then: 0.
  int interrupted_connecting_status = 255;
  // Reconnecting after the connection is lost: for ever by default, as
  // mosquitto_sub does.
  ReconnectPolicy reconnect{.enabled = true};
};

class Subscriber : private SessionEvents {
 public:
  using LogLine = std::function<void(std::string_view)>;

  // `log_line` receives -d debug lines (mosquitto_sub prints them on
  // standard output, in order with the messages). Subscribes over a Session
  // with `connect`.
  Subscriber(const ConnectOptions& connect, const SubscribeOptions& options, MessageSink& sink,
             const Reporter& reporter, SignalWatch& signals, LogLine log_line);
  // Subscribes over the connection `open` makes, going by `clock` (the unit
  // tests' scripted broker and hand-moved clock).
  Subscriber(const ConnectOptions& connect, const SubscribeOptions& options, MessageSink& sink,
             const Reporter& reporter, SignalWatch& signals, LogLine log_line, const OpenConnection& open,
             const MonotonicClock& clock);

  // Calls `tick` about every `period` while running (mqtk-record's status line).
  void set_ticker(std::chrono::milliseconds period, std::function<void()> tick) {
    tick_period_ = period;
    tick_ = std::move(tick);
  }

  // Calls `subscribed` once the broker has answered every SUBSCRIBE and
  // UNSUBSCRIBE of a connection, with the filters it granted.
  void set_on_subscribed(std::function<void(const std::vector<std::string>&)> subscribed) {
    on_all_subscribed_ = std::move(subscribed);
  }

  // Runs until done; returns the exit status. Throws Error.
  int run();

  // Messages handed to the sink.
  long received() const { return received_; }

  // Where the connection is (mqtk-top's header shows it).
  SessionState state() const { return connection_->state(); }

  // Ends the run as -C does, from a ticker or the sink (mqtk-top's q key,
  // its --once snapshot): run() returns 0 once the connection is closed.
  void stop();

 private:
  void on_connected(bool session_present) override;
  void on_message(const Message& message) override;
  void on_published(int mid, int reason_code) override;
  void on_subscribed(int mid, std::span<const int> granted_qos) override;
  void on_connection_lost(const std::string& reason, int reason_code) override;
  void on_unsubscribed(int mid) override;
  bool read_more() const override;
  void before_write() override;
  void on_log(std::string_view line) override;

  std::optional<int> turn();
  int turn_timeout() const;
  int milliseconds_until(MonotonicClock::time_point when) const;
  void tick_when_due();
  void interrupted();
  void commit_when_quiet();
  void finish_when_timed_out();
  void disconnect_when_done();
  bool filtered_out(const Message& message) const;
  void check_sink_end();
  void commit(bool before_acknowledgements);
  void finish(int exit_status, int reason_code = 0);
  void answered(int mid);

  const ConnectOptions& connect_;
  const SubscribeOptions& options_;
  MessageSink& sink_;
  const Reporter& reporter_;
  SignalWatch& signals_;
  LogLine log_line_;
  const MonotonicClock& clock_;
  std::unique_ptr<BrokerConnection> connection_;
  std::mt19937 random_;
  long handled_ = 0;
  long received_ = 0;
  std::chrono::milliseconds tick_period_{0};
  std::function<void()> tick_;
  MonotonicClock::time_point next_tick_{};
  std::optional<MonotonicClock::time_point> timeout_at_;  // -W
  bool connected_once_ = false;
  bool abandoned_ = false;  // a second signal: stop waiting for the broker
  int publishes_in_flight_ = 0;
  bool received_this_turn_ = false;
  bool stopping_ = false;  // done receiving; disconnect once publishes finish
  int exit_status_ = 0;
  int disconnect_reason_ = 0;
  MonotonicClock::time_point oldest_uncommitted_{};
  MonotonicClock::time_point connected_at_{};
  std::optional<MonotonicClock::time_point> lost_at_;  // when the connection was lost, until it is back
  int quick_drops_ = 0;                                // connections lost right after they were made, in a row
  std::vector<int> unanswered_;                        // SUBSCRIBE and UNSUBSCRIBE mids of this connection
  std::vector<std::string> granted_;
  std::function<void(const std::vector<std::string>&)> on_all_subscribed_;
  MonotonicClock::time_point stop_deadline_{};
};

}  // namespace mqtk
