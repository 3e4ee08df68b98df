#include "mqtk/cli/options_file.hpp"

#include <doctest/doctest.h>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "mqtk/base/error.hpp"

using Args = std::vector<std::string>;

TEST_SUITE("options_file") {
  TEST_CASE("path: XDG_CONFIG_HOME, then HOME") {
    CHECK(mqtk::options_file_path("sub", "/x", "/home/u") == "/x/mqtk/sub");
    CHECK(mqtk::options_file_path("pub", "", "/home/u") == "/home/u/.config/mqtk/pub");
    CHECK(mqtk::options_file_path("pub", nullptr, "/home/u") == "/home/u/.config/mqtk/pub");
    CHECK_FALSE(mqtk::options_file_path("pub", nullptr, nullptr).has_value());
  }

  TEST_CASE("one flag a line, the rest of the line is its value") {
    auto args = mqtk::parse_options_text(
        "# defaults\n"
        "-h broker.local\r\n"
        "\n"
        "   -v\n"
        "--will-payload going  away \n"
        "-D publish user-property  k v\n");
    CHECK(args == Args{"-h", "broker.local", "-v", "--will-payload", "going  away", "-D", "publish",
                       "user-property", "k", "v"});
  }

  TEST_CASE("comments and blank lines only") {
    CHECK(mqtk::parse_options_text("# nothing\n\n  \n").empty());
    CHECK(mqtk::parse_options_text("").empty());
  }

  TEST_CASE("reading files") {
    CHECK(mqtk::read_options_file("/nonexistent/mqtk/options").empty());
    char path[] = "/tmp/mqtk-options-XXXXXX";
    int fd = mkstemp(path);
    REQUIRE(fd >= 0);
    std::string text = "-p 1884\n-q 1";  // no final newline
    REQUIRE(write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()));
    close(fd);
    CHECK(mqtk::read_options_file(path) == Args{"-p", "1884", "-q", "1"});
    std::remove(path);
    CHECK_THROWS_WITH_AS(mqtk::read_options_file("/"), "options file /: cannot read: Is a directory", mqtk::Error);
  }
}
