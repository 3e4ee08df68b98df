#include "mqtk/mqtt/topic_pattern.hpp"

#include <algorithm>

#include "mqtk/base/error.hpp"

namespace mqtk {
namespace {

std::vector<std::string_view> split_levels(std::string_view topic) {
  std::vector<std::string_view> levels;
  std::size_t start = 0;
  while (true) {
    std::size_t slash = topic.find('/', start);
    levels.push_back(topic.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start));
    if (slash == std::string_view::npos) return levels;
    start = slash + 1;
  }
}

}  // namespace

TopicPattern::TopicPattern(std::string_view pattern) {
  auto fail = [&](const std::string& problem) {
    return UsageError("--topic-tags: " + problem + " in '" + std::string(pattern) + "'");
  };
  std::vector<std::string_view> levels = split_levels(pattern);
  for (std::size_t i = 0; i < levels.size(); ++i) {
    std::string_view level = levels[i];
    if (level == "#") {
      if (i + 1 != levels.size()) throw fail("'#' must be the last level");
      levels_.push_back({Level::kRest, ""});
    } else if (level.starts_with('+')) {
      std::string name(level.substr(1));
      if (name.find_first_of("+#") != std::string::npos) throw fail("a tag name cannot hold '+' or '#'");
      if (name == "time") throw fail("'time' cannot be a tag name in InfluxDB");
      bool named_before = !name.empty() && std::any_of(levels_.begin(), levels_.end(), [&](const Level& earlier) {
        return earlier.kind == Level::kAny && earlier.text == name;
      });
      if (named_before) throw fail("the tag '" + name + "' is named twice");
      levels_.push_back({Level::kAny, name});
    } else {
      if (level.find_first_of("+#") != std::string_view::npos) throw fail("'+' and '#' must start a level");
      levels_.push_back({Level::kLiteral, std::string(level)});
    }
  }
}

std::optional<std::vector<std::pair<std::string_view, std::string_view>>> TopicPattern::match(
    std::string_view topic) const {
  std::vector<std::string_view> levels = split_levels(topic);
  std::vector<std::pair<std::string_view, std::string_view>> tags;
  for (std::size_t i = 0; i < levels_.size(); ++i) {
    const Level& level = levels_[i];
    if (level.kind == Level::kRest) return tags;
    if (i >= levels.size()) return std::nullopt;
    if (level.kind == Level::kLiteral && levels[i] != level.text) return std::nullopt;
    if (level.kind == Level::kAny && !level.text.empty()) tags.emplace_back(level.text, levels[i]);
  }
  if (levels.size() != levels_.size()) return std::nullopt;
  return tags;
}

}  // namespace mqtk
