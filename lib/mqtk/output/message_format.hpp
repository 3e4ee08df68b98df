// How mqtk-sub turns a message into text: the interface every output format
// implements, and the default format (payload, or "topic payload" with -v).
#pragma once

#include <memory>
#include <string>

#include "mqtk/mqtt/message.hpp"

namespace mqtk {

class MessageFormat {
 public:
  virtual ~MessageFormat() = default;
  // Appends the text for `message`, end of line included, to `out`.
  virtual void render(const Message& message, std::string& out) = 0;
};

// mosquitto_sub's output without -F: the payload and a newline; with
// `verbose` (-v) the topic and a space first. An empty payload prints
// nothing, or "topic (null)" with -v. Without `end_of_line` (-N) no newline.
// With `color` the topic is coloured (ANSI escape sequences).
std::unique_ptr<MessageFormat> make_plain_format(bool verbose, bool end_of_line, bool color = false);

enum class ColorChoice { kAuto, kAlways, kNever };
// Whether to colour: always, never, or (auto) when `fd` is a terminal and
// `no_color` (the NO_COLOR variable) is unset or empty.
bool use_color(ColorChoice choice, int fd, const char* no_color);

}  // namespace mqtk
