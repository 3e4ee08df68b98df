#include "mqtk/cli/credentials.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string_view>

#include "mqtk/base/error.hpp"
#include "mqtk/base/whole_file.hpp"

namespace mqtk {
namespace {

constexpr std::string_view kSecretFlags[] = {"-P", "--pw", "--psk", "--tls-engine-kpass-sha1"};
constexpr std::string_view kUrlFlags[] = {"-L", "--url", "--proxy"};

bool one_of(std::string_view word, std::initializer_list<std::string_view> words) {
  for (std::string_view w : words) {
    if (word == w) return true;
  }
  return false;
}

template <std::size_t N>
bool one_of(std::string_view word, const std::string_view (&words)[N]) {
  for (std::string_view w : words) {
    if (word == w) return true;
  }
  return false;
}

// Where the password sits in "scheme://user:password@host...": [begin, end).
std::pair<std::size_t, std::size_t> url_password_span(std::string_view url) {
  std::size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return {0, 0};
  std::size_t start = scheme + 3;
  std::size_t slash = url.find('/', start);
  std::size_t at = url.substr(0, slash).rfind('@');
  if (at == std::string_view::npos || at < start) return {0, 0};
  std::size_t colon = url.find(':', start);
  if (colon == std::string_view::npos || colon > at) return {0, 0};
  return {colon + 1, at};
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
  if (sources.environment && sources.has_username) return std::string(sources.environment);
  return std::nullopt;
}

std::string read_password_file(const std::string& path, const std::string& flag) {
  constexpr std::size_t kMaxPasswordFile = 64 * 1024;
  std::string text = *read_whole_file(path, flag + " '" + path + "'", kMaxPasswordFile);
  std::string line = text.substr(0, text.find('\n'));
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

std::string ask_password_on_terminal(const std::string& prompt) {
  int tty = open("/dev/tty", O_RDWR | O_CLOEXEC);
  if (tty < 0 || !isatty(tty)) {
    if (tty >= 0) close(tty);
    throw UsageError("-P: no password given and no terminal to ask on; use -P VALUE, --pw-file FILE or " +
                     std::string(kPasswordVariable));
  }
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
  close(tty);
  if (!password.empty() && password.back() == '\r') password.pop_back();
  return password;
}

bool holds_credentials(const std::vector<std::string>& args) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string_view arg = args[i];
    if (one_of(arg, kSecretFlags) || arg.starts_with("--pw=") || arg.starts_with("--psk=")) return true;
    if (one_of(arg, kUrlFlags) && i + 1 < args.size()) {
      auto [begin, end] = url_password_span(args[i + 1]);
      if (end > begin) return true;
    }
  }
  return false;
}

void check_private_file(const std::string& path) {
  struct stat info {};
  if (stat(path.c_str(), &info) != 0) return;
  if ((info.st_mode & (S_IRGRP | S_IROTH)) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(info.st_mode & 07777));
    throw UsageError(path + ": holds credentials but other users can read it (mode " + mode + "); run chmod 600 " +
                     path);
  }
}

void hide_secrets(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (one_of(arg, kSecretFlags)) {
      if (i + 1 < argc && argv[i + 1][0] != '-') overwrite(argv[i + 1], 0, std::strlen(argv[i + 1]));
    } else if (std::size_t eq = arg.find('='); eq != std::string_view::npos &&
                                               one_of(arg.substr(0, eq), {"--pw", "--psk", "--tls-engine-kpass-sha1"})) {
      overwrite(argv[i], eq + 1, arg.size());
    } else if (arg.starts_with("-P") && arg.size() > 2) {
      overwrite(argv[i], 2, arg.size());  // -Psecret
    } else if (one_of(arg, kUrlFlags) && i + 1 < argc) {
      auto [begin, end] = url_password_span(argv[i + 1]);
      overwrite(argv[i + 1], begin, end);
    }
  }
}

std::string redact_url(const std::string& url) {
  auto [begin, end] = url_password_span(url);
  if (end <= begin) return url;
  return url.substr(0, begin) + "***" + url.substr(end);
}

}  // namespace mqtk
