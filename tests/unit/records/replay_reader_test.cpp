#include "mqtk/records/replay_reader.hpp"

#include <doctest/doctest.h>
#include <mosquitto.h>
#include <mqtt_protocol.h>

#include <fstream>
#include <string>
#include <vector>

#include "mqtk/records/record_formats.hpp"
#include "temp_dir.hpp"

namespace {

struct Sample {
  std::string topic;
  std::string payload;
  int qos;
  bool retain;
};

// Payloads of every encoding, including ones that need quoting in CSV.
const std::vector<Sample> kSamples = {
    {"sensors/1", R"({"t": 21.5, "unit": "\u00b0C"})", 1, false},
    {"sensors/2", "plain text, with \"quotes\"\nand a second line", 0, true},
    {"bin", std::string("\x00\xff\x01 binary", 9), 2, false},
    {"empty", "", 0, false},
    {"number", "42", 1, true},
};

std::string write_recording(const std::string& path, mqtk::MessageFormat& format, std::string_view header,
                            const mosquitto_property* properties = nullptr) {
  std::string text(header);
  long second = 1764000000;
  for (const Sample& s : kSamples) {
    mqtk::Message m;
    m.topic = s.topic;
    m.payload = s.payload;
    m.qos = s.qos;
    m.retain = s.retain;
    m.properties = properties;
    m.received = timespec{second++, 250000000};
    format.render(m, text);
  }
  std::ofstream(path, std::ios::binary) << text;
  return text;
}

std::vector<mqtk::ReplayRecord> read_all(const std::string& path) {
  mqtk::ReplayReader reader(path);
  std::vector<mqtk::ReplayRecord> records;
  mqtk::ReplayRecord record;
  while (reader.next(record) == mqtk::ReplayReader::Status::kRecord) records.push_back(std::move(record));
  return records;
}

void check_round_trip(const std::vector<mqtk::ReplayRecord>& records) {
  REQUIRE(records.size() == kSamples.size());
  for (std::size_t i = 0; i < records.size(); ++i) {
    CAPTURE(i);
    CHECK(records[i].topic == kSamples[i].topic);
    CHECK(records[i].payload == kSamples[i].payload);
    CHECK(records[i].qos == kSamples[i].qos);
    CHECK(records[i].retain == kSamples[i].retain);
    CHECK(records[i].time.tv_sec == 1764000000 + static_cast<long>(i));
    CHECK(records[i].time.tv_nsec == 250000000);
  }
}

// The problem reading `text` as a recording named `name`.
std::string problem_in(const test_support::TempDir& dir, const std::string& name, const std::string& text) {
  std::string path = dir.directory + "/" + name;
  std::ofstream(path, std::ios::binary) << text;
  try {
    read_all(path);
  } catch (const mqtk::MalformedRecord& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_SUITE("replay_reader") {
  TEST_CASE("raw JSON members keep their exact text") {
    std::string_view line = R"({"a":"x\"}", "payload" : {"k": [1, 2.50, "}"]} , "z":3})";
    CHECK(mqtk::raw_json_member(line, "payload") == R"({"k": [1, 2.50, "}"]})");
    CHECK(mqtk::raw_json_member(line, "z") == "3");
    CHECK(mqtk::raw_json_member(line, "a") == R"("x\"}")");
    CHECK_FALSE(mqtk::raw_json_member(line, "missing"));
    CHECK(mqtk::raw_json_member(R"({"payload":1.0e3})", "payload") == "1.0e3");
  }

