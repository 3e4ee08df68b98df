#include "mqtk/base/directory_stream.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <set>
#include <string>

#include <doctest/doctest.h>

#include "temp_dir.hpp"

TEST_SUITE("directory_stream") {
  TEST_CASE("lists the directory and closes it when it goes away") {
    test_support::TempDir dir;
    std::ofstream(dir.directory + "/a.lp") << "x";
    std::set<std::string> names;
    int descriptor = -1;
    {
      mqtk::DirectoryStream stream = mqtk::open_directory(dir.directory);
      REQUIRE(stream);
      descriptor = dirfd(stream.get());
      CHECK(fcntl(descriptor, F_GETFD) != -1);
      while (dirent* entry = readdir(stream.get())) names.insert(entry->d_name);
    }
    CHECK(names == std::set<std::string>{".", "..", "a.lp"});
    CHECK(fcntl(descriptor, F_GETFD) == -1);
  }

  TEST_CASE("a directory that cannot be opened gives an empty stream and says why") {
    test_support::TempDir dir;
    errno = 0;
    mqtk::DirectoryStream stream = mqtk::open_directory(dir.directory + "/missing");
    CHECK_FALSE(stream);
    CHECK(errno == ENOENT);
  }

  TEST_CASE("a moved stream is closed once, by its new owner") {
    test_support::TempDir dir;
    mqtk::DirectoryStream first = mqtk::open_directory(dir.directory);
    REQUIRE(first);
    int descriptor = dirfd(first.get());
    mqtk::DirectoryStream second = std::move(first);
    CHECK_FALSE(first);  // NOLINT(bugprone-use-after-move): what a move leaves is the point
    CHECK(fcntl(descriptor, F_GETFD) != -1);
    second.reset();
    CHECK(fcntl(descriptor, F_GETFD) == -1);
  }
}
