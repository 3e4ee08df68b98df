#include "mqtk/message_format.hpp"

namespace mqtk {
namespace {

class PlainFormat : public MessageFormat {
 public:
  PlainFormat(bool verbose, bool end_of_line) : verbose_(verbose), end_of_line_(end_of_line) {}

  void render(const Message& message, std::string& out) override {
    if (message.payload.empty()) {
      // mosquitto_sub prints nothing at all for an empty payload, except
      // "topic (null)" in verbose mode when lines are ended.
      if (verbose_ && end_of_line_) {
        out.append(message.topic);
        out.append(" (null)\n");
      }
      return;
    }
    if (verbose_) {
      out.append(message.topic);
      out.push_back(' ');
    }
    out.append(message.payload);
    if (end_of_line_) out.push_back('\n');
  }

 private:
  bool verbose_;
  bool end_of_line_;
};

}  // namespace

std::unique_ptr<MessageFormat> make_plain_format(bool verbose, bool end_of_line) {
  return std::make_unique<PlainFormat>(verbose, end_of_line);
}

}  // namespace mqtk
