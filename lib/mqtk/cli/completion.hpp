// Shell completion scripts for a tool, generated from its flag definitions
// (`mqtk-pub --completion bash`), so they cannot drift from what it accepts.
// The copies in completions/ are these outputs; a test keeps them in sync.
#pragma once

#include <string>
#include <vector>

#include "mqtk/cli/flag_info.hpp"

namespace mqtk {

// The script for `shell` (bash, zsh or fish) completing `tool`'s flags, the
// values of {a,b} choices, and paths for FILE and DIR values. Throws
// UsageError for another shell.
std::string completion_script(const std::string& shell, const std::string& tool, const std::vector<FlagInfo>& flags);

}  // namespace mqtk
