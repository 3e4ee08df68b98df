#include "mqtk/base/reporter.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include <doctest/doctest.h>

#include "temp_dir.hpp"

using mqtk::terminal_safe;

namespace {

// What `write` prints on standard error.
template <typename Write>
std::string stderr_of(Write write) {
  test_support::TempDir dir;
  std::string path = dir.directory + "/stderr";
  int file = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  REQUIRE(file >= 0);
  std::fflush(stderr);
  int saved = dup(STDERR_FILENO);
  REQUIRE(saved >= 0);
  REQUIRE(dup2(file, STDERR_FILENO) >= 0);
  close(file);
  write();
  std::fflush(stderr);
  REQUIRE(dup2(saved, STDERR_FILENO) >= 0);
  close(saved);
  std::ostringstream text;
  text << std::ifstream(path, std::ios::binary).rdbuf();
  return text.str();
}

}  // namespace

TEST_SUITE("reporter") {
  TEST_CASE("text a terminal would act on is escaped") {
    CHECK(terminal_safe("plain text: 'a/b' 온도 °C") == "plain text: 'a/b' 온도 °C");
    CHECK(terminal_safe("\x1b[2J\x1b]0;title\x07") == "\\x1b[2J\\x1b]0;title\\x07");
    CHECK(terminal_safe("tab\tnew\nline\rdel\x7f") == "tab\\x09new\\x0aline\\x0ddel\\x7f");
    CHECK(terminal_safe(std::string("nul\0end", 7)) == "nul\\x00end");
    // C1 controls as UTF-8: U+009B is a CSI to some terminals; U+00A0 is text.
    CHECK(terminal_safe("\xc2\x9b"
                        "31m \xc2\x80 \xc2\x9f \xc2\xa0") == "\\xc2\\x9b31m \\xc2\\x80 \\xc2\\x9f \xc2\xa0");
    // Malformed UTF-8, byte by byte, with the text after it kept.
    CHECK(terminal_safe("\xff\xfe ok") == "\\xff\\xfe ok");
    CHECK(terminal_safe("\xc3(") == "\\xc3(");                           // a lead byte without its continuation
    CHECK(terminal_safe("\xe2\x82") == "\\xe2\\x82");                    // cut short at the end
    CHECK(terminal_safe("\xc0\xaf") == "\\xc0\\xaf");                    // overlong '/'
    CHECK(terminal_safe("\xed\xa0\x80") == "\\xed\\xa0\\x80");           // a UTF-16 surrogate
    CHECK(terminal_safe("\xf4\x90\x80\x80") == "\\xf4\\x90\\x80\\x80");  // past U+10FFFF
    CHECK(terminal_safe("\xf0\x9f\x98\x80") == "\xf0\x9f\x98\x80");      // U+1F600 is text
    CHECK(terminal_safe("\x80\xc2\x9b\x1b") == "\\x80\\xc2\\x9b\\x1b");
  }

  TEST_CASE("every message reaches standard error escaped, on one line") {
    mqtk::Reporter reporter("mqtk-sub");
    CHECK(stderr_of([&] { reporter.warning("payload \x1b[31mred\nsecond line"); }) ==
          "mqtk-sub: warning: payload \\x1b[31mred\\x0asecond line\n");
    CHECK(stderr_of([&] { reporter.error(std::string("a\0b", 3)); }) == "mqtk-sub: a\\x00b\n");
    CHECK(stderr_of([&] {
            reporter.always(
                "\xc2\x9b"
                "2J");
          }) == "mqtk-sub: \\xc2\\x9b2J\n");
    reporter.set_quiet(true);
    CHECK(stderr_of([&] { reporter.error("not shown"); }).empty());
    CHECK(stderr_of([&] { reporter.always("usage \x1b"); }) == "mqtk-sub: usage \\x1b\n");
  }
}
