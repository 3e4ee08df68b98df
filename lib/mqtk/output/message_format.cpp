#include "mqtk/output/message_format.hpp"

#include <unistd.h>

#include "mqtk/base/payload_encoding.hpp"

namespace mqtk {

void write_encoded_payload(std::string_view payload, PayloadFrame::Encoding encoding,
                           const std::function<void(std::string_view)>& write) {
  if (encoding == PayloadFrame::Encoding::kRaw) {
    write(payload);
    return;
  }
  // Base64 turns 3 bytes into 4: pieces of a multiple of 3 bytes make the
  // same text as one piece would. JSON escaping is byte by byte.
  constexpr std::size_t kPiece = 3 * 21 * 1024;
  std::string encoded;
  for (std::size_t at = 0; at < payload.size(); at += kPiece) {
    encoded.clear();
    std::string_view piece = payload.substr(at, kPiece);
    if (encoding == PayloadFrame::Encoding::kBase64) {
      append_base64(encoded, piece);
    } else {
      append_json_escaped(encoded, piece);
    }
    write(encoded);
  }
}

namespace {

class PlainFormat : public MessageFormat {
 public:
  PlainFormat(bool verbose, bool end_of_line, bool color)
      : verbose_(verbose), end_of_line_(end_of_line), color_(color) {}

  void render(const Message& message, std::string& out) override {
    if (message.payload.empty()) {
      // mosquitto_sub prints nothing at all for an empty payload, except
      // "topic (null)" in verbose mode when lines are ended.
      if (verbose_ && end_of_line_) {
        append_topic(message.topic, out);
        out.append(" (null)\n");
      }
      return;
    }
    if (verbose_) {
      append_topic(message.topic, out);
      out.push_back(' ');
    }
    out.append(message.payload);
    if (end_of_line_) out.push_back('\n');
  }

  bool frame(const Message& message, PayloadFrame& frame) override {
    if (message.payload.empty()) return false;
    frame.before.clear();
    if (verbose_) {
      append_topic(message.topic, frame.before);
      frame.before.push_back(' ');
    }
    frame.encoding = PayloadFrame::Encoding::kRaw;
    frame.after.assign(end_of_line_ ? 1 : 0, '\n');
    return true;
  }

 private:
  void append_topic(std::string_view topic, std::string& out) const {
    if (color_) out.append(kTopicColor);
    out.append(topic);
    if (color_) out.append(kReset);
  }

  static constexpr std::string_view kTopicColor = "\033[36m";
  static constexpr std::string_view kReset = "\033[0m";
  bool verbose_;
  bool end_of_line_;
  bool color_;
};

}  // namespace

std::unique_ptr<MessageFormat> make_plain_format(bool verbose, bool end_of_line, bool color) {
  return std::make_unique<PlainFormat>(verbose, end_of_line, color);
}

bool use_color(ColorChoice choice, int fd, const char* no_color) {
  switch (choice) {
    case ColorChoice::kAlways:
      return true;
    case ColorChoice::kNever:
      return false;
    case ColorChoice::kAuto:
      return isatty(fd) == 1 && (no_color == nullptr || *no_color == '\0');
  }
  return false;
}

}  // namespace mqtk
