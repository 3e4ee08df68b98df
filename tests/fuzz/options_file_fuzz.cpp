// ~/.config/mqtk/*: any text as an options file.
#include <cstdint>

#include "fuzz_input.hpp"
#include "mqtk/base/error.hpp"
#include "mqtk/cli/options_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    for (const std::string& arg : mqtk::parse_options_text(fuzz::text(data, size))) {
      if (arg.find('\n') != std::string::npos) __builtin_trap();  // one flag a line
    }
  } catch (const mqtk::Error&) {
  }
  return 0;
}
