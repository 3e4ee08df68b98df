#include "mqtk/cli/flag_info.hpp"

#include <doctest/doctest.h>

namespace {

mqtk::FlagInfo flag_with(const std::string& value) {
  mqtk::FlagInfo flag;
  flag.names = {"-x"};
  flag.value = value;
  return flag;
}

}  // namespace

TEST_SUITE("flag_info") {
  TEST_CASE("the value's name says what kind it is") {
    using Kind = mqtk::FlagInfo::ValueKind;
    CHECK(flag_with("").kind() == Kind::kNone);
    CHECK(flag_with("TOPIC").kind() == Kind::kText);
    CHECK(flag_with("FILE").kind() == Kind::kFile);
    CHECK(flag_with("DIR").kind() == Kind::kDirectory);
    CHECK(flag_with("{0,1,2}").kind() == Kind::kChoice);
    CHECK(flag_with("{}").kind() == Kind::kText);
  }

  TEST_CASE("choices") {
    CHECK(flag_with("{pem,engine}").choices() == std::vector<std::string>{"pem", "engine"});
    CHECK(flag_with("{only}").choices() == std::vector<std::string>{"only"});
    CHECK(flag_with("TOPIC").choices().empty());
  }
}
