// mqtk-sub -F: compiling any format and rendering any payload through it.
// Input: FORMAT NUL PAYLOAD.
#include <cstdint>
#include <string>

#include "fuzz_input.hpp"
#include "mqtk/base/error.hpp"
#include "mqtk/output/format_program.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto [format, payload] = fuzz::split_at_nul(fuzz::text(data, size));
  for (bool pretty : {false, true}) {
    try {
      mqtk::FormatProgram program(format, true, pretty, [](std::string_view) {});
      mqtk::Message message;
      message.topic = "fuzz/topic";
      message.payload = payload;
      message.qos = 1;
      message.received = timespec{1764000000, 123456789};
      std::string out;
      program.render(message, out);
      program.render(message, out);
    } catch (const mqtk::UsageError&) {
      // a format mosquitto_sub refuses too
    }
  }
  return 0;
}
