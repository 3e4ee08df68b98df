#include "mqtk/record/point_partition.hpp"

#include <algorithm>
#include <cstdint>
#include <map>
#include <set>
#include <string>

#include <doctest/doctest.h>

namespace mqtk {
namespace {

std::string point(const std::string& series, const std::string& value, std::int64_t time) {
  return series + " v=" + value + " " + std::to_string(time) + "\n";
}

// The lines of `text`, each with its '\n'.
std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  for (std::size_t start = 0; start < text.size();) {
    std::size_t end = text.find('\n', start);
    end = end == std::string::npos ? text.size() : end + 1;
    lines.push_back(text.substr(start, end - start));
    start = end;
  }
  return lines;
}

}  // namespace

TEST_SUITE("point_partition") {
  TEST_CASE("every line lands in exactly one part, in the batch's order") {
    std::string batch;
    for (int i = 0; i < 1000; ++i) batch += point("t,topic=a/" + std::to_string(i % 7), std::to_string(i), 1000000 + i);
    std::vector<std::string> parts = partition_by_time(batch, 2);
    REQUIRE(parts.size() == 2);
    std::vector<std::string> all = lines_of(batch);
    std::map<std::string, std::size_t> position;
    for (std::size_t i = 0; i < all.size(); ++i) position[all[i]] = i;
    std::size_t seen = 0;
    for (const std::string& part : parts) {
      std::vector<std::string> lines = lines_of(part);
      seen += lines.size();
      for (std::size_t i = 1; i < lines.size(); ++i) CHECK(position.at(lines[i - 1]) < position.at(lines[i]));
    }
    CHECK(seen == all.size());
  }

  TEST_CASE("points that share a time share a part, the later one after the earlier") {
    std::string batch;
    for (int i = 0; i < 300; ++i) batch += point("t", std::to_string(i), 1700000000000000000 + (i % 10) * 1000);
    for (std::size_t count : {2, 3, 4}) {
      std::vector<std::string> parts = partition_by_time(batch, count);
      std::map<std::string, std::size_t> part_of_time;
      for (std::size_t p = 0; p < parts.size(); ++p) {
        int last_value = -1;
        for (const std::string& line : lines_of(parts[p])) {
          std::string time = line.substr(line.rfind(' ') + 1);
          auto [where, added] = part_of_time.emplace(time, p);
          CHECK(where->second == p);
          int value = std::stoi(line.substr(line.find("v=") + 2));
          CHECK(value > last_value);
          last_value = value;
        }
      }
      CHECK(part_of_time.size() == 10);
    }
  }

  TEST_CASE("receive times, a nanosecond or a microsecond apart, spread evenly") {
    for (std::int64_t step : {1, 1000}) {
      std::string batch;
      for (int i = 0; i < 10000; ++i) batch += point("t", "1", 1700000000000000000 + i * step);
      std::vector<std::string> parts = partition_by_time(batch, 2);
      std::size_t first = lines_of(parts[0]).size();
      CHECK(first > 4500);
      CHECK(first < 5500);
    }
  }

  TEST_CASE("the timestamp is what follows the last space, even after a string holding spaces") {
    std::string batch =
        "t s=\"a 1\" 5\n"
        "t s=\"b 2\" 5\n"
        "t s=\"c 3\" 6\n";
    for (std::size_t count : {2, 5, 16}) {
      std::vector<std::string> parts = partition_by_time(batch, count);
      std::size_t with_time_5 = 0;
      for (const std::string& part : parts) {
        if (part.find(" 5\n") != std::string::npos) {
          ++with_time_5;
          CHECK(part.find("t s=\"a 1\" 5\nt s=\"b 2\" 5\n") != std::string::npos);
        }
      }
      CHECK(with_time_5 == 1);
    }
  }

  TEST_CASE("lines without a timestamp, and times before 1970, are kept too") {
    std::string batch =
        "t v=1\n"
        "t v=\"x 12\"\n"
        "t v=2 -5\n"
        "t v=3 -5\n"
        "t v=4 7";
    std::vector<std::string> parts = partition_by_time(batch, 3);
    CHECK(parts[0].find("t v=1\nt v=\"x 12\"\n") == 0);  // no timestamp: the first part, in order
    std::string joined;
    for (const std::string& part : parts) joined += part;
    CHECK(joined.size() == batch.size());
    std::size_t minus_five = std::count_if(parts.begin(), parts.end(), [](const std::string& part) {
      return part.find("t v=2 -5\nt v=3 -5\n") != std::string::npos;
    });
    CHECK(minus_five == 1);
    CHECK(partition_by_time("", 2) == std::vector<std::string>{"", ""});
    CHECK(partition_by_time("t v=1 1\n", 1) == std::vector<std::string>{"t v=1 1\n"});
  }
}

}  // namespace mqtk
