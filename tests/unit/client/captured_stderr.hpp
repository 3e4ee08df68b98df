// Standard error sent to a file while one of these lives, so that a test can
// read what a Reporter said (and the test's own output stays clean).
#pragma once

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include <doctest/doctest.h>

#include "mqtk/base/fd.hpp"
#include "temp_dir.hpp"

namespace test_support {

class CapturedStderr {
 public:
  CapturedStderr() : path_(directory_.directory + "/stderr") {
    mqtk::Fd file(open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    REQUIRE(file.valid());
    std::fflush(stderr);
    saved_.reset(dup(STDERR_FILENO));
    REQUIRE(saved_.valid());
    REQUIRE(dup2(file.get(), STDERR_FILENO) >= 0);
  }
  ~CapturedStderr() {
    std::fflush(stderr);
    dup2(saved_.get(), STDERR_FILENO);
  }
  CapturedStderr(const CapturedStderr&) = delete;
  CapturedStderr& operator=(const CapturedStderr&) = delete;

  // Everything written so far.
  std::string text() const {
    std::fflush(stderr);
    std::ostringstream text;
    text << std::ifstream(path_, std::ios::binary).rdbuf();
    return text.str();
  }

 private:
  TempDir directory_;
  std::string path_;
  mqtk::Fd saved_;
};

}  // namespace test_support