  TEST_CASE("CSV records split as RFC 4180 says") {
    using Fields = std::vector<std::string>;
    CHECK(mqtk::split_csv_record("a,b,,c") == Fields{"a", "b", "", "c"});
    CHECK(mqtk::split_csv_record(R"("a,b","say ""hi""",)") == Fields{"a,b", R"(say "hi")", ""});
    CHECK(mqtk::split_csv_record("\"line 1\nline 2\",x") == Fields{"line 1\nline 2", "x"});
    CHECK_FALSE(mqtk::split_csv_record("x,\"still open"));
    CHECK_THROWS_AS(mqtk::split_csv_record("ab\"c"), mqtk::Error);
    CHECK_THROWS_AS(mqtk::split_csv_record("\"ab\"c"), mqtk::Error);
  }

  TEST_CASE("JSON lines round-trip topic, payload bytes, QoS, retain and time") {
    test_support::TempDir dir;
    mqtk::JsonLinesFormat format;
    write_recording(dir.directory + "/r.jsonl", format, "");
    check_round_trip(read_all(dir.directory + "/r.jsonl"));
  }

  TEST_CASE("CSV round-trips too, multi-line payloads included") {
    test_support::TempDir dir;
    mqtk::CsvFormat format;
    write_recording(dir.directory + "/r.csv", format, mqtk::CsvFormat::kHeader);
    check_round_trip(read_all(dir.directory + "/r.csv"));
  }

  TEST_CASE("the format is found from the first line when the name does not say") {
    test_support::TempDir dir;
    mqtk::JsonLinesFormat json;
    mqtk::CsvFormat csv;
    write_recording(dir.directory + "/json-recording", json, "");
    write_recording(dir.directory + "/csv-recording", csv, mqtk::CsvFormat::kHeader);
    check_round_trip(read_all(dir.directory + "/json-recording"));
    check_round_trip(read_all(dir.directory + "/csv-recording"));
  }

  TEST_CASE("v5 properties come back") {
    test_support::TempDir dir;
    mosquitto_property* props = nullptr;
    mosquitto_property_add_string(&props, MQTT_PROP_CONTENT_TYPE, "application/json");
    mosquitto_property_add_string_pair(&props, MQTT_PROP_USER_PROPERTY, "k", "1");
    mosquitto_property_add_string_pair(&props, MQTT_PROP_USER_PROPERTY, "k", "2");
    mosquitto_property_add_binary(&props, MQTT_PROP_CORRELATION_DATA, "\x00\x01", 2);
    mosquitto_property_add_int32(&props, MQTT_PROP_MESSAGE_EXPIRY_INTERVAL, 3600);
    for (std::string name : {"p.jsonl", "p.csv"}) {
      CAPTURE(name);
      mqtk::JsonLinesFormat json;
      mqtk::CsvFormat csv;
      std::string path = dir.directory + "/" + name;
      if (name.ends_with(".csv")) {
        write_recording(path, csv, mqtk::CsvFormat::kHeader, props);
      } else {
        write_recording(path, json, "", props);
      }
      auto records = read_all(path);
      REQUIRE(records.size() == kSamples.size());
      const mosquitto_property* read = records[0].properties.get();
      char* text = nullptr;
      REQUIRE(mosquitto_property_read_string(read, MQTT_PROP_CONTENT_TYPE, &text, false));
      CHECK(std::string(text) == "application/json");
      free(text);
      uint32_t expiry = 0;
      REQUIRE(mosquitto_property_read_int32(read, MQTT_PROP_MESSAGE_EXPIRY_INTERVAL, &expiry, false));
      CHECK(expiry == 3600);
      void* data = nullptr;
      uint16_t length = 0;
      REQUIRE(mosquitto_property_read_binary(read, MQTT_PROP_CORRELATION_DATA, &data, &length, false));
      CHECK(std::string(static_cast<char*>(data), length) == std::string("\x00\x01", 2));
      free(data);
      std::vector<std::string> values;
      char* name_out = nullptr;
      char* value = nullptr;
      for (const mosquitto_property* p = mosquitto_property_read_string_pair(read, MQTT_PROP_USER_PROPERTY, &name_out,
                                                                             &value, false);
           p; p = mosquitto_property_read_string_pair(p, MQTT_PROP_USER_PROPERTY, &name_out, &value, true)) {
        values.push_back(std::string(name_out) + "=" + value);
        free(name_out);
        free(value);
      }
      CHECK(values == std::vector<std::string>{"k=1", "k=2"});
    }
    mosquitto_property_free_all(&props);
  }

  TEST_CASE("blank lines and a missing final newline are fine") {
    test_support::TempDir dir;
    std::string path = dir.directory + "/r.jsonl";
    std::ofstream(path) << "\n"
                        << R"({"time":"2026-01-01T00:00:00Z","topic":"a","payload":"x"})" << "\n\n"
                        << R"({"time":"2026-01-01T00:00:01Z","topic":"b","payload":[1]})";
    auto records = read_all(path);
    REQUIRE(records.size() == 2);
    CHECK(records[0].payload == "x");  // a string without "encoding" is text
    CHECK(records[1].payload == "[1]");
    CHECK(records[0].qos == 0);
    CHECK_FALSE(records[0].retain);
  }

  TEST_CASE("malformed records name the file, the line and the problem") {
    test_support::TempDir dir;
    std::string good = R"({"time":"2026-01-01T00:00:00Z","topic":"a","payload":"x"})" "\n";
    CHECK(problem_in(dir, "a.jsonl", good + good + "{\"time\":\n") == dir.directory + "/a.jsonl:3: not a JSON object");
    CHECK(problem_in(dir, "b.jsonl", R"({"topic":"a","payload":1})" "\n") ==
          dir.directory + "/b.jsonl:1: \"time\" is missing or not a string");
    CHECK(problem_in(dir, "c.jsonl", R"({"time":"yesterday","topic":"a","payload":1})" "\n")
              .ends_with("c.jsonl:1: \"time\" is not an RFC 3339 time"));
    CHECK(problem_in(dir, "d.jsonl", R"({"time":"2026-01-01T00:00:00Z","topic":"a/#","payload":1})" "\n")
              .find("d.jsonl:1: ") != std::string::npos);
    CHECK(problem_in(dir, "e.jsonl", R"({"time":"2026-01-01T00:00:00Z","topic":"a","qos":3,"payload":1})" "\n")
              .ends_with("e.jsonl:1: \"qos\" must be 0, 1 or 2"));
    CHECK(problem_in(dir, "f.jsonl",
                     R"({"time":"2026-01-01T00:00:00Z","topic":"a","encoding":"base64","payload":"!!"})" "\n")
              .ends_with("f.jsonl:1: the payload is not valid base64"));
    CHECK(problem_in(dir, "g.jsonl", R"({"time":"2026-01-01T00:00:00Z","topic":"a"})" "\n")
              .ends_with("g.jsonl:1: \"payload\" is missing"));
    std::string header(mqtk::CsvFormat::kHeader);
    CHECK(problem_in(dir, "a.csv", header + "2026-01-01T00:00:00Z,a,0,0,utf-8,x,\n2026-01-01T00:00:00Z,a,0\n")
              .ends_with("a.csv:3: expected 7 fields, found 3"));
    CHECK(problem_in(dir, "b.csv", "time,topic\n").ends_with("b.csv:1: the CSV header has no \"payload\" column"));
    // A record spanning lines is reported where it starts.
    CHECK(problem_in(dir, "c.csv", header + "2026-01-01T00:00:00Z,a,0,0,utf-8,\"x\n\ny\n")
              .ends_with("c.csv:2: a quoted field is not closed before the end of the input"));
    CHECK(problem_in(dir, "d.csv", header + "2026-01-01T00:00:00Z,a,0,2,utf-8,x,\n")
              .ends_with("d.csv:2: retain must be 0 or 1"));
  }

  TEST_CASE("reading goes on after a malformed record") {
    test_support::TempDir dir;
    std::string path = dir.directory + "/r.jsonl";
    std::ofstream(path) << R"({"time":"2026-01-01T00:00:00Z","topic":"a","payload":1})" "\n"
                        << "garbage\n"
                        << R"({"time":"2026-01-01T00:00:01Z","topic":"b","payload":2})" "\n";
    mqtk::ReplayReader reader(path);
    mqtk::ReplayRecord record;
    CHECK(reader.next(record) == mqtk::ReplayReader::Status::kRecord);
    CHECK_THROWS_AS(reader.next(record), mqtk::MalformedRecord);
    REQUIRE(reader.next(record) == mqtk::ReplayReader::Status::kRecord);
    CHECK(record.topic == "b");
    CHECK(reader.next(record) == mqtk::ReplayReader::Status::kEnd);
    reader.rewind();
    REQUIRE(reader.next(record) == mqtk::ReplayReader::Status::kRecord);
    CHECK(record.topic == "a");
  }

  TEST_CASE("a file that cannot be opened is named") {
    CHECK_THROWS_WITH_AS(mqtk::ReplayReader("/nonexistent/r.jsonl"),
                         "--replay: cannot open /nonexistent/r.jsonl: No such file or directory", mqtk::Error);
  }
}
