// Default arguments read from a file before the command line, as mosquitto's
// clients read ~/.config/mosquitto_pub: one flag a line, with its value (if
// any) after the first space, and '#' starting a comment line.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mqtk {

// $XDG_CONFIG_HOME/mqtk/<name>, else $HOME/.config/mqtk/<name>; none if
// neither variable is set. Pass the variables' values (or null).
std::optional<std::string> options_file_path(std::string_view name, const char* xdg_config_home, const char* home);

// Splits the text of an options file into arguments. The rest of a line after
// the flag is one argument ("--will-payload going away" keeps its space),
// except after -D/--property, whose words are separate.
std::vector<std::string> parse_options_text(std::string_view text);

// Reads and parses `path`; a missing file gives no arguments. Throws Error
// when the file exists but cannot be read.
std::vector<std::string> read_options_file(const std::string& path);

}  // namespace mqtk
