// One command-line flag as the tools define it (cli.cpp reads these out of
// CLI11), for what is generated from the definitions: the short --help and
// the shell completions.
#pragma once

#include <string>
#include <vector>

namespace mqtk {

struct FlagInfo {
  std::vector<std::string> names;  // "-t", "--topic"
  // What the value is called: "" for a switch; "FILE" and "DIR" name paths;
  // "{0,1,2}" lists the only values accepted.
  std::string value;
  bool value_optional = false;  // -P, --loop: the value may be left out
  std::string description;
  std::string group;

  enum class ValueKind { kNone, kText, kFile, kDirectory, kChoice };
  ValueKind kind() const;
  // The values of a {a,b,c} choice; empty otherwise.
  std::vector<std::string> choices() const;
};

}  // namespace mqtk
