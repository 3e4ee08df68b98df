#include "mqtk/base/reporter.hpp"

#include <cstdio>

namespace mqtk {

void Reporter::always(std::string_view message) const {
  std::fprintf(stderr, "%s: %.*s\n", program_.c_str(), static_cast<int>(message.size()), message.data());
}

void Reporter::error(std::string_view message) const {
  if (!quiet_) always(message);
}

void Reporter::warning(std::string_view message) const {
  if (!quiet_) always(std::string("warning: ") + std::string(message));
}

void Reporter::note(std::string_view message) const {
  if (!quiet_) always(std::string("note: ") + std::string(message));
}

}  // namespace mqtk
