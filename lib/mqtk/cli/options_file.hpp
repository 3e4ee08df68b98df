// Default arguments read from a file before the command line, as mosquitto's
// clients read ~/.config/mosquitto_pub: one flag a line, with its value (if
// any) after the first space, and '#' starting a comment line. mqtk reads its
// own file, else mosquitto's for the same tool, or the one -o names.
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

// mosquitto's per-user file for the tool whose options file is `name`
// ("pub" -> mosquitto_pub), where mosquitto looks for it:
// $XDG_CONFIG_HOME/mosquitto_pub when XDG_CONFIG_HOME is set, and then only
// there (mosquitto does not fall back to HOME), else
// $HOME/.config/mosquitto_pub. An empty XDG_CONFIG_HOME counts as unset, as
// the XDG specification says (mosquitto would look at /mosquitto_pub). None
// for a tool mosquitto has no counterpart of (record).
std::optional<std::string> mosquitto_options_file_path(std::string_view name, const char* xdg_config_home,
                                                       const char* home);

// Whose rules a file's lines follow.
enum class OptionsSyntax {
  kMqtk,       // blanks around a value are dropped; a ' #' in a value is refused
  kMosquitto,  // as mosquitto reads its files: the value is the rest of the
               // line after the one space that ends the flag, '#' and all
};

// Splits the text of an options file into arguments. The rest of a line after
// the flag is one argument ("--will-payload going  away" keeps its spaces),
// except after -D/--property, whose words are separate. A comment is a line
// of its own starting with '#': a '#' after blanks in a value (a comment
// typed after it, as other formats allow) is refused with `where`:LINE, not
// passed on as part of the value. Throws UsageError. With
// OptionsSyntax::kMosquitto, a file mosquitto's clients read means the same
// to mqtk: see OptionsSyntax.
std::vector<std::string> parse_options_text(std::string_view text, std::string_view where = "options file",
                                            OptionsSyntax syntax = OptionsSyntax::kMqtk);

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
std::optional<OptionsFile> read_options_file(const std::string& path, uid_t user,
                                             OptionsSyntax syntax = OptionsSyntax::kMqtk);

// The file a run reads when no -o names one: mqtk's own (options_file_path)
// if it exists, else mosquitto's for the same tool. Pass the variables'
// values (or null). The same rules as read_options_file.
std::optional<OptionsFile> read_default_options_file(std::string_view name, const char* xdg_config_home,
                                                     const char* home, uid_t user);

// Throws UsageError when other users can read `file`: for a file that holds
// credentials.
void require_private(const OptionsFile& file);

}  // namespace mqtk
