// mqtk-record's points: any topic and payload make at most one line of line
// protocol, ending in its only newline. Input: TOPIC NUL PAYLOAD.
#include <algorithm>
#include <cstdint>
#include <string>

#include "fuzz_input.hpp"
#include "mqtk/record/line_protocol.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto [topic, payload] = fuzz::split_at_nul(fuzz::text(data, size));
  mqtk::PointOptions variants[2];  // the defaults, and every option on with tight limits
  variants[1].fields.integers = true;
  variants[1].topic_tag = "topic";
  variants[1].topic_tags = mqtk::TopicPattern("+a/+b/#");
  variants[1].fields.time_field = "ts";
  variants[1].fields.max_depth = 3;
  variants[1].fields.max_fields = 5;
  for (const mqtk::PointOptions& options : variants) {
    mqtk::LineProtocolFormat format(options);
    mqtk::Message message;
    message.topic = topic;
    message.payload = payload;
    message.received = timespec{1764000000, 1};
    std::string out;
    format.render(message, out);
    if (!out.empty() && (out.back() != '\n' || std::count(out.begin(), out.end(), '\n') != 1)) __builtin_trap();
  }
  return 0;
}
