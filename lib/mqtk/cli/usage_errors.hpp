// CLI11's parse errors in mqtk's words: the flag as its user knows it (its
// short and long names), what value it takes, and the value at fault, with
// none of CLI11's own vocabulary ("1 required TEXT missing", "Check ...
// FAILED"); an unknown flag with the nearest real one.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "mqtk/cli/flag_info.hpp"

namespace mqtk {

// `message` is CLI11's ("--host: 1 required TEXT missing"); `flags` are the
// tool's (CommandLine::flags()).
std::string explain_parse_error(std::string_view message, const std::vector<FlagInfo>& flags);

// "unknown option '--hlep'; did you mean --help?" when one is close.
std::string unknown_option_message(std::string_view typed, const std::vector<FlagInfo>& flags);

}  // namespace mqtk
