// --topic-tags: naming the levels of a topic to use them as tags.
// A pattern is a topic filter whose '+' levels may carry a name:
//   site/+site/+device/#   on  site/berlin/boiler/temp  gives  site=berlin device=boiler
// Literal levels must match; '+' alone matches a level without naming it;
// '#' (last) matches the rest.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mqtk {

class TopicPattern {
 public:
  // Throws UsageError naming --topic-tags.
  explicit TopicPattern(std::string_view pattern);

  // The named levels of `topic` as (name, value) pairs, or nothing when the
  // topic does not fit the pattern.
  std::optional<std::vector<std::pair<std::string_view, std::string_view>>> match(std::string_view topic) const;

 private:
  struct Level {
    enum Kind { kLiteral, kAny, kRest } kind;
    std::string text;  // the literal, or the tag name of a '+' level
  };
  std::vector<Level> levels_;
};

}  // namespace mqtk
