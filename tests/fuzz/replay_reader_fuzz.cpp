// mqtk-pub --replay: any bytes as a recording, read as JSON lines or CSV
// (chosen by the first line, as for a file without an extension).
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <string>

#include "fuzz_input.hpp"
#include "mqtk/base/error.hpp"
#include "mqtk/records/replay_reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  int fd = memfd_create("recording", 0);
  if (fd < 0) return 0;
  if (write(fd, data, size) == static_cast<ssize_t>(size)) {
    try {
      mqtk::ReplayReader reader("/proc/self/fd/" + std::to_string(fd));
      mqtk::ReplayRecord record;
      for (std::size_t records = 0; records <= size; ++records) {  // each record takes at least a byte
        try {
          if (reader.next(record) != mqtk::ReplayReader::Status::kRecord) break;
        } catch (const mqtk::MalformedRecord&) {
        }
      }
    } catch (const mqtk::Error&) {
    }
  }
  close(fd);
  return 0;
}
