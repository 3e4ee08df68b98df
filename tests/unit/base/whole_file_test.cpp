#include "mqtk/base/whole_file.hpp"

#include <unistd.h>

#include <fstream>

#include <doctest/doctest.h>

#include "mqtk/base/error.hpp"
#include "temp_dir.hpp"

TEST_SUITE("whole_file") {
  TEST_CASE("a file's bytes, binary included") {
    test_support::TempDir dir;
    std::string path = dir.directory + "/data";
    std::string bytes("a\0b\nc", 5);
    bytes += std::string(200000, 'x');  // more than one read
    std::ofstream(path, std::ios::binary) << bytes;
    CHECK(mqtk::read_whole_file(path, "-f", 1 << 20) == bytes);
  }

  TEST_CASE("missing files, directories and limits") {
    test_support::TempDir dir;
    CHECK_FALSE(mqtk::read_whole_file(dir.directory + "/none", "options file", 100, true).has_value());
    CHECK_THROWS_WITH_AS(mqtk::read_whole_file(dir.directory + "/none", "-f 'none'", 100),
                         "-f 'none': cannot open: No such file or directory", mqtk::Error);
    CHECK_THROWS_WITH_AS(mqtk::read_whole_file(dir.directory, "--pw-file 'dir'", 100),
                         "--pw-file 'dir': cannot read: Is a directory", mqtk::Error);
    std::ofstream(dir.directory + "/big") << std::string(101, 'x');
    CHECK_THROWS_WITH_AS(mqtk::read_whole_file(dir.directory + "/big", "-f 'big'", 100),
                         "-f 'big': longer than the limit of 100 bytes", mqtk::UsageError);
    CHECK(mqtk::read_whole_file(dir.directory + "/big", "-f 'big'", 101)->size() == 101);
  }

  TEST_CASE("a pipe, read to its end") {
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    REQUIRE(write(fds[1], "through a pipe", 14) == 14);
    close(fds[1]);
    CHECK(mqtk::read_whole(fds[0], "-s: standard input", 1000) == "through a pipe");
    close(fds[0]);
  }
}
