// How mqtk-sub turns a message into text: the interface every output format
// implements, and the default format (payload, or "topic payload" with -v).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "mqtk/mqtt/message.hpp"

namespace mqtk {

// A message's text as what comes before its payload, the payload in some
// encoding, and what comes after: a payload of hundreds of megabytes is then
// written straight from the message, a piece at a time, instead of being
// copied into a buffer first (which took peak memory from two payloads'
// worth, libmosquitto's, to four).
struct PayloadFrame {
  enum class Encoding {
    kRaw,         // the bytes as they are
    kJsonString,  // escaped for the inside of a JSON string (the quotes are in before/after)
    kBase64,
  };
  std::string before;
  Encoding encoding = Encoding::kRaw;
  std::string after;
};

// Payloads at least this large are written framed, where the format can.
inline constexpr std::size_t kFramedPayloadBytes = 1 << 20;

// Hands `payload`, encoded, to `write` in pieces of at most about 64 KiB.
void write_encoded_payload(std::string_view payload, PayloadFrame::Encoding encoding,
                           const std::function<void(std::string_view)>& write);

class MessageFormat {
 public:
  virtual ~MessageFormat() = default;
  // Appends the text for `message`, end of line included, to `out`.
  virtual void render(const Message& message, std::string& out) = 0;
  // The text for `message` as a frame around its payload, when this format
  // can write it so (render() would make the same bytes); false otherwise.
  virtual bool frame(const Message& /*message*/, PayloadFrame& /*frame*/) { return false; }
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
