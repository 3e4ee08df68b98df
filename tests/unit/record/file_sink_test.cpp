#include "mqtk/record/file_sink.hpp"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "mqtk/base/error.hpp"
#include "mqtk/records/record_formats.hpp"
#include "record/memory_marks.hpp"
#include "temp_dir.hpp"

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

using test_support::TempDir;

std::string contents(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
}

mqtk::Message message(std::string_view payload) {
  mqtk::Message m;
  m.topic = "t";
  m.payload = payload;
  m.received = {1600000000, 0};
  return m;
}

using Marks = test_support::MemoryMarks;

mqtk::FileSinkOptions options(const std::string& path) {
  mqtk::FileSinkOptions options;
  options.path = path;
  return options;
}

const std::string kRecord1 =
    "{\"time\":\"2020-09-13T12:26:40.000000000Z\",\"topic\":\"t\",\"qos\":0,\"retain\":false,\"encoding\":\"json\","
    "\"payload\":1}\n";

}  // namespace

TEST_SUITE("file_sink") {
  TEST_CASE("records reach the file at commit, after any earlier content") {
    TempDir temp;
    Marks marks;
    std::string path = temp.directory + "/out.jsonl";
    std::ofstream(path) << "{\"old\":1}\n";
    mqtk::FileSink sink(options(path), std::make_unique<mqtk::JsonLinesFormat>(), marks);
    sink.write(message("1"));
    CHECK(sink.uncommitted() > 0);
    CHECK(contents(path) == "{\"old\":1}\n");
    sink.commit(true);
    CHECK(sink.uncommitted() == 0);
    CHECK(sink.records_written() == 1);
    CHECK(contents(path) == "{\"old\":1}\n" + kRecord1);
  }

  TEST_CASE("refuse_existing is asked of a file that holds records, not of a new or a rotated one") {
    TempDir temp;
    Marks marks;
    std::string path = temp.directory + "/out.jsonl";
    std::vector<std::uint64_t> asked;  // the sizes it was asked with
    mqtk::FileSinkOptions refusing = options(path);
    refusing.refuse_existing = [&asked](int, std::uint64_t size) -> std::optional<std::string> {
      asked.push_back(size);
      return "other columns";
    };
    {
      mqtk::FileSink sink(refusing, std::make_unique<mqtk::JsonLinesFormat>(), marks);  // a new, empty file
      sink.write(message("1"));
      sink.commit(true);
    }
    CHECK(asked.empty());
    CHECK_THROWS_WITH_AS(mqtk::FileSink(refusing, std::make_unique<mqtk::JsonLinesFormat>(), marks),
                         (path + ": other columns").c_str(), mqtk::Error);
    CHECK(asked == std::vector<std::uint64_t>{kRecord1.size()});
    CHECK(contents(path) == kRecord1);
    refusing.rotate_bytes = 1 << 20;  // rotated files are new files
    CHECK_NOTHROW(mqtk::FileSink(refusing, std::make_unique<mqtk::JsonLinesFormat>(), marks));
    CHECK(asked.size() == 1);
  }

  TEST_CASE("a file that ends inside a line somebody else wrote is refused, not cut") {
    TempDir temp;
    Marks marks;
    std::string path = temp.directory + "/out.jsonl";
    std::ofstream(path) << "{\"old\":1}\nno line end";
    CHECK_THROWS_WITH_AS(mqtk::FileSink(options(path), std::make_unique<mqtk::JsonLinesFormat>(), marks),
                         (path + " ends inside a line that mqtk-record did not write (another program wrote or "
                                 "changed the file since); move it away, or end it with a newline")
                             .c_str(),
                         mqtk::Error);
    CHECK(contents(path) == "{\"old\":1}\nno line end");
  }

  TEST_CASE("after a crash, the recorder's own torn record is cut off") {
    TempDir temp;
    Marks marks;
    std::string path = temp.directory + "/out.jsonl";
    std::ofstream(path) << "{\"old\":1}\n";
    // A run that dies in the middle of its next write: what its state holds
    // is the mark of a file still open (its clean close never happens).
    std::map<std::string, mqtk::FileMark> at_crash;
    {
      mqtk::FileSink crashed(options(path), std::make_unique<mqtk::JsonLinesFormat>(), marks);
      crashed.write(message("1"));
      crashed.commit(true);
      at_crash = marks.marks;
    }
    CHECK(at_crash[path].open);
    marks.marks = at_crash;
    std::ofstream(path, std::ios::app) << "{\"time\":\"2020-09-13T12:26:40.000";
    mqtk::FileSink again(options(path), std::make_unique<mqtk::JsonLinesFormat>(), marks);
    CHECK(contents(path) == "{\"old\":1}\n" + kRecord1);
  }

  TEST_CASE("a rotated file that a crash left without a whole record is removed, not finished") {
    TempDir temp;
    Marks marks;
    mqtk::FileSinkOptions o = options(temp.directory + "/out.jsonl");
    o.rotate_bytes = 1000;
    std::map<std::string, mqtk::FileMark> at_crash;
    std::string started;
    {
      mqtk::FileSink crashed(o, std::make_unique<mqtk::JsonLinesFormat>(), marks);
      crashed.write(message("1"));
      crashed.commit(true);
      started = crashed.current_path();
      at_crash = marks.marks;
    }
    REQUIRE(at_crash[o.path].open);
    // Killed in its first write: part of the record reached the file.
    std::ofstream(started, std::ios::trunc) << "{\"time\":\"2020-09-13T12:26:40.000";
    marks.marks = at_crash;
    mqtk::FileSink::finish_crashed_file(o, marks);
    CHECK(fs::is_empty(temp.directory));
    CHECK_FALSE(marks.marks[o.path].open);
  }

  TEST_CASE("a file closed cleanly is the recorder's up to where it ended") {
    TempDir temp;
    Marks marks;
    std::string path = temp.directory + "/out.csv";
    auto csv = [&] {
      mqtk::FileSinkOptions o = options(path);
      o.header = "h\n";
      o.last_boundary = mqtk::csv_last_record_end;
      return o;
    };
    {
      mqtk::FileSink sink(csv(), std::make_unique<mqtk::CsvFormat>(), marks);
      sink.write(message("1"));
      sink.commit(true);
    }
    CHECK_FALSE(marks.marks[path].open);
    CHECK(marks.marks[path].size == contents(path).size());
    mqtk::FileSink again(csv(), std::make_unique<mqtk::CsvFormat>(), marks);
    again.write(message("2"));
    again.commit(true);
    std::string text = contents(path);
    CHECK(text.starts_with("h\n"));
    CHECK(text.find("h\n", 1) == std::string::npos);  // a header only in a new file
    CHECK(text.ends_with(",2,\n"));
  }

  TEST_CASE("CSV: a torn record with newlines inside its quotes is cut whole") {
    TempDir temp;
    std::string path = temp.directory + "/out.csv";
    std::string whole = "h\n2020,t,0,0,utf-8,\"a\nb\",\n";
    std::ofstream(path) << whole << "2020,t,0,0,utf-8,\"c\nd\n";  // ends with \n, inside quotes
    mqtk::AppendLog log(path, {});
    log.repair(2, mqtk::csv_last_record_end);
    CHECK(contents(path) == whole);
  }

  TEST_CASE("rotation by size makes timestamped files in order, and no empty file") {
    TempDir temp;
    Marks marks;
    std::string path = temp.directory + "/out.jsonl";
    mqtk::FileSinkOptions o = options(path);
    o.rotate_bytes = 200;
    {
      mqtk::FileSink idle(o, std::make_unique<mqtk::JsonLinesFormat>(), marks);
      idle.commit(true);
    }
    CHECK(fs::is_empty(temp.directory));  // nothing recorded, nothing made
    mqtk::FileSink sink(o, std::make_unique<mqtk::JsonLinesFormat>(), marks);
    for (int i = 0; i < 10; ++i) {
      sink.write(message(std::to_string(i)));
      sink.commit(true);
    }
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(temp.directory)) names.push_back(entry.path().filename());
    std::sort(names.begin(), names.end());
    REQUIRE(names.size() == 5);  // rotated once past 200 bytes: two records of about 130 each
    std::string all;
    for (const std::string& name : names) {
      CHECK(name.starts_with("out-"));
      CHECK(name.ends_with("Z.jsonl"));
      all += contents(temp.directory + "/" + name);
    }
    for (int i = 0; i < 10; ++i) CHECK(all.find("\"payload\":" + std::to_string(i) + "}") != std::string::npos);
    CHECK(sink.written().size() == 5);
    CHECK(sink.written().back().path == temp.directory + "/" + names.back());
  }

  TEST_CASE("a rotated name is not taken again while a compressed copy of it is there (a clock set back)") {
    TempDir temp;
    Marks marks;
    mqtk::FileSinkOptions o = options(temp.directory + "/out.jsonl");
    o.rotate_bytes = 1000;
    // An earlier run's file, finished and compressed, named for the very
    // microsecond of the next record: 2020-09-13T12:26:40Z.
    std::ofstream(temp.directory + "/out-20200913T122640.000000Z.jsonl.gz") << "earlier";
    std::ofstream(temp.directory + "/out-20200913T122640.000001Z.jsonl.zst") << "earlier";
    {
      mqtk::FileSink sink(o, std::make_unique<mqtk::JsonLinesFormat>(), marks);
      sink.write(message("1"));
      sink.commit(true);
    }
    CHECK(contents(temp.directory + "/out-20200913T122640.000000Z.jsonl.gz") == "earlier");
    CHECK(contents(temp.directory + "/out-20200913T122640.000001Z.jsonl.zst") == "earlier");
    CHECK(contents(temp.directory + "/out-20200913T122640.000002Z.jsonl") == kRecord1);
  }

  TEST_CASE("rotation goes by each record's receive time, not by when the commit comes") {
    TempDir temp;
    Marks marks;
    mqtk::FileSinkOptions o = options(temp.directory + "/out.jsonl");
    o.rotate_every = 1h;
    o.rotate_clock = mqtk::RotationClock::kUtc;
    mqtk::FileSink sink(o, std::make_unique<mqtk::JsonLinesFormat>(), marks);
    auto at = [](std::string_view payload, time_t seconds, long nanoseconds) {
      mqtk::Message m = message(payload);
      m.received = {seconds, nanoseconds};
      return m;
    };
    // 2020-09-13T12:59:59.9Z and 13:00:00.1Z, committed together; then a
    // record stamped before both (a clock set back) in the same hour.
    sink.write(at("1", 1600001999, 900000000));
    sink.write(at("2", 1600002000, 100000000));
    sink.write(at("3", 1600001000, 0));
    sink.commit(true);
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(temp.directory)) names.push_back(entry.path().filename());
    std::sort(names.begin(), names.end());
    REQUIRE(names ==
            std::vector<std::string>{"out-20200913T125959.900000Z.jsonl", "out-20200913T130000.100000Z.jsonl"});
    std::string before = contents(temp.directory + "/" + names[0]);
    std::string after = contents(temp.directory + "/" + names[1]);
    CHECK(before.find("\"payload\":1}") != std::string::npos);
    CHECK(std::count(before.begin(), before.end(), '\n') == 1);
    CHECK(after.find("\"payload\":2}\n") < after.find("\"payload\":3}\n"));
    CHECK(std::count(after.begin(), after.end(), '\n') == 2);
  }

  TEST_CASE("clock boundaries") {
    using namespace std::chrono;
    auto at = [](long long seconds) { return system_clock::time_point(std::chrono::seconds(seconds)); };
    // 2020-09-13T12:26:40Z
    CHECK(mqtk::next_clock_boundary(at(1600000000), 1h, mqtk::RotationClock::kUtc) == at(1600002000));
    CHECK(mqtk::next_clock_boundary(at(1600000000), 24h, mqtk::RotationClock::kUtc) == at(1600041600));
    CHECK(mqtk::next_clock_boundary(at(1600000000), 15min, mqtk::RotationClock::kUtc) == at(1600000200));
    CHECK(mqtk::next_clock_boundary(at(1600002000), 1h, mqtk::RotationClock::kUtc) == at(1600005600));  // not now
    setenv("TZ", "Asia/Kolkata", 1);                                                                    // UTC+05:30
    tzset();
    CHECK(mqtk::next_clock_boundary(at(1600000000), 24h, mqtk::RotationClock::kLocal) == at(1600021800));
    CHECK(mqtk::next_clock_boundary(at(1600000000), 1h, mqtk::RotationClock::kLocal) == at(1600000200));
    unsetenv("TZ");
    tzset();
  }

  TEST_CASE("a symbolic link at the output is refused") {
    TempDir temp;
    Marks marks;
    std::string target = temp.directory + "/precious";
    std::ofstream(target) << "keep\n";
    fs::create_symlink(target, temp.directory + "/out.jsonl");
    CHECK_THROWS_WITH_AS(
        mqtk::FileSink(options(temp.directory + "/out.jsonl"), std::make_unique<mqtk::JsonLinesFormat>(), marks),
        ("cannot open " + temp.directory +
         "/out.jsonl: it is a symbolic link, and links are not followed; give the file itself, or --follow-symlinks")
            .c_str(),
        mqtk::Error);
    CHECK(contents(target) == "keep\n");
  }

  TEST_CASE("an unwritable path is named") {
    Marks marks;
    CHECK_THROWS_WITH_AS(
        mqtk::FileSink(options("/nonexistent/dir/out.jsonl"), std::make_unique<mqtk::JsonLinesFormat>(), marks),
        "cannot open /nonexistent/dir/out.jsonl: No such file or directory", mqtk::Error);
  }

  TEST_CASE("a large payload goes straight into the file, as it would have been rendered") {
    TempDir temp;
    Marks marks;
    std::string path = temp.directory + "/big.jsonl";
    std::string payload(mqtk::kFramedPayloadBytes + 3, 'x');
    payload[5] = '\n';  // text: escaped piece by piece
    mqtk::Message small = message("1");
    mqtk::Message big = message(payload);
    std::string expected;
    mqtk::JsonLinesFormat reference;
    reference.render(small, expected);
    reference.render(big, expected);
    mqtk::FileSink sink(options(path), std::make_unique<mqtk::JsonLinesFormat>(), marks);
    sink.write(small);
    sink.write(big);  // written at once, after the small one
    CHECK(sink.uncommitted() == 0);
    sink.commit(true);
    CHECK(sink.records_written() == 2);
    CHECK(contents(path) == expected);
  }
}
