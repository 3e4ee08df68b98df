#include "mqtk/cli/help_text.hpp"

#include <sstream>

#include <doctest/doctest.h>

TEST_SUITE("help_text") {
  TEST_CASE("groups in order, flags packed into lines of at most 79 columns, examples") {
    std::vector<mqtk::FlagInfo> flags;
    for (int i = 0; i < 30; ++i) {
      flags.push_back({{"--flag-" + std::to_string(i)}, i % 2 ? "VALUE" : "", false, "", i < 20 ? "First" : "Second"});
    }
    flags.push_back({{"-P", "--pw"}, "PASSWORD", true, "", "Second"});
    mqtk::ToolInfo tool{"mqtk-x", "mqtk-x [-h host]", "x", {"mqtk-x -h broker   # an example"}};
    std::string help = mqtk::short_help(tool, "Does x.", flags);
    CHECK(help.starts_with("Does x.\nUsage: mqtk-x [-h host]\n\nFirst:\n  --flag-0 --flag-1 VALUE --flag-2"));
    CHECK(help.find("\nSecond:\n  --flag-20 ") != std::string::npos);
    CHECK(help.find(" -P [PASSWORD]\n") != std::string::npos);  // the short name, the value optional
    CHECK(help.find("\nExamples:\n  mqtk-x -h broker   # an example\n") != std::string::npos);
    CHECK(help.ends_with("What each flag does: mqtk-x --help-all, or man mqtk-x\n"));
    std::istringstream lines(help);
    std::string line;
    int count = 0;
    while (std::getline(lines, line)) {
      CHECK(line.size() <= 79);
      ++count;
    }
    CHECK(count < 20);
    for (int i = 0; i < 30; ++i) CHECK(help.find("--flag-" + std::to_string(i) + " ") != std::string::npos);
  }
}
