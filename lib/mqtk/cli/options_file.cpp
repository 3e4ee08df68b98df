#include "mqtk/cli/options_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iterator>
#include <utility>

#include "mqtk/base/error.hpp"
#include "mqtk/base/fd.hpp"
#include "mqtk/base/whole_file.hpp"

namespace mqtk {
namespace {

constexpr std::string_view kBlanks = " \t";

std::string_view trim(std::string_view text) {
  std::size_t first = text.find_first_not_of(kBlanks);
  if (first == std::string_view::npos) return {};
  std::size_t last = text.find_last_not_of(kBlanks);
  return text.substr(first, last - first + 1);
}

void split_words(std::string_view text, std::vector<std::string>& out) {
  while (!(text = trim(text)).empty()) {
    std::size_t end = text.find_first_of(kBlanks);
    out.emplace_back(text.substr(0, end));
    if (end == std::string_view::npos) break;
    text.remove_prefix(end);
  }
}

std::string octal_mode(mode_t permissions) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(permissions & 07777));
  return text;
}

std::string file_kind(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "of an unknown kind";
}

// Whoever can write the file chooses the broker (-h) and where the password
// goes; hence the same rules as ssh's for ~/.ssh/config.
void check_options_file(const std::string& path, const struct stat& info, uid_t user) {
  const std::string where = "options file " + path + ": ";
  if (!S_ISREG(info.st_mode)) {
    throw UsageError(where + file_kind(info.st_mode) + ", not a regular file; replace it with a file of flags");
  }
  if (info.st_uid != user && info.st_uid != 0) {
    throw UsageError(where + "owned by uid " + std::to_string(info.st_uid) +
                     ", not by you or root, so its owner chooses your broker; run chown " + std::to_string(user) + " " +
                     path);
  }
  if ((info.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
    throw UsageError(where + "other users can write it (mode " + octal_mode(info.st_mode) +
                     "), and so choose your broker; run chmod 600 " + path);
  }
}

}  // namespace

std::optional<std::string> options_file_path(std::string_view name, const char* xdg_config_home, const char* home) {
  if (xdg_config_home && *xdg_config_home) return std::string(xdg_config_home) + "/mqtk/" + std::string(name);
  if (home && *home) return std::string(home) + "/.config/mqtk/" + std::string(name);
  return std::nullopt;
}

std::optional<std::string> mosquitto_options_file_path(std::string_view name, const char* xdg_config_home,
                                                       const char* home) {
  // mqtk's tools and the mosquitto clients whose files they read.
  static constexpr std::pair<std::string_view, std::string_view> kCounterparts[] = {
      {"pub", "mosquitto_pub"}, {"sub", "mosquitto_sub"}, {"rr", "mosquitto_rr"}};
  const auto* counterpart = std::find_if(std::begin(kCounterparts), std::end(kCounterparts),
                                         [name](const auto& entry) { return entry.first == name; });
  if (counterpart == std::end(kCounterparts)) return std::nullopt;
  std::string file(counterpart->second);
  if (xdg_config_home && *xdg_config_home) return std::string(xdg_config_home) + "/" + file;
  if (home && *home) return std::string(home) + "/.config/" + file;
  return std::nullopt;
}

namespace {

// A line as mosquitto's clients read it: a '#' in the first column makes a
// comment; the flag ends at the first space, and all after that space is
// the value, blanks and '#' included. Tabs are taken as blanks too (mosquitto
// would report "-t\ttopic" as an unknown option).
void parse_mosquitto_line(std::string_view line, std::vector<std::string>& args) {
  if (line.empty() || line.front() == '#') return;
  std::size_t start = line.find_first_not_of(kBlanks);
  if (start == std::string_view::npos) return;
  line.remove_prefix(start);
  std::size_t end = line.find_first_of(kBlanks);
  std::string_view flag = line.substr(0, end);
  args.emplace_back(flag);
  if (end == std::string_view::npos) return;
  std::string_view value = line.substr(end + 1);
  // Blanks after a switch ("-v ") would be an argument of their own.
  if (value.find_first_not_of(kBlanks) == std::string_view::npos) return;
  if (flag == "-D" || flag == "--property") {
    split_words(value, args);  // mosquitto cannot read -D from its file at all
  } else {
    args.emplace_back(value);
  }
}

}  // namespace

std::vector<std::string> parse_options_text(std::string_view text, std::string_view where, OptionsSyntax syntax) {
  std::vector<std::string> args;
  for (std::size_t number = 1; !text.empty(); ++number) {
    std::size_t newline = text.find('\n');
    std::string_view line = text.substr(0, newline);
    text = newline == std::string_view::npos ? std::string_view{} : text.substr(newline + 1);
    while (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (syntax == OptionsSyntax::kMosquitto) {
      parse_mosquitto_line(line, args);
      continue;
    }
    line = trim(line);
    if (line.empty() || line.front() == '#') continue;
    if (line.find(" #") != std::string_view::npos || line.find("\t#") != std::string_view::npos) {
      throw UsageError(std::string(where) + ":" + std::to_string(number) + ": '" + std::string(line) +
                       "': a comment goes on a line of its own (a value cannot hold ' #' here)");
    }

    std::size_t space = line.find_first_of(kBlanks);
    std::string_view flag = line.substr(0, space);
    args.emplace_back(flag);
    if (space == std::string_view::npos) continue;
    std::string_view rest = trim(line.substr(space));
    if (flag == "-D" || flag == "--property") {
      split_words(rest, args);
    } else {
      args.emplace_back(rest);
    }
  }
  return args;
}

std::optional<OptionsFile> read_options_file(const std::string& path, uid_t user, OptionsSyntax syntax) {
  // O_NONBLOCK: opening a FIFO (or a serial line) for reading would wait for
  // a writer (or a carrier) before fstat could tell what it is.
  Fd fd(open(path.c_str(), O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC));
  if (!fd.valid()) {
    if (errno == ENOENT) return std::nullopt;
    throw Error("options file " + path + ": cannot open: " + std::strerror(errno));
  }
  struct stat info {};
  if (fstat(fd.get(), &info) != 0) throw Error("options file " + path + ": cannot read: " + std::strerror(errno));
  check_options_file(path, info, user);
  constexpr std::size_t kMaxOptionsFile = 1 << 20;  // a page of flags, not a disk image
  return OptionsFile{path,
                     parse_options_text(read_whole(fd.get(), "options file " + path, kMaxOptionsFile), path, syntax),
                     info.st_mode & 07777};
}

std::optional<OptionsFile> read_default_options_file(std::string_view name, const char* xdg_config_home,
                                                     const char* home, uid_t user) {
  if (auto path = options_file_path(name, xdg_config_home, home)) {
    if (auto file = read_options_file(*path, user)) return file;
  }
  if (auto path = mosquitto_options_file_path(name, xdg_config_home, home)) {
    return read_options_file(*path, user, OptionsSyntax::kMosquitto);
  }
  return std::nullopt;
}

void require_private(const OptionsFile& file) {
  if ((file.permissions & (S_IRGRP | S_IROTH)) != 0) {
    throw UsageError("options file " + file.path + ": holds credentials but other users can read it (mode " +
                     octal_mode(file.permissions) + "); run chmod 600 " + file.path);
  }
}

}  // namespace mqtk
