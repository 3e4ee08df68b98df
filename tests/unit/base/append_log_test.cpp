#include "mqtk/base/append_log.hpp"

#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <doctest/doctest.h>

#include "mqtk/base/error.hpp"
#include "temp_dir.hpp"

namespace {

std::string contents(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
}

// A file size limit for this process (RLIMIT_FSIZE): writes past it fail
// with EFBIG, as a full disk fails with ENOSPC, first with a short write.
class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t bytes) {
    getrlimit(RLIMIT_FSIZE, &saved_);
    previous_ = signal(SIGXFSZ, SIG_IGN);
    rlimit limit{bytes, saved_.rlim_max};
    setrlimit(RLIMIT_FSIZE, &limit);
  }
  ~FileSizeLimit() {
    setrlimit(RLIMIT_FSIZE, &saved_);
    signal(SIGXFSZ, previous_);
  }

 private:
  rlimit saved_{};
  sighandler_t previous_;
};

}  // namespace

TEST_SUITE("append_log") {
  TEST_CASE("appends after what is there, and knows whether it made the file") {
    test_support::TempDir temp;
    std::string path = temp.directory + "/log";
    {
      mqtk::AppendLog log(path, {});
      CHECK(log.created());
      log.append("a\n");
      log.sync();
      CHECK(log.size() == 2);
    }
    mqtk::AppendLog again(path, {});
    CHECK_FALSE(again.created());
    again.append("b\n");
    CHECK(contents(path) == "a\nb\n");
  }

  TEST_CASE("a failed or short write leaves the file as it was") {
    test_support::TempDir temp;
    std::string path = temp.directory + "/log";
    mqtk::AppendLog log(path, {});
    log.append("whole\n");
    {
      FileSizeLimit limit(10);  // the next write is cut short at 10 bytes, then fails
      CHECK_THROWS_WITH_AS(log.append("too long to fit\n"), ("cannot write to " + path + ": File too large").c_str(),
                           mqtk::Error);
    }
    CHECK(contents(path) == "whole\n");
    CHECK(log.size() == 6);
    log.append("after\n");  // and goes on once there is room
    CHECK(contents(path) == "whole\nafter\n");
  }

  TEST_CASE("a torn tail is cut only from where we began writing") {
    test_support::TempDir temp;
    std::string path = temp.directory + "/log";
    std::ofstream(path) << "theirs without end";
    mqtk::AppendLog log(path, {});
    CHECK(log.repair(log.size(), mqtk::last_line_end) == 0);  // not ours: untouched
    log.append("\nours 1\nours 2 cut sh");                    // a crash in the middle of a record
    std::uint64_t removed = log.repair(18, mqtk::last_line_end);
    CHECK(removed == std::string("ours 2 cut sh").size());
    CHECK(contents(path) == "theirs without end\nours 1\n");
    CHECK(log.size() == contents(path).size());
    log.append("ours 3 also torn");
    CHECK(log.repair(log.size() - 16, mqtk::last_line_end) == 16);  // no line end at all since: all of it
    CHECK(contents(path) == "theirs without end\nours 1\n");
  }

  TEST_CASE("symbolic links are refused unless followed") {
    test_support::TempDir temp;
    std::string target = temp.directory + "/target";
    std::string link = temp.directory + "/link";
    std::ofstream(target) << "x\n";
    std::filesystem::create_symlink(target, link);
    CHECK_THROWS_AS(mqtk::AppendLog(link, {}), mqtk::SymbolicLinkRefused);
    std::filesystem::create_symlink(temp.directory + "/nowhere", temp.directory + "/dangling");
    CHECK_THROWS_AS(mqtk::AppendLog(temp.directory + "/dangling", {}), mqtk::SymbolicLinkRefused);
    CHECK_FALSE(std::filesystem::exists(temp.directory + "/nowhere"));  // nothing made at the far end
    mqtk::AppendLog followed(link, {.create_new = false, .follow_symlinks = true});
    followed.append("y\n");
    CHECK(contents(target) == "x\ny\n");
  }

  TEST_CASE("a new file must be new; only regular files") {
    test_support::TempDir temp;
    std::string path = temp.directory + "/log";
    mqtk::AppendLog first(path, {.create_new = true});
    CHECK_THROWS_AS(mqtk::AppendLog(path, {.create_new = true}), mqtk::Error);
    CHECK_THROWS_AS(mqtk::AppendLog(temp.directory, {}), mqtk::Error);
    std::string fifo = temp.directory + "/fifo";
    REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
    CHECK_THROWS_WITH_AS(mqtk::AppendLog(fifo, {}),
                         ("cannot record into " + fifo + ": it is not a regular file").c_str(), mqtk::Error);
  }
}
