#include "mqtk/records/record_columns.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include <doctest/doctest.h>

#include "temp_dir.hpp"

namespace {

mqtk::DecoderChoice hex_on(const std::string& filter) { return mqtk::DecoderChoice::parse({filter + "=hex"}, {}); }

}  // namespace

TEST_SUITE("record_columns") {
  TEST_CASE("CSV: the header must name this run's columns; a mismatch names both flag sets") {
    mqtk::DecoderChoice hex = hex_on("#");
    mqtk::RecordColumns plain;
    mqtk::RecordColumns decoded{&hex, false};
    mqtk::RecordColumns jq{nullptr, true};
    mqtk::RecordColumns both{&hex, true};
    CHECK_FALSE(mqtk::csv_columns_mismatch("time,topic,qos,retain,encoding,payload,properties", plain));
    CHECK_FALSE(mqtk::csv_columns_mismatch("time,topic,qos,retain,encoding,payload,properties,decoded", decoded));
    CHECK_FALSE(mqtk::csv_columns_mismatch("time,topic,qos,retain,encoding,payload,properties,jq", jq));
    CHECK_FALSE(mqtk::csv_columns_mismatch("time,topic,qos,retain,encoding,payload,properties,decoded,jq", both));
    auto why = mqtk::csv_columns_mismatch("time,topic,qos,retain,encoding,payload,properties", both);
    REQUIRE(why);
    CHECK(*why ==
          "recorded with neither --decode nor --jq, and this run has --decode and --jq: its records would change "
          "columns; give the same flags as before, or record into another file");
    CHECK(mqtk::csv_columns_mismatch("time,topic,qos,retain,encoding,payload,properties,jq", plain)
              ->starts_with("recorded with --jq, and this run has neither --decode nor --jq"));
    CHECK(mqtk::csv_columns_mismatch("a,b", plain)->starts_with("its first line is not the header"));
  }

  TEST_CASE("JSON lines: the last record's members tell how it was recorded") {
    mqtk::DecoderChoice hex = hex_on("h/#");
    std::string plain = R"({"time":"t","topic":"h/1","qos":0,"retain":false,"encoding":"utf-8","payload":"6869"})";
    std::string decoded =
        R"({"time":"t","topic":"h/1","qos":0,"retain":false,"encoding":"utf-8","payload":"6869","decoded":"hi"})";
    std::string failed =
        R"({"time":"t","topic":"h/1","qos":0,"retain":false,"encoding":"utf-8","payload":"zz","decode_error":"x"})";
    std::string with_jq =
        R"({"time":"t","topic":"o","qos":0,"retain":false,"encoding":"utf-8","payload":"a","jq":[1]})";
    std::string other_topic = R"({"time":"t","topic":"o","qos":0,"retain":false,"encoding":"utf-8","payload":"a"})";

    CHECK_FALSE(mqtk::json_lines_columns_mismatch(plain, {}));
    CHECK_FALSE(mqtk::json_lines_columns_mismatch(decoded, {&hex, false}));
    CHECK_FALSE(mqtk::json_lines_columns_mismatch(failed, {&hex, false}));
    CHECK_FALSE(mqtk::json_lines_columns_mismatch(with_jq, {nullptr, true}));
    CHECK_FALSE(mqtk::json_lines_columns_mismatch(with_jq, {&hex, true}));  // no decoder for its topic either way
    CHECK_FALSE(mqtk::json_lines_columns_mismatch(other_topic, {&hex, false}));
    mqtk::DecoderChoice elsewhere = hex_on("x/#");  // other filters: still --decode's columns
    CHECK_FALSE(mqtk::json_lines_columns_mismatch(decoded, {&elsewhere, false}));

    CHECK(mqtk::json_lines_columns_mismatch(plain, {&hex, false})
              ->starts_with("recorded with neither --decode nor --jq, and this run has --decode:"));
    CHECK(mqtk::json_lines_columns_mismatch(decoded, {})
              ->starts_with("recorded with --decode, and this run has neither --decode nor --jq:"));
    CHECK(mqtk::json_lines_columns_mismatch(with_jq, {})->starts_with("recorded with --jq, and this run has neither"));
    CHECK(mqtk::json_lines_columns_mismatch(plain, {nullptr, true})->starts_with("recorded with neither"));
    // Not an mqtk record: nothing to tell.
    CHECK_FALSE(mqtk::json_lines_columns_mismatch("not json", {nullptr, true}));
    CHECK_FALSE(mqtk::json_lines_columns_mismatch(R"({"a":1})", {nullptr, true}));
  }

  TEST_CASE("first and last lines of a file") {
    test_support::TempDir dir;
    std::string path = dir.directory + "/f";
    std::string long_line(10000, 'x');
    {
      std::ofstream out(path);
      out << "head\n" << long_line << "\nlast line\n";
    }
    int fd = ::open(path.c_str(), O_RDONLY);
    REQUIRE(fd >= 0);
    auto size = static_cast<std::uint64_t>(::lseek(fd, 0, SEEK_END));
    CHECK(mqtk::first_line_of(fd) == "head");
    CHECK(mqtk::last_line_of(fd, size) == "last line");
    CHECK(mqtk::last_line_of(fd, size - 10) == long_line);  // a line longer than a block
    CHECK(mqtk::last_line_of(fd, 5) == "head");             // the first line
    ::close(fd);
  }
}
