// mqtk-* -L: any text as a URL.
#include <cstdint>

#include "fuzz_input.hpp"
#include "mqtk/base/error.hpp"
#include "mqtk/cli/mqtt_url.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    mqtk::MqttUrl url = mqtk::parse_mqtt_url(fuzz::text(data, size));
    if (url.port && (*url.port < 1 || *url.port > 65535)) __builtin_trap();  // a port out of range got through
  } catch (const mqtk::UsageError&) {
  }
  return 0;
}
