// Default arguments read from a file before the command line, as mosquitto's
// clients read ~/.config/mosquitto_pub: one flag a line, with its value (if
// any) after the first space, and '#' starting a comment line.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mqtk {

// $XDG_CONFIG_HOME/mqtk/<name>, else $HOME/.config/mqtk/<name>; none if
// neither variable is set. Pass the variables' values (or null).
std::optional<std::string> options_file_path(std::string_view name, const char* xdg_config_home, const char* home);

// Splits the text of an options file into arguments. The rest of a line after
// the flag is one argument ("--will-payload going  away" keeps its spaces),
// except after -D/--property, whose words are separate. A comment is a line
// of its own starting with '#': a '#' after blanks in a value (a comment
// typed after it, as other formats allow) is refused with `where`:LINE, not
// passed on as part of the value. Throws UsageError.
std::vector<std::string> parse_options_text(std::string_view text, std::string_view where = "options file");

struct OptionsFile {
  std::string path;
  std::vector<std::string> args;
  mode_t permissions = 0;  // st_mode & 07777
};

// Reads and parses `path`; none when it does not exist. The flags it holds
// choose the broker and its credentials, so, as ssh does with its config,
// only a regular file (or a symbolic link to one) owned by `user` or root and
// writable by its owner alone is read; anything else is a UsageError saying
// how to fix it. A FIFO or a device is refused without blocking. Throws Error
// when the file cannot be read.
std::optional<OptionsFile> read_options_file(const std::string& path, uid_t user);

// Throws UsageError when other users can read `file`: for a file that holds
// credentials.
void require_private(const OptionsFile& file);

}  // namespace mqtk
