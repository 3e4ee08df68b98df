#include "mqtk/client/publisher.hpp"

#include <mosquitto.h>
#include <mqtt_protocol.h>

#include "mqtk/base/error.hpp"
#include "mqtk/base/signal_watch.hpp"

namespace mqtk {
namespace {

// Messages handed to libmosquitto and not yet completed. Beyond its own
// in-flight limit (-M) libmosquitto queues them in memory, so this bounds
// memory while keeping the connection busy.
constexpr long kWindow = 1000;

}  // namespace

Publisher::Publisher(const ConnectOptions& connect, PublishSource& source, const Reporter& reporter, LogLine log_line)
    : connect_(connect),
      source_(source),
      reporter_(reporter),
      log_line_(std::move(log_line)),
      session_(connect, *this),
      use_topic_alias_(connect.properties.publish.contains(MQTT_PROP_TOPIC_ALIAS)) {}

void Publisher::publish_ready() {
  auto now = PublishSource::Clock::now();
  while (published_ - completed_ < kWindow) {
    auto message = source_.take(now);
    if (!message) return;
    // With a v5 topic alias only the first publish names the topic.
    if (use_topic_alias_ && published_ > 0) {
      session_.publish_to_alias(message->payload, message->qos, message->retain, message->properties);
    } else {
      session_.publish(message->topic, message->payload, message->qos, message->retain, message->properties);
    }
    ++published_;
  }
}

int Publisher::run() {
  SignalWatch signals{SIGINT, SIGTERM};
  int interrupted_by = 0;
  bool connected_once = false;
  auto next_tick = PublishSource::Clock::now() + tick_period_;
  session_.connect();

  while (session_.state() != SessionState::kClosed) {
    if (session_.connected()) {
      publish_ready();
      if (source_.exhausted() && published_ == completed_) session_.disconnect();
    }
    pollfd watched[2] = {{signals.fd(), POLLIN, 0}, {-1, POLLIN, 0}};
    std::size_t count = 1;
    if (session_.connected() && published_ - completed_ < kWindow && source_.input_fd() >= 0) {
      watched[count++].fd = source_.input_fd();
    }
    auto wake = source_.ready_at();
    if (tick_ && (!wake || next_tick < *wake)) wake = next_tick;
    int timeout = -1;
    if (wake) {
      // Rounded up: waking a little late beats spinning until the moment.
      auto left = std::chrono::ceil<std::chrono::milliseconds>(*wake - PublishSource::Clock::now());
      timeout = static_cast<int>(std::max<long long>(left.count(), 0));
    }

    session_.run_once(timeout, std::span(watched, count));
    connected_once = connected_once || session_.connected();
    if (tick_ && PublishSource::Clock::now() >= next_tick) {
      tick_();
      next_tick = PublishSource::Clock::now() + tick_period_;
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
        if (interrupted_by != 0 || !session_.connected()) {
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
    if (session_.state() == SessionState::kLost) {
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
  source_.completed(PublishSource::Clock::now());
}

void Publisher::on_connection_lost(const std::string& reason, int) { lost_reason_ = reason; }

void Publisher::on_log(std::string_view line) { log_line_(line); }

}  // namespace mqtk
