#include "mqtk/base/stderr_capture.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <string>

#include <doctest/doctest.h>

#include "mqtk/base/fd.hpp"

namespace {

void say(const std::string& text) {
  ssize_t written = write(STDERR_FILENO, text.data(), text.size());
  REQUIRE(written == static_cast<ssize_t>(text.size()));
}

// Standard error pointed at a pipe for the test, put back after.
struct RealStderr {
  mqtk::Fd saved{dup(STDERR_FILENO)};
  mqtk::Fd read_end;
  RealStderr() {
    int ends[2];
    REQUIRE(pipe2(ends, O_NONBLOCK) == 0);
    read_end.reset(ends[0]);
    dup2(ends[1], STDERR_FILENO);
    close(ends[1]);
  }
  ~RealStderr() { dup2(saved.get(), STDERR_FILENO); }
  std::string written() {
    std::string text;
    char buffer[4096];
    for (ssize_t n; (n = read(read_end.get(), buffer, sizeof buffer)) > 0;) text.append(buffer, n);
    return text;
  }
};

}  // namespace

TEST_SUITE("stderr_capture") {
  TEST_CASE("lines written meanwhile are taken, and written out at the end") {
    RealStderr real;
    {
      mqtk::StderrCapture capture;
      say("one\ntw");
      CHECK(capture.take_lines() == std::vector<std::string>{"one"});
      say("o\nthree\n");
      CHECK(capture.take_lines() == std::vector<std::string>{"two", "three"});
      CHECK(capture.take_lines().empty());
      say("unended");
      CHECK(real.written().empty());  // nothing reaches the real one meanwhile
    }
    CHECK(real.written() == "one\ntwo\nthree\nunended\n");
    say("after\n");
    CHECK(real.written() == "after\n");
  }

  TEST_CASE("only the last lines are written out") {
    RealStderr real;
    {
      mqtk::StderrCapture capture;
      for (std::size_t i = 0; i < mqtk::StderrCapture::kReplayed + 5; ++i) {
        say(std::to_string(i) + "\n");
        capture.take_lines();
      }
    }
    std::string written = real.written();
    CHECK(written.rfind("5\n6\n", 0) == 0);
  }
}
