#include "mqtk/cli/credentials.hpp"

#include <fcntl.h>
#include <sys/prctl.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "mqtk/base/error.hpp"
#include "mqtk/base/fd.hpp"
#include "mqtk/base/whole_file.hpp"

namespace mqtk {
namespace {

// Where the password sits in "scheme://user:password@host...": [begin, end),
// found as the URL parsers find it, or wider. An MQTT URL's user part ends
// at the authority's '@' (a topic may hold '@' and ':'); a proxy URL has no
// path, so a '/' may be part of its password.
std::pair<std::size_t, std::size_t> url_password_span(std::string_view url, bool has_path) {
  std::size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return {0, 0};
  std::size_t start = scheme + 3;
  std::string_view authority = has_path ? url.substr(0, url.find('/', start)) : url;
  std::size_t at = authority.rfind('@');
  if (at == std::string_view::npos || at < start) return {0, 0};
  std::size_t colon = url.find(':', start);
  if (colon == std::string_view::npos || colon > at) return {0, 0};
  return {colon + 1, at};
}

// The part of `secret.value` to hide.
std::pair<std::size_t, std::size_t> secret_span(const SecretValue& secret) {
  switch (secret.kind) {
    case SecretValue::kMqttUrl:
      return url_password_span(secret.value, true);
    case SecretValue::kProxyUrl:
      return url_password_span(secret.value, false);
    case SecretValue::kWhole:
      break;
  }
  return {0, secret.value.size()};
}

void overwrite(char* text, std::size_t begin, std::size_t end) {
  for (std::size_t i = begin; i < end; ++i) text[i] = 'x';
}

}  // namespace

std::optional<std::string> resolve_password(const PasswordSources& sources, const std::function<std::string()>& ask) {
  int given = (sources.value ? 1 : 0) + (sources.prompt ? 1 : 0) + (sources.file ? 1 : 0);
  if (given > 1) throw UsageError("-P/--pw-file: give the password one way only");
  if (sources.value) return sources.value;
  if (sources.file) return read_password_file(*sources.file);
  if (sources.prompt) return ask();
  if (sources.environment && sources.has_username) return sources.environment;
  return std::nullopt;
}

std::string read_password_file(const std::string& path, const std::string& flag) {
  constexpr std::size_t kMaxPasswordFile = 64 * 1024;
  keep_out_of_core_dumps();  // before the read: the whole file passes through memory
  std::string text = *read_whole_file(path, flag + " '" + path + "'", kMaxPasswordFile);
  std::string line = text.substr(0, text.find('\n'));
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

std::string ask_password_on_terminal(const std::string& prompt) {
  Fd terminal(open("/dev/tty", O_RDWR | O_CLOEXEC));
  if (!terminal.valid() || !isatty(terminal.get())) {
    throw UsageError("-P: no password given and no terminal to ask on; use -P VALUE, --pw-file FILE or " +
                     std::string(kPasswordVariable));
  }
  keep_out_of_core_dumps();
  int tty = terminal.get();
  termios saved{};
  tcgetattr(tty, &saved);
  termios quiet = saved;
  quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
  quiet.c_lflag |= ECHONL;
  // Echo goes off before the prompt shows, and nothing typed is flushed: a
  // password typed (or sent by a script) as soon as the prompt appears is kept.
  tcsetattr(tty, TCSANOW, &quiet);
  (void)!write(tty, prompt.data(), prompt.size());
  std::string password;
  char c;
  while (read(tty, &c, 1) == 1 && c != '\n') password.push_back(c);
  tcsetattr(tty, TCSANOW, &saved);
  if (!password.empty() && password.back() == '\r') password.pop_back();
  return password;
}

bool holds_secret(const SecretValue& secret) {
  auto [begin, end] = secret_span(secret);
  return end > begin;
}

void hide_secrets(int argc, char** argv, const std::vector<SecretValue>& secrets) {
  for (const SecretValue& secret : secrets) {
    auto [begin, end] = secret_span(secret);
    if (end <= begin) continue;
    for (int i = 1; i < argc; ++i) {
      std::string_view arg = argv[i];
      // The parser took the value whole from an argument, or took the end of
      // an option word; an argument that merely ends with the same text (a
      // topic, say) loses those letters too, which is harmless once parsed.
      bool whole = arg == secret.value;
      if (whole || (arg.starts_with('-') && arg.ends_with(secret.value))) {
        std::size_t offset = arg.size() - secret.value.size();
        overwrite(argv[i], offset + begin, offset + end);
      }
    }
  }
}

void keep_out_of_core_dumps() {
  // Only fails for an invalid argument; there is nothing else to fall back to.
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

std::optional<std::string> take_secret_variable(const char* name) {
  const char* value = std::getenv(name);
  if (!value) return std::nullopt;
  keep_out_of_core_dumps();
  std::string secret = value;
  // Every NAME=... entry, not only the one getenv found: an environment may
  // hold the name twice, and /proc/PID/environ shows both.
  std::size_t name_length = std::strlen(name);
  for (char** entry = environ; *entry; ++entry) {
    if (std::strncmp(*entry, name, name_length) == 0 && (*entry)[name_length] == '=') {
      overwrite(*entry, name_length + 1, std::strlen(*entry));
    }
  }
  // Nothing later reads the x's as the password.
  unsetenv(name);
  return secret;
}

std::string redact_url(const std::string& url) {
  auto [begin, end] = url_password_span(url, true);
  if (end <= begin) return url;
  return url.substr(0, begin) + "***" + url.substr(end);
}

}  // namespace mqtk
