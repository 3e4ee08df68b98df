#include "mqtk/cli/help_text.hpp"

#include <algorithm>

namespace mqtk {
namespace {

constexpr std::size_t kWidth = 79;

// The flag as the short help shows it: its short name if it has one (what
// mosquitto's users type), and its value.
std::string flag_usage(const FlagInfo& flag) {
  std::string text = flag.names.front();
  if (!flag.value.empty()) text += flag.value_optional ? " [" + flag.value + "]" : " " + flag.value;
  return text;
}

}  // namespace

std::string short_help(const ToolInfo& tool, const std::string& description, const std::vector<FlagInfo>& flags) {
  std::string out = description + "\nUsage: " + tool.synopsis + "\n";
  std::vector<std::string> groups;
  for (const FlagInfo& flag : flags) {
    if (std::find(groups.begin(), groups.end(), flag.group) == groups.end()) groups.push_back(flag.group);
  }
  for (const std::string& group : groups) {
    out += "\n" + group + ":\n";
    std::string line = " ";
    for (const FlagInfo& flag : flags) {
      if (flag.group != group) continue;
      std::string item = " " + flag_usage(flag);
      if (line.size() + item.size() > kWidth && line.size() > 1) {
        out += line + "\n";
        line = " ";
      }
      line += item;
    }
    out += line + "\n";
  }
  if (!tool.examples.empty()) {
    out += "\nExamples:\n";
    for (const std::string& example : tool.examples) out += "  " + example + "\n";
  }
  out += "\nWhat each flag does: " + tool.name + " --help-all, or man " + tool.name + "\n";
  return out;
}

}  // namespace mqtk
