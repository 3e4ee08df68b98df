#include "mqtk/cli/options_file.hpp"

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

}  // namespace

std::optional<std::string> options_file_path(std::string_view name, const char* xdg_config_home, const char* home) {
  if (xdg_config_home && *xdg_config_home) return std::string(xdg_config_home) + "/mqtk/" + std::string(name);
  if (home && *home) return std::string(home) + "/.config/mqtk/" + std::string(name);
  return std::nullopt;
}

std::vector<std::string> parse_options_text(std::string_view text) {
  std::vector<std::string> args;
  while (!text.empty()) {
    std::size_t newline = text.find('\n');
    std::string_view line = text.substr(0, newline);
    text = newline == std::string_view::npos ? std::string_view{} : text.substr(newline + 1);
    while (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    line = trim(line);
    if (line.empty() || line.front() == '#') continue;

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

std::vector<std::string> read_options_file(const std::string& path) {
  constexpr std::size_t kMaxOptionsFile = 1 << 20;  // a page of flags, not a disk image
  std::optional<std::string> text = read_whole_file(path, "options file " + path, kMaxOptionsFile, true);
  return text ? parse_options_text(*text) : std::vector<std::string>{};
}

}  // namespace mqtk
