#include "mqtk/base/newlines.hpp"

#include <string>

#include <doctest/doctest.h>

namespace mqtk {

TEST_CASE("count_newlines counts every '\\n', with or without text after the last") {
  CHECK(count_newlines("") == 0);
  CHECK(count_newlines("no end") == 0);
  CHECK(count_newlines("\n") == 1);
  CHECK(count_newlines("a\nb\n\nc") == 3);
  CHECK(count_newlines(std::string(100000, 'x') + "\n" + std::string(3, '\n')) == 4);
  CHECK(count_newlines(std::string_view("a\0\nb\n", 5)) == 2);  // NUL bytes are just bytes
}

TEST_CASE("first_whole_lines stops after the lines asked for, or at the last whole line") {
  std::string text = "one\ntwo\nthree\npart";
  CHECK(first_whole_lines(text, 0).bytes == 0);
  CHECK(first_whole_lines(text, 1).bytes == 4);
  CHECK(first_whole_lines(text, 2).bytes == 8);
  CHECK(first_whole_lines(text, 2).count == 2);
  WholeLines all = first_whole_lines(text, 100);
  CHECK(all.count == 3);
  CHECK(all.bytes == 14);  // "part" has no '\n' yet
  CHECK(first_whole_lines("", 5).bytes == 0);
}

}  // namespace mqtk
