#include "mqtk/output/message_format.hpp"

#include <unistd.h>

namespace mqtk {
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
    case ColorChoice::kAlways: return true;
    case ColorChoice::kNever: return false;
    case ColorChoice::kAuto: return isatty(fd) == 1 && (no_color == nullptr || *no_color == '\0');
  }
  return false;
}

}  // namespace mqtk
