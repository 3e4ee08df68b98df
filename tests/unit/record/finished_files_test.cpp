#include "mqtk/record/finished_files.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include <doctest/doctest.h>

#include "mqtk/base/error.hpp"
#include "temp_dir.hpp"

namespace fs = std::filesystem;

namespace {

std::vector<std::string> names(const std::string& directory) {
  std::vector<std::string> result;
  for (const auto& entry : fs::directory_iterator(directory)) result.push_back(entry.path().filename());
  std::sort(result.begin(), result.end());
  return result;
}

void finish(mqtk::FinishedFiles& files) {
  files.begin_finish();
  while (!files.finished()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
}

}  // namespace

TEST_SUITE("finished_files") {
  TEST_CASE("rotated names") {
    CHECK(mqtk::is_rotated_name("out-20261125T030000.123456Z.jsonl", "out.jsonl"));
    CHECK(mqtk::is_rotated_name("out-20261125T030000.123456Z.jsonl.gz", "out.jsonl"));
    CHECK(mqtk::is_rotated_name("out-20261125T030000.123456Z.jsonl.zst", "out.jsonl"));
    CHECK(mqtk::is_rotated_name("log-20261125T030000.123456Z", "log"));
    CHECK_FALSE(mqtk::is_rotated_name("out.jsonl", "out.jsonl"));
    CHECK_FALSE(mqtk::is_rotated_name("out-20261125T030000.123456Z.csv", "out.jsonl"));
    CHECK_FALSE(mqtk::is_rotated_name("out-2026112XT030000.123456Z.jsonl", "out.jsonl"));
    CHECK_FALSE(mqtk::is_rotated_name("other-20261125T030000.123456Z.jsonl", "out.jsonl"));
    CHECK_FALSE(mqtk::is_rotated_name("out-20261125T030000.123456Z.jsonl.bak", "out.jsonl"));
  }

  TEST_CASE("--keep: a number of files or an age") {
    CHECK(mqtk::parse_retention("30").files == 30u);
    CHECK(mqtk::parse_retention("7d").age == std::chrono::hours(24 * 7));
    CHECK_THROWS_AS(mqtk::parse_retention("0"), mqtk::UsageError);
    CHECK_THROWS_WITH_AS(mqtk::parse_retention("lots"),
                         "--keep: expected a number of files (30) or an age (7d, 12h), not 'lots'", mqtk::UsageError);
  }

  TEST_CASE("finished files are compressed, the oldest removed past --keep, the current one left alone") {
    test_support::TempDir temp;
    mqtk::Reporter reporter("test");
    std::string output = temp.directory + "/out.jsonl";
    // Left by an earlier run: two finished files, one uncompressed, and a
    // compression cut short.
    std::ofstream(temp.directory + "/out-20260101T000000.000000Z.jsonl.gz") << "x";
    std::ofstream(temp.directory + "/out-20260101T010000.000000Z.jsonl") << "{\"a\":1}\n";
    std::ofstream(temp.directory + "/out-20260101T010000.000000Z.jsonl.gz.tmp") << "half";
    std::ofstream(temp.directory + "/unrelated.txt") << "mine\n";
    {
      mqtk::FinishedFiles files(output, mqtk::Compression::kGzip, mqtk::parse_retention("2"), reporter);
      std::ofstream(temp.directory + "/out-20260101T020000.000000Z.jsonl") << "{\"a\":2}\n";
      std::ofstream(temp.directory + "/out-20260101T030000.000000Z.jsonl") << "{\"a\":3}\n";
      files.set_current(temp.directory + "/out-20260101T030000.000000Z.jsonl");
      files.add(temp.directory + "/out-20260101T020000.000000Z.jsonl");
      finish(files);
      CHECK(files.compressed() == 2);
      CHECK(files.removed() == 1);
    }
    CHECK(names(temp.directory) == std::vector<std::string>{"out-20260101T010000.000000Z.jsonl.gz",
                                                            "out-20260101T020000.000000Z.jsonl.gz",
                                                            "out-20260101T030000.000000Z.jsonl", "unrelated.txt"});
  }

  TEST_CASE("an empty finished file (a kill before its first record) is removed, not compressed") {
    test_support::TempDir temp;
    mqtk::Reporter reporter("test");
    std::ofstream(temp.directory + "/out-20260101T000000.000000Z.jsonl");
    std::ofstream(temp.directory + "/out-20260101T010000.000000Z.jsonl") << "{\"a\":1}\n";
    {
      mqtk::FinishedFiles files(temp.directory + "/out.jsonl", mqtk::Compression::kZstd, mqtk::Retention{}, reporter);
      finish(files);
      CHECK(files.compressed() == 1);
    }
    CHECK(names(temp.directory) == std::vector<std::string>{"out-20260101T010000.000000Z.jsonl.zst"});
  }

  TEST_CASE("a compressed file that is there already is not replaced: the finished one stays as it is") {
    test_support::TempDir temp;
    mqtk::Reporter reporter("test");
    std::string finished = temp.directory + "/out-20260101T000000.000000Z.jsonl";
    std::ofstream(finished + ".gz") << "an earlier run's";
    std::ofstream(finished) << "{\"a\":1}\n";
    {
      mqtk::FinishedFiles files(temp.directory + "/out.jsonl", mqtk::Compression::kGzip, mqtk::Retention{}, reporter);
      finish(files);
      CHECK(files.compressed() == 0);
    }
    std::ifstream earlier(finished + ".gz");
    CHECK(std::string(std::istreambuf_iterator<char>(earlier), {}) == "an earlier run's");
    CHECK(names(temp.directory) ==
          std::vector<std::string>{"out-20260101T000000.000000Z.jsonl", "out-20260101T000000.000000Z.jsonl.gz"});
  }
}
