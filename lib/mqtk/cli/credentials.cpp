#include "mqtk/cli/credentials.hpp"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
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

// Turns the terminal's echo off for as long as it lives (a password being
// typed), and restores the settings on every way out.
class EchoOff {
 public:
  explicit EchoOff(int tty) : tty_(tty) {
    tcgetattr(tty_, &saved_);
    termios quiet = saved_;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    quiet.c_lflag |= ECHONL;
    // Echo goes off before the prompt shows, and nothing typed is flushed: a
    // password typed (or sent by a script) as soon as the prompt appears is kept.
    tcsetattr(tty_, TCSANOW, &quiet);
  }
  ~EchoOff() { tcsetattr(tty_, TCSANOW, &saved_); }
  EchoOff(const EchoOff&) = delete;
  EchoOff& operator=(const EchoOff&) = delete;

 private:
  int tty_;
  termios saved_{};
};

// The stop signals this thread blocks (SIGINT, SIGTERM, SIGHUP), read
// through a signalfd of its own. The one that ends the prompt is taken, so
// it is not delivered again, by its default action, once the tool unblocks
// its signals on the way out.
class StopSignalsPending {
 public:
  StopSignalsPending() {
    sigset_t blocked;
    sigemptyset(&blocked);
    pthread_sigmask(SIG_BLOCK, nullptr, &blocked);
    sigset_t stop;
    sigemptyset(&stop);
    for (int signo : {SIGINT, SIGTERM, SIGHUP}) {
      if (sigismember(&blocked, signo) == 1) sigaddset(&stop, signo);
    }
    fd_ = Fd(signalfd(-1, &stop, SFD_CLOEXEC));
  }

  // Waits until `fd` can be read or a stop signal comes; returns (and
  // takes) the signal's number, or 0 for input.
  int wait_for_input(int fd) const {
    pollfd waits[2] = {{fd, POLLIN, 0}, {fd_.get(), POLLIN, 0}};
    while (poll(waits, fd_.valid() ? 2 : 1, -1) < 0 && errno == EINTR) {
    }
    if (!(waits[1].revents & POLLIN)) return 0;
    signalfd_siginfo info{};
    ssize_t n = read(fd_.get(), &info, sizeof info);
    return n == static_cast<ssize_t>(sizeof info) ? static_cast<int>(info.ssi_signo) : 0;
  }

 private:
  Fd fd_;
};

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
  EchoOff echo_off(tty);
  (void)!write(tty, prompt.data(), prompt.size());
  // The tools block their stop signals from the start (they arrive as
  // events), so Ctrl-C does not end a blocking read: wait for the terminal
  // and for those signals together, and leave the prompt when one comes.
  StopSignalsPending stop_signals;
  std::string password;
  char c;
  while (true) {
    if (int signo = stop_signals.wait_for_input(tty); signo != 0) {
      (void)!write(tty, "\n", 1);
      throw Error("interrupted at the password prompt", 128 + signo);
    }
    if (read(tty, &c, 1) != 1 || c == '\n') break;
    password.push_back(c);
  }
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
