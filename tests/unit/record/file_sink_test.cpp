#include "mqtk/record/file_sink.hpp"

#include <doctest/doctest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "mqtk/base/error.hpp"
#include "temp_dir.hpp"
#include "mqtk/records/record_formats.hpp"

namespace fs = std::filesystem;

namespace {

using test_support::TempDir;

std::string contents(const std::string& path) {
  std::ifstream file(path);
  return std::string((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
}

mqtk::Message message(std::string_view payload) {
  mqtk::Message m;
  m.topic = "t";
  m.payload = payload;
  m.received = {1600000000, 0};
  return m;
}

}  // namespace

TEST_SUITE("file_sink") {
  TEST_CASE("records reach the file at commit, after any earlier content") {
    TempDir temp;
    std::string path = temp.directory + "/out.jsonl";
    std::ofstream(path) << "{\"old\":1}\n{\"torn\":";
    mqtk::FileSink sink({path, "", {}, {}, {}}, std::make_unique<mqtk::JsonLinesFormat>());
    sink.write(message("1"));
    CHECK(sink.uncommitted() > 0);
    CHECK(contents(path) == "{\"old\":1}\n");  // the torn tail is gone, nothing new yet
    sink.commit(true);
    CHECK(sink.uncommitted() == 0);
    CHECK(sink.records_written() == 1);
    CHECK(contents(path) ==
          "{\"old\":1}\n{\"time\":\"2020-09-13T12:26:40.000000000Z\",\"topic\":\"t\",\"qos\":0,\"retain\":false,"
          "\"encoding\":\"json\",\"payload\":1}\n");
  }

  TEST_CASE("a header only in a new file") {
    TempDir temp;
    std::string path = temp.directory + "/out.csv";
    {
      mqtk::FileSink sink({path, "h\n", {}, {}, {}}, std::make_unique<mqtk::CsvFormat>());
      sink.write(message("1"));
      sink.commit(true);
    }
    mqtk::FileSink again({path, "h\n", {}, {}, {}}, std::make_unique<mqtk::CsvFormat>());
    again.write(message("2"));
    again.commit(true);
    std::string text = contents(path);
    CHECK(text.starts_with("h\n"));
    CHECK(text.find("h\n", 1) == std::string::npos);
    CHECK(text.ends_with(",2,\n"));
  }

  TEST_CASE("rotation by size makes timestamped files in order") {
    TempDir temp;
    std::string path = temp.directory + "/out.jsonl";
    mqtk::FileSink sink({path, "", 200, {}, {}}, std::make_unique<mqtk::JsonLinesFormat>());
    for (int i = 0; i < 10; ++i) {
      sink.write(message(std::to_string(i)));
      sink.commit(true);
    }
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(temp.directory)) names.push_back(entry.path().filename());
    std::sort(names.begin(), names.end());
    REQUIRE(names.size() >= 5);
    for (const std::string& name : names) {
      CHECK(name.starts_with("out-"));
      CHECK(name.ends_with("Z.jsonl"));
    }
    std::string all;
    for (const std::string& name : names) all += contents(temp.directory + "/" + name);
    for (int i = 0; i < 10; ++i) {
      CHECK(all.find("\"payload\":" + std::to_string(i) + "}") != std::string::npos);
    }
    CHECK(sink.current_path() == temp.directory + "/" + names.back());
  }

  TEST_CASE("an unwritable path is named") {
    CHECK_THROWS_WITH_AS(mqtk::FileSink({"/nonexistent/dir/out.jsonl", "", {}, {}, {}},
                                        std::make_unique<mqtk::JsonLinesFormat>()),
                         "cannot open /nonexistent/dir/out.jsonl: No such file or directory", mqtk::Error);
  }
}
