#include "mqtk/cli/usage_errors.hpp"

#include <algorithm>
#include <regex>

namespace mqtk {
namespace {

const FlagInfo* find_flag(std::string_view name, const std::vector<FlagInfo>& flags) {
  for (const FlagInfo& flag : flags) {
    if (std::find(flag.names.begin(), flag.names.end(), name) != flag.names.end()) return &flag;
  }
  return nullptr;
}

// "-h/--host", as the user may have typed either.
std::string both_names(const FlagInfo& flag) {
  std::string names;
  for (const std::string& name : flag.names) names += (names.empty() ? "" : "/") + name;
  return names;
}

// The value a flag takes, for a person: "a value such as PORT", or the
// choices.
std::string what_it_takes(const FlagInfo& flag) {
  std::vector<std::string> choices = flag.choices();
  if (!choices.empty()) {
    std::string list;
    for (std::size_t i = 0; i < choices.size(); ++i) {
      list += (i == 0 ? "" : i + 1 == choices.size() ? " or " : ", ") + choices[i];
    }
    return "one of " + list;
  }
  return "a value (" + flag.value + ")";
}

// Levenshtein distance, for "did you mean".
std::size_t distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace

std::string explain_parse_error(std::string_view message, const std::vector<FlagInfo>& flags) {
  std::string text(message);
  std::smatch parts;
  static const std::regex kFlagAndRest(R"(^(-[^:\s]*): (.*)$)");
  if (!std::regex_match(text, parts, kFlagAndRest)) return text;
  const FlagInfo* flag = find_flag(parts[1].str(), flags);
  if (!flag) return text;
  std::string names = both_names(*flag);
  std::string rest = parts[2].str();
  std::smatch detail;
  static const std::regex kMissing(R"(^\d+ required .* missing$)");
  static const std::regex kRange(R"(^Value (.*) not in range (\S+) to (\S+)$)");
  static const std::regex kChoice(R"(^Check (.*) value in .* FAILED$)");
  static const std::regex kConversion(R"(^(?:Could not convert|Invalid value): .*?(\S+)$)");
  if (std::regex_match(rest, kMissing)) {
    if (flag->names.front() == "-h") return "-h/--host: needs a host name (help is --help)";
    return names + ": needs " + what_it_takes(*flag);
  }
  if (std::regex_match(rest, detail, kRange)) {
    return names + ": must be a number from " + detail[2].str() + " to " + detail[3].str() + ", not '" +
           detail[1].str() + "'";
  }
  if (std::regex_match(rest, detail, kChoice) || std::regex_match(rest, detail, kConversion)) {
    return names + ": needs " + what_it_takes(*flag) + ", not '" + detail[1].str() + "'";
  }
  return names + ": " + rest;
}

std::string unknown_option_message(std::string_view typed, const std::vector<FlagInfo>& flags) {
  std::string message = "unknown option '" + std::string(typed) + "'";
  std::string_view name = typed.substr(0, typed.find('='));
  const std::string* nearest = nullptr;
  std::size_t best = 3;  // at most two edits away
  for (const FlagInfo& flag : flags) {
    for (const std::string& candidate : flag.names) {
      if (!candidate.starts_with("--")) continue;
      std::size_t d = distance(name, candidate);
      if (d < best) {
        best = d;
        nearest = &candidate;
      }
    }
  }
  if (nearest) message += "; did you mean " + *nearest + "?";
  return message;
}

}  // namespace mqtk
