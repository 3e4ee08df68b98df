// mqtk-pub's work: publish everything a PublishSource gives, in order,
// keeping a bounded number of messages in flight, and disconnect only when
// every message has been acknowledged (or written, at QoS 0).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "mqtk/base/reporter.hpp"
#include "mqtk/base/signal_watch.hpp"
#include "mqtk/client/monotonic_clock.hpp"
#include "mqtk/client/publish_source.hpp"
#include "mqtk/mqtt/broker_connection.hpp"
#include "mqtk/mqtt/connect_options.hpp"

namespace mqtk {

// Messages handed to the connection and not yet completed. Beyond its own
// in-flight limit (-M) libmosquitto queues them in memory, so this bounds
// memory while keeping the connection busy.
inline constexpr long kPublishWindow = 1000;

class Publisher : private SessionEvents {
 public:
  using LogLine = std::function<void(std::string_view)>;

  // Publishes over a Session with `connect`.
  Publisher(const ConnectOptions& connect, PublishSource& source, const Reporter& reporter, LogLine log_line);
  // Publishes over the connection `open` makes, going by `clock` (the unit
  // tests' scripted broker and hand-moved clock).
  Publisher(const ConnectOptions& connect, PublishSource& source, const Reporter& reporter, LogLine log_line,
            const OpenConnection& open, const MonotonicClock& clock);

  // Calls `tick` about every `period` while running (the replay progress bar).
  void set_ticker(std::chrono::milliseconds period, std::function<void()> tick) {
    tick_period_ = period;
    tick_ = std::move(tick);
  }

  // Runs until the source is exhausted and every message completed; returns
  // the exit status. Throws Error, naming how many messages were not
  // acknowledged when the connection is lost first.
  int run();

  long published() const { return published_; }
  long completed() const { return completed_; }

 private:
  void on_published(int mid, int reason_code) override;
  void on_connection_lost(const std::string& reason, int reason_code) override;
  void on_log(std::string_view line) override;

  void publish_or_disconnect();
  void turn(SignalWatch& signals);
  void publish_ready();
  bool all_completed() const;
  int input_to_watch() const;
  int turn_timeout() const;
  void tick_when_due();
  void interrupted(int signo);
  [[noreturn]] void fail_lost();

  const ConnectOptions& connect_;
  PublishSource& source_;
  const Reporter& reporter_;
  LogLine log_line_;
  const MonotonicClock& clock_;
  std::unique_ptr<BrokerConnection> connection_;
  bool use_topic_alias_;
  long published_ = 0;
  long completed_ = 0;
  long refused_ = 0;
  std::string lost_reason_;
  std::chrono::milliseconds tick_period_{0};
  std::function<void()> tick_;
  MonotonicClock::time_point next_tick_{};
  bool connected_once_ = false;
  int interrupted_by_ = 0;  // the signal that stopped the input
};

}  // namespace mqtk
