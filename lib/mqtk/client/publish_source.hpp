// What mqtk-pub publishes, one message at a time: a fixed message repeated
// (-m, -f, -s, -n with --repeat) or one message per input line (-l).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "mqtk/base/line_splitter.hpp"
#include "mqtk/mqtt/mosquitto_types.hpp"

namespace mqtk {

struct OutgoingMessage {
  std::string_view topic;
  std::string_view payload;
  int qos = 0;
  bool retain = false;
  const mosquitto_property* properties = nullptr;
};

class PublishSource {
 public:
  using Clock = std::chrono::steady_clock;
  virtual ~PublishSource() = default;

  // The next message if one is ready at `now`; valid until the next call.
  virtual std::optional<OutgoingMessage> take(Clock::time_point now) = 0;
  // No message will be ready any more.
  virtual bool exhausted() const = 0;
  // When the next message will be ready, if it waits for time.
  virtual std::optional<Clock::time_point> ready_at() const { return std::nullopt; }
  // A descriptor to poll for input, -1 when none is wanted now.
  virtual int input_fd() const { return -1; }
  // input_fd() is readable (or at its end). Throws Error.
  virtual void read_input() {}
  // A message taken earlier has been acknowledged (or written, at QoS 0).
  virtual void completed(Clock::time_point /*now*/) {}
  // Stop producing: exhausted() is true from now on.
  virtual void stop() = 0;
};

// The same message `count` times. Without a delay the copies are pipelined;
// with one, each copy waits for the previous to complete, then the delay.
class RepeatedMessage : public PublishSource {
 public:
  RepeatedMessage(std::string topic, std::string payload, int qos, bool retain, const mosquitto_property* properties,
                  long count, std::chrono::microseconds delay);

  std::optional<OutgoingMessage> take(Clock::time_point now) override;
  bool exhausted() const override { return taken_ >= count_; }
  std::optional<Clock::time_point> ready_at() const override;
  void completed(Clock::time_point now) override;
  void stop() override { count_ = taken_; }

 private:
  std::string topic_;
  std::string payload_;
  int qos_;
  bool retain_;
  const mosquitto_property* properties_;
  long count_;
  std::chrono::microseconds delay_;
  long taken_ = 0;
  long completed_ = 0;
  Clock::time_point next_at_{};
};

// One message per line read from a descriptor (standard input for -l).
class LineInput : public PublishSource {
 public:
  LineInput(int fd, std::string topic, int qos, bool retain, const mosquitto_property* properties);

  std::optional<OutgoingMessage> take(Clock::time_point now) override;
  bool exhausted() const override { return stopped_ || lines_.exhausted(); }
  int input_fd() const override;
  void read_input() override;
  void stop() override { stopped_ = true; }

 private:
  int fd_;
  std::string topic_;
  int qos_;
  bool retain_;
  const mosquitto_property* properties_;
  LineSplitter lines_;
  bool at_end_ = false;
  bool stopped_ = false;
};

}  // namespace mqtk
