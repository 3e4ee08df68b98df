// Passwords that stay out of `ps`: where a password may come from, asking for
// it on the terminal, and keeping secrets out of argv and of world-readable
// options files.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace mqtk {

// The environment variable a password is taken from when a user name is
// given and no other source is.
inline constexpr const char* kPasswordVariable = "MQTK_PASSWORD";

struct PasswordSources {
  std::optional<std::string> value;  // -P VALUE
  bool prompt = false;               // -P without a value
  std::optional<std::string> file;   // --pw-file FILE
  const char* environment = nullptr; // MQTK_PASSWORD
  bool has_username = false;
};

// The password to use: -P VALUE, --pw-file, -P alone (`ask` prompts on the
// terminal), or the environment variable when a user name is given. Throws
// UsageError when sources conflict or a file cannot be read.
std::optional<std::string> resolve_password(const PasswordSources& sources, const std::function<std::string()>& ask);

// The first line of `path`, without its line end. Throws Error naming `flag`.
std::string read_password_file(const std::string& path, const std::string& flag = "--pw-file");

// Asks on the controlling terminal with echo off. Throws UsageError when
// there is no terminal.
std::string ask_password_on_terminal(const std::string& prompt);

// Whether these options-file arguments carry a secret (a password, a PSK key,
// a URL with a password).
bool holds_credentials(const std::vector<std::string>& args);

// Throws UsageError when `path` can be read by other users.
void check_private_file(const std::string& path);

// Overwrites, in place, the secret values on the command line (-P, --pw,
// --psk, --tls-engine-kpass-sha1 values, and passwords inside -L and --proxy
// URLs), so that `ps` shows them as x's.
void hide_secrets(int argc, char** argv);

// `url` with the password of its user:password@ part replaced by "***".
std::string redact_url(const std::string& url);

}  // namespace mqtk
