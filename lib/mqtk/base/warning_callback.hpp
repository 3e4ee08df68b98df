// Where a part of the library sends a warning it has worded for the user (a
// record skipped, a payload %J cannot read) and goes on. The tool decides how
// it shows: as a warning or an error, clearing a progress line first or not.
#pragma once

#include <functional>
#include <string>

namespace mqtk {

using WarningCallback = std::function<void(const std::string& warning)>;

}  // namespace mqtk
