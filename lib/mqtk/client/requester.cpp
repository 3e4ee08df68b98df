#include "mqtk/client/requester.hpp"

#include <algorithm>
#include <array>
#include <random>

#include <mosquitto.h>
#include <mqtt_protocol.h>

#include "mqtk/base/error.hpp"
#include "mqtk/mqtt/property_read.hpp"
#include "mqtk/mqtt/session.hpp"

namespace mqtk {

std::string random_correlation_data() {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::random_device random;
  std::uniform_int_distribution<int> digit(0, 15);
  std::string data(16, '0');
  for (char& c : data) c = kDigits[digit(random)];
  return data;
}

Requester::Requester(const ConnectOptions& connect, const RequestOptions& options, PublishSource& requests,
                     MessageSink& sink, const Reporter& reporter, SignalWatch& signals, LogLine log_line)
    : Requester(connect, options, requests, sink, reporter, signals, std::move(log_line), Session::opener(connect),
                steady_clock(), random_correlation_data) {}

Requester::Requester(const ConnectOptions& connect, const RequestOptions& options, PublishSource& requests,
                     MessageSink& sink, const Reporter& reporter, SignalWatch& signals, LogLine log_line,
                     const OpenConnection& open, const MonotonicClock& clock, CorrelationSource correlation)
    : connect_(connect),
      options_(options),
      requests_(requests),
      sink_(sink),
      reporter_(reporter),
      signals_(signals),
      log_line_(std::move(log_line)),
      clock_(clock),
      correlation_(std::move(correlation)),
      connection_(open(*this)) {}

int Requester::run() {
  try {
    connection_->connect();
    if (options_.timeout.count() > 0) deadline_ = clock_.now() + options_.timeout;
    while (connection_->state() != SessionState::kClosed) {
      if (connection_->state() == SessionState::kLost) {
        throw Error("lost the connection to " + connect_.describe_server() + " (" + lost_reason_ + ")");
      }
      if (subscribed_ && !outstanding_ && !stopping_ && connection_->connected()) send_next();
      turn();
      give_up_when_late();
    }
    sink_.commit(true);
  } catch (const Error&) {
    // A probe that lost its broker, or was interrupted again, still says
    // what it measured until then.
    if (connected_once_) print_summary();
    throw;
  }
  print_summary();
  return exit_status_;
}

void Requester::print_summary() {
  if (!options_.report_summary) return;
  if (outstanding_) round_trips_.unanswered();
  outstanding_.reset();
  reporter_.info(round_trips_.summary());
}

// One turn of the connection, watching for signals, for the requests' input
// (-l) while none is outstanding, and for standard output going away.
void Requester::turn() {
  int input = subscribed_ && !outstanding_ && !stopping_ ? requests_.input_fd() : -1;
  std::array<pollfd, 3> watched{pollfd{signals_.fd(), POLLIN, 0}, pollfd{sink_.watched_fd(), 0, 0},
                                pollfd{input, POLLIN, 0}};
  connection_->run_once(turn_timeout(), std::span(watched.data(), watched.size()));
  connected_once_ = connected_once_ || connection_->connected();
  if (watched[0].revents & POLLIN) {
    // As mosquitto_rr, which dies of the signal: 128+N, here once the
    // summary is printed.
    if (int signo = signals_.take(); signo != 0) {
      if (!connected_once_ || stopping_) throw Error("interrupted", 128 + signo);
      finish(128 + signo, MQTT_RC_DISCONNECT_WITH_WILL_MSG);
    }
  }
  if (watched[1].revents & (POLLERR | POLLHUP)) throw Error("standard output was closed", kExitBrokenPipe);
  if (watched[2].revents & (POLLIN | POLLHUP | POLLERR)) requests_.read_input();
}

// Until the reply is late or the next request is due; -1 when neither.
int Requester::turn_timeout() const {
  std::optional<MonotonicClock::time_point> wake;
  if (deadline_ && !stopping_) wake = deadline_;
  if (subscribed_ && !outstanding_ && !stopping_) {
    if (auto ready = requests_.ready_at(); ready && (!wake || *ready < *wake)) wake = ready;
  }
  if (!wake) return -1;
  // Rounded up: waking a little late beats spinning until the moment.
  auto left = std::chrono::ceil<std::chrono::milliseconds>(*wake - clock_.now());
  return static_cast<int>(std::max<long long>(left.count(), 0));
}

// Publishes the next request, with the response topic and correlation data
// added to -D publish's properties; finishes when there is none left.
void Requester::send_next() {
  auto now = clock_.now();
  std::optional<OutgoingMessage> request = requests_.take(now);
  if (!request) {
    if (requests_.exhausted()) finish(round_trips_.lost_count() > 0 ? kExitTimedOut : kExitSuccess);
    return;
  }
  PropertyList properties = connect_.properties.publish;
  mosquitto_property_add_string(properties.out(), MQTT_PROP_RESPONSE_TOPIC, options_.response_topic.c_str());
  std::string correlation_data;
  if (auto given = read_binary_property(properties.get(), MQTT_PROP_CORRELATION_DATA)) {
    correlation_data = std::string(given->view());  // -D publish correlation-data: the user's own
  } else {
    correlation_data = correlation_();
    mosquitto_property_add_binary(properties.out(), MQTT_PROP_CORRELATION_DATA, correlation_data.data(),
                                  static_cast<std::uint16_t>(correlation_data.size()));
  }
  connection_->publish(request->topic, request->payload, options_.qos, request->retain, properties.get());
  // The first request's wait began with the run, as mosquitto_rr's alarm
  // does; each later one (-l, --count) has a wait of its own.
  if (options_.timeout.count() > 0 && (round_trips_.sent() > 0 || !deadline_)) deadline_ = now + options_.timeout;
  outstanding_ = Outstanding{std::move(correlation_data), now};
}

// -W: the reply (or, before the first request, the subscription) is late.
void Requester::give_up_when_late() {
  if (!deadline_ || stopping_ || clock_.now() < *deadline_) return;
  if (options_.carry_on_when_lost && outstanding_) {
    round_trips_.lost();
    outstanding_.reset();
    deadline_.reset();
    requests_.completed(clock_.now());
    return;
  }
  if (outstanding_) round_trips_.lost();
  reporter_.error("Timed out");
  finish(kExitTimedOut, MQTT_RC_DISCONNECT_WITH_WILL_MSG);
}

void Requester::finish(int exit_status, int reason_code) {
  if (stopping_) return;
  stopping_ = true;
  exit_status_ = exit_status;
  connection_->stop_reading();
  connection_->disconnect(reason_code);
}

void Requester::on_connected(bool) {
  subscribed_ = false;
  // No Local: a request sent to the response topic itself is not its own
  // reply (mosquitto_rr prints it as one).
  int options = MQTT_SUB_OPT_NO_LOCAL | (options_.skip_retained ? MQTT_SUB_OPT_SEND_RETAIN_NEVER : 0);
  connection_->subscribe({options_.response_topic}, options_.qos, options, connect_.properties.subscribe.get());
}

void Requester::on_subscribed(int mid, std::span<const int> granted_qos) {
  if (connect_.debug && !reporter_.quiet()) {
    log_line_("Subscribed (mid: " + std::to_string(mid) + "): " + std::to_string(granted_qos[0]));
  }
  if (granted_qos.empty() || granted_qos[0] >= 128) {
    throw Error("the broker refused the subscription to the response topic '" + options_.response_topic +
                "': " + mosquitto_reason_string(granted_qos.empty() ? MQTT_RC_UNSPECIFIED : granted_qos[0]));
  }
  subscribed_ = true;
}

void Requester::on_message(const Message& message) {
  if (stopping_ || !outstanding_ || message.topic != options_.response_topic) return;
  // A message delivered with the retain flag was stored before this
  // subscription, so before the request: never its reply, even when it
  // carries the same correlation data (-D publish correlation-data).
  if (message.retain) return;
  std::optional<PropertyBytes> correlation = read_binary_property(message.properties, MQTT_PROP_CORRELATION_DATA);
  if (!correlation || correlation->view() != outstanding_->correlation_data) {
    // Someone else's reply, or a stale one. A responder that drops the
    // correlation data is worth one word, as its replies never count.
    if (!correlation && !warned_uncorrelated_) {
      warned_uncorrelated_ = true;
      reporter_.warning("ignored a message on '" + options_.response_topic +
                        "' without correlation data: a responder must copy the request's");
    }
    return;
  }
  answered(message);
}

void Requester::answered(const Message& message) {
  auto round_trip = clock_.now() - outstanding_->sent_at;
  sink_.write(message);
  sink_.commit(true);
  round_trips_.answered(round_trip);
  if (options_.report_latency) reporter_.info("round trip " + milliseconds_text(round_trip));
  outstanding_.reset();
  deadline_.reset();
  requests_.completed(clock_.now());
  if (std::optional<SinkEnd> end = sink_.ended()) {
    // --jq's halt or halt_error: no more requests, with the program's exit status.
    if (!end->message.empty()) reporter_.error(end->message);
    finish(end->exit_status);
  }
}

// A request the broker refused (MQTT v5 reason 128 and above, QoS 1 and 2)
// will have no reply; -W or --count's wait says so in the end.
void Requester::on_published(int, int reason_code) {
  if (reason_code >= 128)
    reporter_.warning(std::string("the broker refused the request: ") + mosquitto_reason_string(reason_code));
}

void Requester::on_connection_lost(const std::string& reason, int) { lost_reason_ = reason; }

void Requester::on_log(std::string_view line) { log_line_(line); }

}  // namespace mqtk
