// The short --help: every flag by group, a few to a line, and examples, on
// one screen. --help-all (CLI11's listing) and the man pages explain them.
#pragma once

#include <string>
#include <vector>

#include "mqtk/cli/flag_info.hpp"
#include "mqtk/cli/tool.hpp"

namespace mqtk {

std::string short_help(const ToolInfo& tool, const std::string& description, const std::vector<FlagInfo>& flags);

}  // namespace mqtk
