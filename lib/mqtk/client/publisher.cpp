#include "mqtk/client/publisher.hpp"

#include <algorithm>
#include <array>

#include <mosquitto.h>
#include <mqtt_protocol.h>

#include "mqtk/base/error.hpp"
#include "mqtk/base/signal_watch.hpp"
#include "mqtk/mqtt/session.hpp"

namespace mqtk {

Publisher::Publisher(const ConnectOptions& connect, PublishSource& source, const Reporter& reporter, LogLine log_line)
    : Publisher(connect, source, reporter, std::move(log_line), Session::opener(connect), steady_clock()) {}

Publisher::Publisher(const ConnectOptions& connect, PublishSource& source, const Reporter& reporter, LogLine log_line,
                     const OpenConnection& open, const MonotonicClock& clock)
    : connect_(connect),
      source_(source),
      reporter_(reporter),
      log_line_(std::move(log_line)),
      clock_(clock),
      connection_(open(*this)),
      use_topic_alias_(connect.properties.publish.contains(MQTT_PROP_TOPIC_ALIAS)) {}

void Publisher::publish_ready() {
  auto now = clock_.now();
  while (published_ - completed_ < kPublishWindow) {
    auto message = source_.take(now);
    if (!message) return;
    // With a v5 topic alias only the first publish names the topic.
    if (use_topic_alias_ && published_ > 0) {
      connection_->publish_to_alias(message->payload, message->qos, message->retain, message->properties);
    } else {
      connection_->publish(message->topic, message->payload, message->qos, message->retain, message->properties);
    }
    ++published_;
  }
}

int Publisher::run() {
  SignalWatch signals{SIGINT, SIGTERM};
  next_tick_ = clock_.now() + tick_period_;
  connection_->connect();
  // Lost with every message completed is as good as closed.
  while (connection_->state() != SessionState::kClosed && connection_->state() != SessionState::kLost) {
    if (connection_->connected()) publish_or_disconnect();
    turn(signals);
    if (connection_->state() == SessionState::kLost && !all_completed()) fail_lost();
  }
  if (refused_ > 0) {
    throw Error(std::to_string(refused_) + " of " + std::to_string(published_) +
                " messages were refused by the broker");
  }
  return interrupted_by_ != 0 ? 128 + interrupted_by_ : kExitSuccess;
}

// One turn of the connection, watching for signals and for the source's input.
void Publisher::turn(SignalWatch& signals) {
  std::array<pollfd, 2> watched{pollfd{signals.fd(), POLLIN, 0}, pollfd{input_to_watch(), POLLIN, 0}};
  std::size_t count = watched[1].fd >= 0 ? 2 : 1;
  connection_->run_once(turn_timeout(), std::span(watched.data(), count));
  connected_once_ = connected_once_ || connection_->connected();
  tick_when_due();
  if (watched[0].revents & POLLIN) {
    if (int signo = signals.take(); signo != 0) interrupted(signo);
  }
  if (watched[1].revents & (POLLIN | POLLHUP | POLLERR)) source_.read_input();
}

void Publisher::publish_or_disconnect() {
  publish_ready();
  if (all_completed()) connection_->disconnect();
}

bool Publisher::all_completed() const { return source_.exhausted() && published_ == completed_; }

// The source's input while there is room in the window for what it brings;
// -1 when there is none to wait for.
int Publisher::input_to_watch() const {
  bool room = connection_->connected() && published_ - completed_ < kPublishWindow;
  return room ? source_.input_fd() : -1;
}

// Until the source's next message is due or the next tick, whichever comes
// first; -1 when neither waits for a time.
int Publisher::turn_timeout() const {
  auto wake = source_.ready_at();
  if (tick_ && (!wake || next_tick_ < *wake)) wake = next_tick_;
  if (!wake) return -1;
  // Rounded up: waking a little late beats spinning until the moment.
  auto left = std::chrono::ceil<std::chrono::milliseconds>(*wake - clock_.now());
  return static_cast<int>(std::max<long long>(left.count(), 0));
}

void Publisher::tick_when_due() {
  if (!tick_ || clock_.now() < next_tick_) return;
  tick_();
  next_tick_ = clock_.now() + tick_period_;
}

// SIGINT or SIGTERM. The first once connected stops taking input but lets
// what was sent be acknowledged; any other ends the run at once.
void Publisher::interrupted(int signo) {
  // Nothing was taken from the source yet. mosquitto_pub dies by the signal
  // here, which a shell reports as the same 128+N; every message sent (none)
  // has been acknowledged, as that status promises.
  if (!connected_once_) {
    throw Error("interrupted before " + connect_.describe_server() + " accepted the connection: nothing was published",
                128 + signo);
  }
  if (interrupted_by_ != 0 || !connection_->connected()) {
    throw Error("interrupted: " + std::to_string(published_ - completed_) + " of " + std::to_string(published_) +
                    " messages were not acknowledged",
                128 + signo);
  }
  interrupted_by_ = signo;
  source_.stop();
}

void Publisher::fail_lost() {
  throw Error("lost the connection to " + connect_.describe_server() + " (" + lost_reason_ +
              "): " + std::to_string(published_ - completed_) + " of " + std::to_string(published_) +
              " messages were not acknowledged");
}

void Publisher::on_published(int mid, int reason_code) {
  ++completed_;
  if (reason_code >= 128) {
    ++refused_;
    reporter_.warning("the broker refused message " + std::to_string(mid) + ": " +
                      mosquitto_reason_string(reason_code));
  }
  source_.completed(clock_.now());
}

void Publisher::on_connection_lost(const std::string& reason, int) { lost_reason_ = reason; }

void Publisher::on_log(std::string_view line) { log_line_(line); }

}  // namespace mqtk
