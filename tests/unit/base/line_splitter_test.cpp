#include "mqtk/base/line_splitter.hpp"

#include <string>
#include <vector>

#include <doctest/doctest.h>

namespace {

std::vector<std::string> drain(mqtk::LineSplitter& lines) {
  std::vector<std::string> out;
  while (auto line = lines.next()) out.emplace_back(*line);
  return out;
}

}  // namespace

TEST_SUITE("line_splitter") {
  TEST_CASE("lines across chunks") {
    mqtk::LineSplitter lines;
    lines.feed("one\ntw");
    CHECK(lines.has_line());
    CHECK(drain(lines) == std::vector<std::string>{"one"});
    CHECK_FALSE(lines.has_line());
    lines.feed("o\n\nthree");
    CHECK(drain(lines) == std::vector<std::string>{"two", ""});
    CHECK_FALSE(lines.exhausted());
    lines.finish();
    CHECK(lines.has_line());
    CHECK(drain(lines) == std::vector<std::string>{"three"});
    CHECK(lines.exhausted());
  }

  TEST_CASE("carriage returns and NULs are kept") {
    mqtk::LineSplitter lines;
    lines.feed(std::string("a\r\nb\0c\n", 7));
    lines.finish();
    CHECK(drain(lines) == std::vector<std::string>{"a\r", std::string("b\0c", 3)});
    CHECK(lines.exhausted());
  }

  TEST_CASE("a final newline adds no empty line") {
    mqtk::LineSplitter lines;
    lines.feed("x\n");
    lines.finish();
    CHECK(drain(lines) == std::vector<std::string>{"x"});
    CHECK(lines.exhausted());
  }

  TEST_CASE("empty input") {
    mqtk::LineSplitter lines;
    lines.finish();
    CHECK_FALSE(lines.next().has_value());
    CHECK(lines.exhausted());
  }

  TEST_CASE("long streams keep the buffer small") {
    mqtk::LineSplitter lines;
    std::size_t count = 0;
    for (int i = 0; i < 10000; ++i) {
      lines.feed("0123456789\n");
      count += drain(lines).size();
    }
    CHECK(count == 10000);
  }
}
