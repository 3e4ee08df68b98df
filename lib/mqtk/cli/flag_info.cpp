#include "mqtk/cli/flag_info.hpp"

namespace mqtk {

FlagInfo::ValueKind FlagInfo::kind() const {
  if (value.empty()) return ValueKind::kNone;
  if (value == "FILE") return ValueKind::kFile;
  if (value == "DIR") return ValueKind::kDirectory;
  if (value.size() > 2 && value.front() == '{' && value.back() == '}') return ValueKind::kChoice;
  return ValueKind::kText;
}

std::vector<std::string> FlagInfo::choices() const {
  std::vector<std::string> result;
  if (kind() != ValueKind::kChoice) return result;
  std::string current;
  for (char c : value.substr(1, value.size() - 2)) {
    if (c == ',') {
      result.push_back(current);
      current.clear();
    } else {
      current.push_back(c);
    }
  }
  result.push_back(current);
  return result;
}

}  // namespace mqtk
