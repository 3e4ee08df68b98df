#include "mqtk/client/subscriber.hpp"

#include <algorithm>
#include <array>
#include <cstdio>

#include <mosquitto.h>
#include <mqtt_protocol.h>

#include "mqtk/base/error.hpp"
#include "mqtk/base/signal_watch.hpp"
#include "mqtk/mqtt/session.hpp"
#include "mqtk/mqtt/topic.hpp"

namespace mqtk {
namespace {

using TimePoint = MonotonicClock::time_point;

// Output waits at most this long, or until this much has collected, when the
// broker keeps sending; otherwise it is committed as soon as the connection
// goes quiet, and always before acknowledgements leave.
constexpr std::size_t kCommitBytes = 64 * 1024;
constexpr auto kCommitDelay = std::chrono::milliseconds(5);
// How long "quiet" is: no data for this long after a burst.
constexpr int kIdleMs = 1;
// How long a finished subscriber waits for its own publishes to be acknowledged.
constexpr auto kStopGrace = std::chrono::seconds(5);

}  // namespace

Subscriber::Subscriber(const ConnectOptions& connect, const SubscribeOptions& options, MessageSink& sink,
                       const Reporter& reporter, SignalWatch& signals, LogLine log_line)
    : Subscriber(connect, options, sink, reporter, signals, std::move(log_line), Session::opener(connect),
                 steady_clock()) {}

Subscriber::Subscriber(const ConnectOptions& connect, const SubscribeOptions& options, MessageSink& sink,
                       const Reporter& reporter, SignalWatch& signals, LogLine log_line, const OpenConnection& open,
                       const MonotonicClock& clock)
    : connect_(connect),
      options_(options),
      sink_(sink),
      reporter_(reporter),
      signals_(signals),
      log_line_(std::move(log_line)),
      clock_(clock),
      connection_(open(*this)),
      random_(std::random_device{}()) {
  connection_->set_reconnect(options.reconnect);
  connection_->set_read_batching(options.read_batching);
}

int Subscriber::run() {
  connection_->connect();
  if (options_.timeout_seconds > 0) timeout_at_ = clock_.now() + std::chrono::seconds(options_.timeout_seconds);
  next_tick_ = clock_.now() + tick_period_;
  while (connection_->state() != SessionState::kClosed && !abandoned_) {
    if (std::optional<int> status = turn()) return *status;
    commit_when_quiet();
    finish_when_timed_out();
    disconnect_when_done();
  }
  commit(true);
  if (exit_status_ == kExitTimedOut) reporter_.error("Timed out");
  return exit_status_;
}

// One turn of the connection, watching for signals and for the sink's
// destination going away; returns the exit status when the run ends at once.
std::optional<int> Subscriber::turn() {
  std::array<pollfd, 2> watched{pollfd{signals_.fd(), POLLIN, 0}, pollfd{sink_.watched_fd(), 0, 0}};
  std::size_t count = watched[1].fd >= 0 ? 2 : 1;
  received_this_turn_ = false;
  connection_->run_once(turn_timeout(), std::span(watched.data(), count));
  connection_->pause_reading(!sink_.can_accept());
  tick_when_due();
  check_sink_end();  // a sink can also end the run between messages (its writer failed)
  connected_once_ = connected_once_ || connection_->connected();
  if ((watched[0].revents & POLLIN) && signals_.take() != 0) {
    if (!connected_once_) return options_.interrupted_connecting_status;
    interrupted();
  }
  if (count == 2 && (watched[1].revents & (POLLERR | POLLHUP))) return kExitBrokenPipe;
  return std::nullopt;
}

// How long the next turn may wait for the broker: a moment while output
// waits to be committed, otherwise until -W's time is up; in any case no
// later than the next tick.
int Subscriber::turn_timeout() const {
  int timeout = sink_.uncommitted() > 0 ? kIdleMs : -1;
  if (timeout_at_ && timeout != kIdleMs) timeout = milliseconds_until(*timeout_at_);
  if (tick_) {
    int until_tick = milliseconds_until(next_tick_);
    timeout = timeout < 0 ? until_tick : std::min(timeout, until_tick);
  }
  return timeout;
}

int Subscriber::milliseconds_until(TimePoint when) const {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(when - clock_.now()).count();
  return static_cast<int>(std::max<long long>(left, 0));
}

void Subscriber::tick_when_due() {
  if (!tick_ || clock_.now() < next_tick_) return;
  tick_();
  next_tick_ = clock_.now() + tick_period_;
}

// SIGINT or SIGTERM once connected. The first ends the run as -C does; a
// second stops waiting for the broker too.
void Subscriber::interrupted() {
  if (stopping_) {
    abandoned_ = true;
    return;
  }
  // Like mosquitto_sub: an interrupted MQTT v5 client asks the broker to
  // publish its will.
  finish(kExitSuccess, MQTT_RC_DISCONNECT_WITH_WILL_MSG);
}

// Output is committed as soon as the connection goes quiet.
void Subscriber::commit_when_quiet() {
  if (!received_this_turn_ && sink_.uncommitted() > 0) commit(false);
}

void Subscriber::finish_when_timed_out() {
  if (timeout_at_ && clock_.now() >= *timeout_at_ && !stopping_) {
    finish(kExitTimedOut, MQTT_RC_DISCONNECT_WITH_WILL_MSG);
  }
}

// Once finished, and our own publishes are acknowledged (or their grace is
// over), everything is committed and the connection closed.
void Subscriber::disconnect_when_done() {
  bool publishes_done = publishes_in_flight_ == 0 || clock_.now() >= stop_deadline_;
  if (stopping_ && publishes_done && connection_->state() != SessionState::kDisconnecting) {
    commit(true);
    connection_->disconnect(disconnect_reason_);
  }
}

void Subscriber::commit(bool before_acknowledgements) {
  sink_.commit(before_acknowledgements);
  oldest_uncommitted_ = {};
}

void Subscriber::stop() { finish(kExitSuccess); }

void Subscriber::finish(int exit_status, int reason_code) {
  if (stopping_) return;
  stopping_ = true;
  stop_deadline_ = clock_.now() + kStopGrace;
  exit_status_ = exit_status;
  disconnect_reason_ = reason_code;
  // Reading on would acknowledge messages that will not be printed, but the
  // acknowledgements of our own publishes (--remove-retained) must arrive.
  if (publishes_in_flight_ == 0) connection_->stop_reading();
}

void Subscriber::on_connected(bool) {
  connected_at_ = clock_.now();
  if (lost_at_) {
    // Said once an outage, and only if it was said that the connection was lost.
    double seconds = std::chrono::duration<double>(connected_at_ - *lost_at_).count();
    char after[32];
    std::snprintf(after, sizeof after, "%.1f s", seconds);
    reporter_.note("reconnected to " + connect_.describe_server() + " after " + after);
    lost_at_.reset();
  }
  granted_.clear();
  unanswered_.clear();
  unanswered_.push_back(connection_->subscribe(options_.topics, options_.qos, options_.subscribe_options,
                                               connect_.properties.subscribe.get()));
  for (const std::string& filter : options_.unsubscribe) {
    unanswered_.push_back(connection_->unsubscribe(filter, connect_.properties.unsubscribe.get()));
  }
}

// The broker answered a SUBSCRIBE or UNSUBSCRIBE of this connection.
void Subscriber::answered(int mid) {
  auto found = std::find(unanswered_.begin(), unanswered_.end(), mid);
  if (found == unanswered_.end()) return;
  unanswered_.erase(found);
  if (unanswered_.empty() && on_all_subscribed_) on_all_subscribed_(granted_);
}

void Subscriber::on_unsubscribed(int mid) { answered(mid); }

bool Subscriber::filtered_out(const Message& message) const {
  for (const std::string& filter : options_.filter_out) {
    if (topic_matches(filter, message.topic)) return true;
  }
  return false;
}

void Subscriber::on_message(const Message& message) {
  received_this_turn_ = true;
  if (stopping_) return;
  // The order of these checks is mosquitto_sub's.
  if (options_.retained_only && !message.retain) {
    finish(kExitSuccess);
    return;
  }
  if (message.retain && options_.skip_retained) return;
  if (filtered_out(message)) return;
  if (options_.remove_retained && message.retain) {
    connection_->publish(message.topic, {}, 1, true, connect_.properties.publish.get());
    ++publishes_in_flight_;
  }
  // -C counts what --random-filter leaves out, as mosquitto_sub does, but
  // not what the sink's own filter (--jq) does: -C 1 means one output.
  bool counted = true;
  if (options_.print_percentage >= 100.0 ||
      std::uniform_real_distribution<double>(0.0, 100.0)(random_) < options_.print_percentage) {
    counted = sink_.write(message);
    ++received_;
  }
  check_sink_end();
  if (counted && options_.max_messages > 0 && ++handled_ >= options_.max_messages) finish(kExitSuccess);
}

// The sink ended the run (--jq's halt): as after -C's last message, reading
// stops here, so the messages after it stay unacknowledged at the broker.
void Subscriber::check_sink_end() {
  if (stopping_) return;
  std::optional<SinkEnd> end = sink_.ended();
  if (!end) return;
  if (!end->message.empty()) reporter_.error(end->message);
  finish(end->exit_status);
}

void Subscriber::on_published(int mid, int reason_code) {
  if (--publishes_in_flight_ == 0 && stopping_) connection_->stop_reading();
  if (reason_code >= 128) {
    reporter_.warning("the broker refused to clear retained message " + std::to_string(mid) + ": " +
                      mosquitto_reason_string(reason_code));
  }
}

void Subscriber::on_subscribed(int mid, std::span<const int> granted_qos) {
  bool any_granted = false;
  std::string line = "Subscribed (mid: " + std::to_string(mid) + "): ";
  for (std::size_t i = 0; i < granted_qos.size(); ++i) {
    if (i > 0) line += ", ";
    line += std::to_string(granted_qos[i]);
    any_granted = any_granted || granted_qos[i] < 128;
  }
  if (connect_.debug && !reporter_.quiet()) log_line_(line);
  for (std::size_t i = 0; i < granted_qos.size() && i < options_.topics.size(); ++i) {
    if (granted_qos[i] < 128) granted_.push_back(options_.topics[i]);
  }
  answered(mid);
  if (!any_granted) {
    reporter_.error("the broker refused every subscription");
    finish(kExitFailure);
  } else if (options_.exit_after_subscribe) {
    finish(kExitSuccess);
  }
}

void Subscriber::on_connection_lost(const std::string& reason, int reason_code) {
  // Another client connecting with our client id makes the broker drop us:
  // MQTT v5 says so (reason 0x8E); before v5 the connection just closes,
  // again and again, right after each reconnect.
  constexpr auto kQuickDrop = std::chrono::seconds(2);
  constexpr int kQuickDropsForTakeover = 3;
  quick_drops_ = clock_.now() - connected_at_ < kQuickDrop ? quick_drops_ + 1 : 0;
  bool taken_over = reason_code == MQTT_RC_SESSION_TAKEN_OVER ||
                    (!connect_.client_id.empty() && quick_drops_ >= kQuickDropsForTakeover);
  if (taken_over) {
    std::string what = "another client is using client id " + connect_.client_id + " at " + connect_.describe_server();
    if (reason_code != MQTT_RC_SESSION_TAKEN_OVER) {
      what += " (the broker closed our connection right after accepting it, " + std::to_string(quick_drops_) +
              " times in a row)";
    }
    if (options_.stop_on_takeover) {
      throw Error(what + "; stop the other client, or give this one another -i");
    }
    reporter_.warning(what + "; reconnecting");
    return;
  }
  reporter_.warning("lost the connection to " + connect_.describe_server() + ": " + reason + "; reconnecting");
  if (!lost_at_) lost_at_ = clock_.now();
}

// A turn reads until a commit's worth has collected: with large payloads a
// whole turn (2,000 messages of 64 KiB) would otherwise sit in memory.
bool Subscriber::read_more() const { return sink_.uncommitted() < kCommitBytes; }

void Subscriber::before_write() {
  std::size_t pending = sink_.uncommitted();
  if (pending == 0) return;
  auto now = clock_.now();
  if (oldest_uncommitted_ == TimePoint{}) oldest_uncommitted_ = now;
  if (connection_->wants_write()) {
    commit(true);
  } else if (pending >= kCommitBytes || now - oldest_uncommitted_ >= kCommitDelay) {
    commit(false);
  }
}

void Subscriber::on_log(std::string_view line) { log_line_(line); }

}  // namespace mqtk
