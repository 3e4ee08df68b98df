#include "mqtk/client/publish_source.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "mqtk/base/error.hpp"

namespace mqtk {

RepeatedMessage::RepeatedMessage(std::string topic, std::string payload, int qos, bool retain,
                                 const mosquitto_property* properties, long count, std::chrono::microseconds delay)
    : topic_(std::move(topic)),
      payload_(std::move(payload)),
      qos_(qos),
      retain_(retain),
      properties_(properties),
      count_(count),
      delay_(delay) {}

std::optional<PublishSource::Clock::time_point> RepeatedMessage::ready_at() const {
  if (delay_.count() == 0 || taken_ == 0 || exhausted() || completed_ < taken_) return std::nullopt;
  return next_at_;
}

std::optional<OutgoingMessage> RepeatedMessage::take(Clock::time_point now) {
  if (exhausted()) return std::nullopt;
  if (delay_.count() > 0 && taken_ > 0 && (completed_ < taken_ || now < next_at_)) return std::nullopt;
  ++taken_;
  return OutgoingMessage{topic_, payload_, qos_, retain_, properties_};
}

void RepeatedMessage::completed(Clock::time_point now) {
  ++completed_;
  next_at_ = now + delay_;
}

LineInput::LineInput(int fd, std::string topic, int qos, bool retain, const mosquitto_property* properties)
    : fd_(fd), topic_(std::move(topic)), qos_(qos), retain_(retain), properties_(properties) {}

std::optional<OutgoingMessage> LineInput::take(Clock::time_point) {
  if (stopped_) return std::nullopt;
  auto line = lines_.next();
  if (!line) return std::nullopt;
  return OutgoingMessage{topic_, *line, qos_, retain_, properties_};
}

int LineInput::input_fd() const { return stopped_ || at_end_ || lines_.has_line() ? -1 : fd_; }

void LineInput::read_input() {
  char buffer[64 * 1024];
  ssize_t n = read(fd_, buffer, sizeof buffer);
  if (n > 0) {
    lines_.feed(std::string_view(buffer, static_cast<std::size_t>(n)));
  } else if (n == 0) {
    at_end_ = true;
    lines_.finish();
  } else if (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK) {
    throw Error(std::string("-l: cannot read standard input: ") + std::strerror(errno));
  }
}

}  // namespace mqtk
