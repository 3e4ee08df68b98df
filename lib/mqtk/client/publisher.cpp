#include "mqtk/client/publisher.hpp"

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
  int interrupted_by = 0;
  bool connected_once = false;
  auto next_tick = clock_.now() + tick_period_;
  connection_->connect();

  while (connection_->state() != SessionState::kClosed) {
    if (connection_->connected()) {
      publish_ready();
      if (source_.exhausted() && published_ == completed_) connection_->disconnect();
    }
    pollfd watched[2] = {{signals.fd(), POLLIN, 0}, {-1, POLLIN, 0}};
    std::size_t count = 1;
    if (connection_->connected() && published_ - completed_ < kPublishWindow && source_.input_fd() >= 0) {
      watched[count++].fd = source_.input_fd();
    }
    auto wake = source_.ready_at();
    if (tick_ && (!wake || next_tick < *wake)) wake = next_tick;
    int timeout = -1;
    if (wake) {
      // Rounded up: waking a little late beats spinning until the moment.
      auto left = std::chrono::ceil<std::chrono::milliseconds>(*wake - clock_.now());
      timeout = static_cast<int>(std::max<long long>(left.count(), 0));
    }

    connection_->run_once(timeout, std::span(watched, count));
    connected_once = connected_once || connection_->connected();
    if (tick_ && clock_.now() >= next_tick) {
      tick_();
      next_tick = clock_.now() + tick_period_;
    }

    if (watched[0].revents & POLLIN) {
      int signo = signals.take();
      if (signo != 0) {
        // Nothing was taken from the source yet. mosquitto_pub dies by the
        // signal here, which a shell reports as the same 128+N; every message
        // sent (none) has been acknowledged, as that status promises.
        if (!connected_once) {
          throw Error("interrupted before " + connect_.describe_server() +
                          " accepted the connection: nothing was published",
                      128 + signo);
        }
        if (interrupted_by != 0 || !connection_->connected()) {
          throw Error("interrupted: " + std::to_string(published_ - completed_) + " of " +
                          std::to_string(published_) + " messages were not acknowledged",
                      128 + signo);
        }
        // Stop taking input but let what was sent be acknowledged.
        interrupted_by = signo;
        source_.stop();
      }
    }
    if (count == 2 && (watched[1].revents & (POLLIN | POLLHUP | POLLERR))) source_.read_input();
    if (connection_->state() == SessionState::kLost) {
      if (source_.exhausted() && published_ == completed_) break;
      fail_lost();
    }
  }

  if (refused_ > 0) {
    throw Error(std::to_string(refused_) + " of " + std::to_string(published_) + " messages were refused by the broker");
  }
  return interrupted_by != 0 ? 128 + interrupted_by : kExitSuccess;
}

void Publisher::fail_lost() {
  throw Error("lost the connection to " + connect_.describe_server() + " (" + lost_reason_ + "): " +
              std::to_string(published_ - completed_) + " of " + std::to_string(published_) +
              " messages were not acknowledged");
}

void Publisher::on_published(int mid, int reason_code) {
  ++completed_;
  if (reason_code >= 128) {
    ++refused_;
    reporter_.warning("the broker refused message " + std::to_string(mid) + ": " + mosquitto_reason_string(reason_code));
  }
  source_.completed(clock_.now());
}

void Publisher::on_connection_lost(const std::string& reason, int) { lost_reason_ = reason; }

void Publisher::on_log(std::string_view line) { log_line_(line); }

}  // namespace mqtk
