#include "mqtk/base/fd.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

#include <doctest/doctest.h>

namespace {

bool is_open(int fd) { return fcntl(fd, F_GETFD) != -1; }

// Both ends of a new pipe, each with its owner.
std::pair<mqtk::Fd, mqtk::Fd> make_pipe() {
  int ends[2];
  REQUIRE(pipe2(ends, O_CLOEXEC) == 0);
  return {mqtk::Fd(ends[0]), mqtk::Fd(ends[1])};
}

// Whether the reading end sees end of file: every writer has closed.
bool writer_closed(const mqtk::Fd& reader) {
  char byte;
  return read(reader.get(), &byte, 1) == 0;
}

}  // namespace

TEST_SUITE("fd") {
  TEST_CASE("an Fd closes its descriptor when it goes away") {
    auto [reader, writer] = make_pipe();
    int number = writer.get();
    { mqtk::Fd owner(std::move(writer)); }
    CHECK_FALSE(is_open(number));
    CHECK(writer_closed(reader));
  }

  TEST_CASE("a default Fd holds nothing and closes nothing") {
    mqtk::Fd empty;
    CHECK_FALSE(empty.valid());
    CHECK(empty.get() == -1);
    empty.reset();
    CHECK_FALSE(empty.valid());
  }

  TEST_CASE("a moved-from Fd closes nothing: the descriptor is closed once, by its new owner") {
    auto [reader, writer] = make_pipe();
    int number = writer.get();
    mqtk::Fd moved(std::move(writer));
    CHECK_FALSE(writer.valid());  // NOLINT(bugprone-use-after-move): what a move leaves is the point
    CHECK(moved.get() == number);
    moved.reset();
    CHECK_FALSE(is_open(number));
    // The number is free again; whoever gets it next must keep it when the
    // moved-from owner goes away.
    mqtk::Fd next(open("/dev/null", O_RDONLY | O_CLOEXEC));
    REQUIRE(next.get() == number);
    { mqtk::Fd gone(std::move(writer)); }  // NOLINT(bugprone-use-after-move)
    CHECK(is_open(number));
  }

  TEST_CASE("move assignment closes what the target held and takes the other's") {
    auto [first_reader, first_writer] = make_pipe();
    auto [second_reader, second_writer] = make_pipe();
    int second_number = second_writer.get();
    first_writer = std::move(second_writer);
    CHECK(writer_closed(first_reader));
    CHECK(first_writer.get() == second_number);
    CHECK(is_open(second_number));
  }

  TEST_CASE("assigning an Fd to itself keeps the descriptor open") {
    auto [reader, writer] = make_pipe();
    int number = writer.get();
    mqtk::Fd& same = writer;
    writer = std::move(same);
    CHECK(writer.get() == number);
    CHECK(is_open(number));
  }

  TEST_CASE("release gives the descriptor up without closing it") {
    auto [reader, writer] = make_pipe();
    int number = writer.release();
    CHECK_FALSE(writer.valid());
    CHECK(is_open(number));
    mqtk::Fd owner(number);  // closes it at the end of the test
  }

  TEST_CASE("reset closes the descriptor held and holds the one given") {
    auto [reader, writer] = make_pipe();
    auto [other_reader, other_writer] = make_pipe();
    int other = other_writer.release();
    writer.reset(other);
    CHECK(writer_closed(reader));
    CHECK(writer.get() == other);
    CHECK(is_open(other));
  }
}
