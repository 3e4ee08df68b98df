// Standard input, output and error that the parent left closed (`1>&-`).
//
// A closed descriptor 0, 1 or 2 is the next number open() or socket() hands
// out, so without care a recording file or the broker connection would
// become "standard output" and receive debug lines or messages. At start-up
// each closed one is reopened on /dev/null, and the tools that read or write
// one of them refuse to run rather than lose what they would print.
#pragma once

#include <array>
#include <string_view>

namespace mqtk {

class StandardStreams {
 public:
  // Reopens those of descriptors 0-2 that are closed on /dev/null. Throws
  // Error when /dev/null cannot be opened.
  static StandardStreams reserve();

  bool was_closed(int fd) const { return fd >= 0 && fd <= 2 && closed_[static_cast<std::size_t>(fd)]; }
  // Throws Error ("standard output is closed; <why>") when `fd` was closed.
  void require(int fd, std::string_view why) const;

 private:
  std::array<bool, 3> closed_{};
};

}  // namespace mqtk
