#include "mqtk/record/spool.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "mqtk/base/error.hpp"
#include "temp_dir.hpp"

namespace fs = std::filesystem;

namespace {

using test_support::TempDir;

std::string read_all(const mqtk::Spool& spool) { return std::string(spool.read(1000000, 1 << 26).lines); }

// Lines of 1 KiB: a segment (16 MiB) holds 16,384 of them.
const std::string kKibLine = std::string(1023, 'x') + "\n";
constexpr int kKibLinesPerSegment = 16 * 1024;

void append_kib_lines(mqtk::Spool& spool, int count) {
  for (int i = 0; i < count; ++i) spool.append(kKibLine);
}

// Reads and consumes batches until nothing waits or nothing more can be
// read: the number of lines in each batch.
std::vector<std::size_t> send_all(mqtk::Spool& spool, std::size_t max_lines, std::size_t max_bytes) {
  std::vector<std::size_t> counts;
  while (spool.pending_lines() > 0 && counts.size() < 1000) {
    auto batch = spool.read(max_lines, max_bytes);
    if (batch.count == 0 && batch.end == batch.start) break;
    if (batch.count > 0) counts.push_back(batch.count);
    spool.consume(batch);
  }
  return counts;
}

std::size_t total(const std::vector<std::size_t>& counts) { return std::accumulate(counts.begin(), counts.end(), 0UL); }

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
    append_kib_lines(spool, 17 * 1024);  // a little over 16 MiB
    auto count_segments = [&] {
      int n = 0;
      for (const auto& entry : fs::directory_iterator(dir)) n += entry.path().extension() == ".lp";
      return n;
    };
    CHECK(count_segments() == 2);
    CHECK(total(send_all(spool, 5000, 1 << 22)) == 17 * 1024);
    CHECK(spool.pending_lines() == 0);
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
    append_kib_lines(spool, kKibLinesPerSegment + 1024);  // 16 MiB in the first segment, 1 MiB in the second
    // 5, 5 and 6 MiB (the last 1 MiB is under a quarter of a batch), then the second segment's 1 MiB.
    CHECK(send_all(spool, 100000, 5 << 20) == std::vector<std::size_t>{5120, 5120, 6144, 1024});
  }

  TEST_CASE("a torn line at the end of an earlier segment is cut off at take-over, and the rest is sent") {
    TempDir temp;
    std::string dir = temp.directory + "/s";
    {
      mqtk::Spool spool(dir, 1ULL << 32, {});
      append_kib_lines(spool, kKibLinesPerSegment + 10);  // 16 MiB in the first segment, 10 lines after
    }
    fs::resize_file(dir + "/0000000000000001.lp", 16 * 1024 * 1024 - 500);  // damage
    mqtk::Spool spool(dir, 1ULL << 32, {});
    CHECK(fs::file_size(dir + "/0000000000000001.lp") == (kKibLinesPerSegment - 1) * 1024);
    CHECK(spool.pending_lines() == kKibLinesPerSegment - 1 + 10);
    CHECK(spool.pending_bytes() == (kKibLinesPerSegment - 1 + 10) * 1024);
    CHECK(total(send_all(spool, 100000, 5 << 20)) == kKibLinesPerSegment - 1 + 10);
    CHECK(spool.pending_lines() == 0);
  }

  TEST_CASE("a checkpoint past its segment's end (a sent tail lost with the power) is taken back to the end") {
    TempDir temp;
    std::string dir = temp.directory + "/s";
    {
      mqtk::Spool spool(dir, 1 << 20, {});
      spool.append("a 1\nb 2\n");
      spool.consume(spool.read(10, 1 << 20));  // checkpoint: segment 1, offset 8
    }
    fs::resize_file(dir + "/0000000000000001.lp", 4);
    mqtk::Spool spool(dir, 1 << 20, {});
    CHECK(spool.pending_lines() == 0);
    spool.append("c 3\nd 4\n");  // at offset 4: not below the checkpoint, where it would never be sent
    CHECK(read_all(spool) == "c 3\nd 4\n");
  }

  TEST_CASE("a checkpoint naming a segment newer than every file starts that segment") {
    TempDir temp;
    std::string dir = temp.directory + "/s";
    fs::create_directory(dir);
    fs::permissions(dir, fs::perms::owner_all);
    std::ofstream(dir + "/0000000000000003.lp") << "x 1\n";
    std::ofstream(dir + "/checkpoint") << "4 0\n";
    mqtk::Spool spool(dir, 1 << 20, {});
    CHECK(spool.pending_lines() == 0);
    spool.append("y 2\n");
    CHECK(read_all(spool) == "y 2\n");
    CHECK_FALSE(fs::exists(dir + "/0000000000000003.lp"));  // sent, by the checkpoint's word
  }

  TEST_CASE("a finished segment damaged while the spool is open is stepped over, not stopped at") {
    TempDir temp;
    std::string dir = temp.directory + "/s";
    mqtk::Spool spool(dir, 1ULL << 32, {});
    append_kib_lines(spool, kKibLinesPerSegment + 10);
    {
      // The last 3 lines of the first segment lose their line ends.
      std::fstream file(dir + "/0000000000000001.lp", std::ios::in | std::ios::out | std::ios::binary);
      file.seekp(16 * 1024 * 1024 - 3 * 1024);
      file << std::string(3 * 1024, 'z');
    }
    CHECK(total(send_all(spool, 100000, 5 << 20)) == kKibLinesPerSegment - 3 + 10);
  }

  TEST_CASE("rejected points are kept with their reason, each once, across runs") {
    TempDir temp;
    auto kept = [&] {
      std::ifstream file(temp.directory + "/s/rejected.lp");
      return std::string((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    };
    {
      mqtk::Spool spool(temp.directory + "/s", 1 << 20, {});
      CHECK(spool.reject("bad v=\"x\" 1\n", "field type conflict"));
      CHECK(kept() == "# field type conflict\nbad v=\"x\" 1\n");
      CHECK_FALSE(spool.reject("bad v=\"x\" 1\n", "field type conflict"));  // the same point again
      CHECK(spool.reject("bad v=\"x\" 2\n", "field type conflict"));        // another time: another point
    }
    // The next run sends the batch again (its checkpoint had not moved): refused again, kept once.
    mqtk::Spool spool(temp.directory + "/s", 1 << 20, {});
    CHECK_FALSE(spool.reject("bad v=\"x\" 1\n", "field type conflict"));
    CHECK(kept() == "# field type conflict\nbad v=\"x\" 1\n# field type conflict\nbad v=\"x\" 2\n");
    CHECK(mqtk::Spool::rejected_points(temp.directory + "/s") ==
          std::vector<std::string>{"bad v=\"x\" 1\n", "bad v=\"x\" 2\n"});
  }
}
