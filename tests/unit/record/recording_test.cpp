#include "mqtk/record/recording.hpp"

#include <fstream>
#include <map>
#include <string>

#include <doctest/doctest.h>

#include "client/captured_stderr.hpp"
#include "mqtk/base/error.hpp"
#include "record/memory_marks.hpp"
#include "temp_dir.hpp"
#include "test_message.hpp"

namespace {

using test_support::message;

std::string contents(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
}

using Marks = test_support::MemoryMarks;

// A recording into files of `dir` named `names`, with --jq `expression` (none when empty).
struct Files {
  Files(const std::string& dir, std::vector<std::string> names, const std::string& expression,
        std::vector<std::string> decode = {}) {
    for (const std::string& name : names) {
      options.outputs.push_back({dir + "/" + name, mqtk::format_for(name, std::nullopt)});
    }
    if (!expression.empty()) options.jq = std::make_shared<mqtk::JqProgram>(mqtk::JqProgram::compile(expression));
    if (!decode.empty()) {
      options.decoders = std::make_shared<const mqtk::DecoderChoice>(mqtk::DecoderChoice::parse(decode, {}));
    }
    options.durability = mqtk::parse_durability("never");
  }
  mqtk::RecordingOptions options;
  mqtk::Reporter reporter{"test"};
  Marks marks;
};

}  // namespace

TEST_SUITE("recording") {
  TEST_CASE("formats from extensions, else --format") {
    using mqtk::RecordFormat;
    CHECK(mqtk::format_for("a.jsonl", RecordFormat::kCsv) == RecordFormat::kJsonLines);
    CHECK(mqtk::format_for("a.csv", std::nullopt) == RecordFormat::kCsv);
    CHECK(mqtk::format_for("a.lp", std::nullopt) == RecordFormat::kLineProtocol);
    CHECK(mqtk::format_for("a.data", RecordFormat::kCsv) == RecordFormat::kCsv);
    CHECK(mqtk::format_for("-", std::nullopt) == RecordFormat::kJsonLines);
    CHECK(mqtk::parse_record_format("lp") == RecordFormat::kLineProtocol);
    CHECK_THROWS_AS(mqtk::parse_record_format("xml"), mqtk::UsageError);
  }

  TEST_CASE("--jq: no output, not recorded but counted; outputs beside the bytes, a point each") {
    test_support::TempDir dir;
    Files files(dir.directory, {"r.jsonl", "r.csv", "r.lp"}, "select(.payload.t > 20) | .payload.t, {x: 1}");
    {
      mqtk::Recording recording(files.options, files.reporter, &files.marks);
      CHECK_FALSE(recording.write(message("s/1", R"({"t":20})")));
      CHECK(recording.write(message("s/2", R"({"t":21.5})")));
      recording.commit(true);
      CHECK(recording.status(2, 0).find(" · left out 1") != std::string::npos);
      auto summary = recording.summary(2);
      CHECK(std::find(summary.begin(), summary.end(),
                      "--jq left out 1 message (no output; acknowledged, not recorded)") != summary.end());
      CHECK_FALSE(recording.ended());
      recording.begin_finish(std::chrono::milliseconds(0));
    }
    CHECK(contents(dir.directory + "/r.jsonl") ==
          R"({"time":"2020-05-06T21:48:00.123456789Z","topic":"s/2","qos":1,"retain":false,"encoding":"json",)"
          R"("payload":{"t":21.5},"jq":[21.5,{"x":1}]})"
          "\n");
    CHECK(contents(dir.directory + "/r.csv") ==
          "time,topic,qos,retain,encoding,payload,properties,jq\n"
          "2020-05-06T21:48:00.123456789Z,s/2,1,0,json,\"{\"\"t\"\":21.5}\",,\"[21.5,{\"\"x\"\":1}]\"\n");
    CHECK(contents(dir.directory + "/r.lp") ==
          "s/2 value=21.5 1588801680123456789\n"
          "s/2 x=1 1588801680123456790\n");  // one point per output, never at the same time
  }

  TEST_CASE("--jq: a failure is warned about and counted; a halt ends the run after the message") {
    test_support::TempDir dir;
    Files files(dir.directory, {"r.jsonl"},
                R"(if .payload == "stop" then ("bye" | halt_error(3)) else .payload + 1 end)");
    mqtk::Recording recording(files.options, files.reporter, &files.marks);
    test_support::CapturedStderr errors;
    CHECK(recording.write(message("s/1", "1")));
    CHECK_FALSE(recording.write(message("s/1", R"("text")")));  // string + number: jq's error
    CHECK(recording.status(2, 0).find(" · jq failed 1") != std::string::npos);
    CHECK(errors.text() == "test: warning: s/1: jq: error: string (\"text\") and number (1) cannot be added\n");
    CHECK_FALSE(recording.write(message("s/1", R"("stop")")));
    REQUIRE(recording.ended());
    CHECK(recording.ended()->exit_status == 3);
    CHECK(recording.ended()->message == "bye");
    recording.commit(true);
  }

  TEST_CASE("a file recorded with other --decode/--jq flags is refused, naming the file, and left as it was") {
    test_support::TempDir dir;
    {
      Files plain(dir.directory, {"r.jsonl", "r.csv"}, "");
      mqtk::Recording recording(plain.options, plain.reporter, &plain.marks);
      recording.write(message("h/1", "6869"));
      recording.commit(true);
    }
    std::string before = contents(dir.directory + "/r.jsonl");
    // (No structured bindings: clang 14, the sanitizer build, cannot capture them in CAPTURE's lambda.)
    struct Again {
      std::string name;
      std::string expression;
      std::vector<std::string> decode;
    };
    for (const Again& again : {Again{"r.jsonl", ".", {}}, Again{"r.csv", "", {"hex"}}}) {
      CAPTURE(again.name);
      Files files(dir.directory, {again.name}, again.expression, again.decode);
      try {
        mqtk::Recording recording(files.options, files.reporter, &files.marks);
        FAIL("not refused");
      } catch (const mqtk::Error& e) {
        CHECK(std::string(e.what()).starts_with(dir.directory + "/" + again.name +
                                                ": recorded with neither --decode nor --jq"));
      }
    }
    CHECK(contents(dir.directory + "/r.jsonl") == before);
    // The same flags continue it.
    Files same(dir.directory, {"r.jsonl", "r.csv"}, "");
    CHECK_NOTHROW(mqtk::Recording(same.options, same.reporter, &same.marks));
  }
}
