// Passwords that stay out of other users' sight: where a password may come
// from, asking for it on the terminal, hiding secrets in `ps`, and keeping
// them out of core dumps and /proc/PID/environ.
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
  std::optional<std::string> value;        // -P VALUE
  bool prompt = false;                     // -P without a value
  std::optional<std::string> file;         // --pw-file FILE
  std::optional<std::string> environment;  // MQTK_PASSWORD
  bool has_username = false;
};

// The password to use: -P VALUE, --pw-file, -P alone (`ask` prompts on the
// terminal), or the environment variable when a user name is given. Throws
// UsageError when sources conflict or a file cannot be read.
std::optional<std::string> resolve_password(const PasswordSources& sources, const std::function<std::string()>& ask);

// The first line of `path`, without its line end. Throws Error naming `flag`.
// The process holds a secret from then on (keep_out_of_core_dumps).
std::string read_password_file(const std::string& path, const std::string& flag = "--pw-file");

// Asks on the controlling terminal with echo off. Throws UsageError when
// there is no terminal. The process holds a secret from then on.
std::string ask_password_on_terminal(const std::string& prompt);

// A value given to a flag that carries a secret, as the parser read it: all
// of it is secret (-P, --psk, --tls-engine-kpass-sha1), or the password
// inside a URL (-L, --proxy).
struct SecretValue {
  enum Kind { kWhole, kMqttUrl, kProxyUrl };
  std::string value;
  Kind kind = kWhole;
};

// Whether `secret` holds anything to hide: a value, or a URL with a password.
bool holds_secret(const SecretValue& secret);

// Overwrites with x's, in place, every secret of `secrets` that the command
// line holds, so that `ps` shows the x's. A secret is found where the parser
// can have read it: a whole argument (-P VALUE), or the end of an option word
// (-PVALUE, --pw=VALUE, -dPVALUE). Working from the values the parser read,
// rather than from spellings, covers every spelling it accepts.
void hide_secrets(int argc, char** argv, const std::vector<SecretValue>& secrets);

// Marks the process as holding a secret: no core dump, and no ptrace or
// /proc/PID/mem by other processes of the same user (prctl PR_SET_DUMPABLE).
void keep_out_of_core_dumps();

// The value of the environment variable `name`, if set, taken out of the
// environment: its bytes in the environment the process started with (what
// /proc/PID/environ shows and a core dump holds) are overwritten with x's,
// and it is unset. Keeps the process out of core dumps when set.
std::optional<std::string> take_secret_variable(const char* name);

// `url` with the password of its user:password@ part replaced by "***".
std::string redact_url(const std::string& url);

}  // namespace mqtk
