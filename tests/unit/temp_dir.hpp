// A fresh directory under /tmp for one test, removed afterwards.
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include <doctest/doctest.h>

namespace test_support {

struct TempDir {
  TempDir() {
    char path[] = "/tmp/mqtk-test-XXXXXX";
    REQUIRE(mkdtemp(path));
    directory = path;
  }
  ~TempDir() { std::filesystem::remove_all(directory); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string directory;
};

}  // namespace test_support
