// mqtk-rr's work: MQTT v5 request/response. Subscribe to the response
// topic, publish each request a PublishSource gives with that response topic
// and correlation data of its own, and hand the reply that carries the same
// correlation data to a sink; replies with other (or no) correlation data
// are someone else's, or stale, and are ignored. One request at a time: the
// next is taken once the reply has come (or, with --count, was given up).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mqtk/base/reporter.hpp"
#include "mqtk/base/signal_watch.hpp"
#include "mqtk/client/monotonic_clock.hpp"
#include "mqtk/client/publish_source.hpp"
#include "mqtk/client/round_trips.hpp"
#include "mqtk/mqtt/broker_connection.hpp"
#include "mqtk/mqtt/connect_options.hpp"
#include "mqtk/output/message_sink.hpp"

namespace mqtk {

struct RequestOptions {
  std::string response_topic;  // -e
  int qos = 0;                 // -q: the requests' and the subscription's
  bool skip_retained = false;  // -R: a retained message is never a reply
  // -W: how long to wait for a reply; zero waits for ever. The first wait
  // counts from the start, as mosquitto_rr's alarm does.
  std::chrono::milliseconds timeout{0};
  // --count: a reply not in time is counted as lost and the next request
  // goes out; without it, the run ends there (exit status 27).
  bool carry_on_when_lost = false;
  bool report_latency = false;  // --latency: each round trip on standard error
  bool report_summary = false;  // the round trips' summary at the end
};

// Makes the correlation data of each request (random by default).
using CorrelationSource = std::function<std::string()>;

// 16 random hexadecimal digits: printable, so that a shell responder
// (mqtk-sub -F %j into mqtk-pub -D publish correlation-data) can echo it.
std::string random_correlation_data();

class Requester : private SessionEvents {
 public:
  using LogLine = std::function<void(std::string_view)>;

  // Requests over a Session with `connect`.
  Requester(const ConnectOptions& connect, const RequestOptions& options, PublishSource& requests, MessageSink& sink,
            const Reporter& reporter, SignalWatch& signals, LogLine log_line);
  // Requests over the connection `open` makes, going by `clock`, with
  // `correlation` for the correlation data (the unit tests' scripted broker).
  Requester(const ConnectOptions& connect, const RequestOptions& options, PublishSource& requests, MessageSink& sink,
            const Reporter& reporter, SignalWatch& signals, LogLine log_line, const OpenConnection& open,
            const MonotonicClock& clock, CorrelationSource correlation);

  // Runs until every request is answered (or lost); returns the exit
  // status: 0, 27 when a reply did not come in time, 128+N after signal N.
  // Throws Error (a refused subscription, a lost connection), with --count's
  // summary printed first once connected.
  int run();

  const RoundTrips& round_trips() const { return round_trips_; }

 private:
  struct Outstanding {
    std::string correlation_data;
    MonotonicClock::time_point sent_at;
  };

  void on_connected(bool session_present) override;
  void on_subscribed(int mid, std::span<const int> granted_qos) override;
  void on_message(const Message& message) override;
  void on_published(int mid, int reason_code) override;
  void on_connection_lost(const std::string& reason, int reason_code) override;
  void on_log(std::string_view line) override;

  void turn();
  int turn_timeout() const;
  void send_next();
  void give_up_when_late();
  void answered(const Message& message);
  void finish(int exit_status, int reason_code = 0);
  // --count's summary, counting a request still waiting as unanswered.
  void print_summary();

  const ConnectOptions& connect_;
  const RequestOptions& options_;
  PublishSource& requests_;
  MessageSink& sink_;
  const Reporter& reporter_;
  SignalWatch& signals_;
  LogLine log_line_;
  const MonotonicClock& clock_;
  CorrelationSource correlation_;
  std::unique_ptr<BrokerConnection> connection_;
  bool subscribed_ = false;
  bool connected_once_ = false;
  bool stopping_ = false;
  bool warned_uncorrelated_ = false;
  int exit_status_ = 0;
  std::string lost_reason_;
  std::optional<Outstanding> outstanding_;
  std::optional<MonotonicClock::time_point> deadline_;  // -W for what is awaited now
  RoundTrips round_trips_;
};

}  // namespace mqtk
