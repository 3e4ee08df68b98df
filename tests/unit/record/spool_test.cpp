#include "mqtk/record/spool.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "mqtk/base/error.hpp"
#include "temp_dir.hpp"

namespace fs = std::filesystem;

namespace {

using test_support::TempDir;

std::string read_all(const mqtk::Spool& spool) { return std::string(spool.read(1000000, 1 << 26).lines); }

}  // namespace

TEST_SUITE("spool") {
  TEST_CASE("append, read, consume") {
    TempDir temp;
    mqtk::Spool spool(temp.directory + "/s", 1 << 20, {});
    spool.append("a v=1 1\nb v=2 2\n");
    spool.append("c v=3 3\n");
    spool.sync(true);
    CHECK(spool.pending_lines() == 3);
    auto batch = spool.read(2, 1 << 20);
    CHECK(batch.lines == "a v=1 1\nb v=2 2\n");
    CHECK(batch.count == 2);
    CHECK(spool.pending_lines() == 3);  // reading does not consume
    spool.consume(batch);
    CHECK(spool.pending_lines() == 1);
    CHECK(read_all(spool) == "c v=3 3\n");
  }

  TEST_CASE("a restart resumes at the checkpoint and drops a torn line") {
    TempDir temp;
    std::string dir = temp.directory + "/s";
    {
      mqtk::Spool spool(dir, 1 << 20, {});
      spool.append("a 1\nb 2\nc 3\n");
      spool.consume(spool.read(1, 1 << 20));
    }
    // A crash in the middle of an append.
    std::ofstream(dir + "/0000000000000001.lp", std::ios::app) << "d 4 torn";
    mqtk::Spool spool(dir, 1 << 20, {});
    CHECK(spool.pending_lines() == 2);
    CHECK(read_all(spool) == "b 2\nc 3\n");
    spool.append("e 5\n");
    CHECK(read_all(spool) == "b 2\nc 3\ne 5\n");
  }

  TEST_CASE("one recorder per spool") {
    TempDir temp;
    mqtk::Spool first(temp.directory + "/s", 1 << 20, {});
    CHECK_THROWS_AS(mqtk::Spool(temp.directory + "/s", 1 << 20, {}), mqtk::Error);
  }

  TEST_CASE("bounded") {
    TempDir temp;
    mqtk::Spool spool(temp.directory + "/s", 10, {});
    CHECK_FALSE(spool.full());
    spool.append("0123456789a\n");
    CHECK(spool.full());
    spool.consume(spool.read(10, 1 << 20));
    CHECK_FALSE(spool.full());
  }

  TEST_CASE("segments roll over and are deleted once sent") {
    TempDir temp;
    std::string dir = temp.directory + "/s";
    mqtk::Spool spool(dir, 1ULL << 32, {});
    std::string line(1023, 'x');
    line += '\n';
    for (int i = 0; i < 17 * 1024; ++i) spool.append(line);  // a little over 16 MiB
    auto count_segments = [&] {
      int n = 0;
      for (const auto& entry : fs::directory_iterator(dir)) n += entry.path().extension() == ".lp";
      return n;
    };
    CHECK(count_segments() == 2);
    std::uint64_t total = 0;
    while (spool.pending_lines() > 0) {
      auto batch = spool.read(5000, 1 << 22);
      REQUIRE(batch.count > 0);
      total += batch.count;
      spool.consume(batch);
    }
    CHECK(total == 17 * 1024);
    CHECK(count_segments() == 1);
  }

  TEST_CASE("a line longer than the read window still comes whole") {
    TempDir temp;
    mqtk::Spool spool(temp.directory + "/s", 1 << 26, {});
    std::string huge(200000, 'y');
    spool.append(huge + "\n");
    auto batch = spool.read(10, 100);
    CHECK(batch.count == 1);
    CHECK(batch.lines.size() == huge.size() + 1);
  }

  TEST_CASE("the sender's wait ends when a batch's lines or a batch's bytes are waiting") {
    TempDir temp;
    mqtk::Spool spool(temp.directory + "/s", 1 << 26, {});
    auto far = std::chrono::steady_clock::now() + std::chrono::minutes(10);
    spool.append(std::string(1000, 'x') + "\n");
    spool.wait(1000, 1000, far);  // 1001 bytes in one line
    spool.append("a 1\nb 2\n");
    spool.wait(3, 1 << 20, far);  // three lines
    CHECK(std::chrono::steady_clock::now() < far);
    auto soon = std::chrono::steady_clock::now() + std::chrono::milliseconds(20);
    spool.wait(4, 1 << 20, soon);  // neither: until the deadline
    CHECK(std::chrono::steady_clock::now() >= soon);
  }

  TEST_CASE("the sender's wait ends once the lines stop coming for a pause, not before") {
    TempDir temp;
    mqtk::Spool spool(temp.directory + "/s", 1 << 26, {});
    using Clock = std::chrono::steady_clock;
    auto far = Clock::now() + std::chrono::seconds(10);
    auto soon = Clock::now() + std::chrono::milliseconds(30);
    spool.wait(1, 1 << 20, soon, std::chrono::milliseconds(1));  // nothing waits: a pause sends nothing
    CHECK(Clock::now() >= soon);
    spool.append("a 1\n");
    auto appended = Clock::now();
    spool.wait(1000, 1 << 20, far, std::chrono::milliseconds(30));
    CHECK(Clock::now() >= appended + std::chrono::milliseconds(30));
    CHECK(Clock::now() < far);
  }

  TEST_CASE("a batch stays in its segment, and takes a sliver at the segment's end along") {
    TempDir temp;
    mqtk::Spool spool(temp.directory + "/s", 1ULL << 32, {});
    std::string line(1023, 'x');
    line += '\n';
    for (int i = 0; i < 17 * 1024; ++i) spool.append(line);  // 16 MiB in the first segment, 1 MiB in the second
    std::vector<std::size_t> counts;
    while (spool.pending_lines() > 0) {
      auto batch = spool.read(100000, 5 << 20);
      REQUIRE(batch.count > 0);
      CHECK(batch.lines.size() == batch.count * line.size());
      counts.push_back(batch.count);
      spool.consume(batch);
    }
    // 5, 5 and 6 MiB (the last 1 MiB is under a quarter of a batch), then the second segment's 1 MiB.
    CHECK(counts == std::vector<std::size_t>{5120, 5120, 6144, 1024});
  }

  TEST_CASE("rejected points are kept with their reason") {
    TempDir temp;
    mqtk::Spool spool(temp.directory + "/s", 1 << 20, {});
    spool.reject("bad v=\"x\" 1\n", "field type conflict");
    std::ifstream file(temp.directory + "/s/rejected.lp");
    std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    CHECK(text == "# field type conflict\nbad v=\"x\" 1\n");
  }
}
