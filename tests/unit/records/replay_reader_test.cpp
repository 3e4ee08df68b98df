#include "mqtk/records/replay_reader.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <fstream>
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <mosquitto.h>
#include <mqtt_protocol.h>

#include "allocation_counter.hpp"
#include "mqtk/base/payload_encoding.hpp"
#include "mqtk/records/record_formats.hpp"
#include "temp_dir.hpp"

// Outcomes in failure messages, each cut short.
template <>
struct doctest::StringMaker<std::vector<std::string>> {
  static doctest::String convert(const std::vector<std::string>& values) {
    std::string text = "{";
    for (const std::string& value : values) text += "\"" + value.substr(0, 160) + "\", ";
    return (text + "}").c_str();
  }
};

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
                            const mosquitto_property* properties = nullptr, mqtk::PayloadDecoding* decoding = nullptr) {
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
    if (decoding) decoding->take(m);
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

// Each record of `text` as a recording named `name`: its payload, or its
// problem after "! ".
std::vector<std::string> outcomes(const test_support::TempDir& dir, const std::string& name, const std::string& text,
                                  std::size_t max_record_bytes = mqtk::kMaxRecordBytes) {
  std::string path = dir.directory + "/" + name;
  std::ofstream(path, std::ios::binary) << text;
  mqtk::ReplayReader reader(path, max_record_bytes);
  std::vector<std::string> results;
  mqtk::ReplayRecord record;
  while (true) {
    try {
      if (reader.next(record) != mqtk::ReplayReader::Status::kRecord) break;
      results.push_back(record.payload);
    } catch (const mqtk::MalformedRecord& e) {
      std::string what = e.what();
      results.push_back("! " + what.substr(dir.directory.size() + 1));
    }
  }
  return results;
}

std::string json_record(const std::string& rest) {
  return R"({"time":"2026-01-01T00:00:00Z","topic":"a",)" + rest + "}\n";
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

  TEST_CASE("CSV records split as RFC 4180 says, line by line") {
    using Fields = std::vector<std::string>;
    mqtk::CsvRecordSplitter csv;
    REQUIRE(csv.add_line("a,b,,c"));
    CHECK(csv.fields() == Fields{"a", "b", "", "c"});
    REQUIRE(csv.add_line(R"("a,b","say ""hi""",)"));
    CHECK(csv.fields() == Fields{"a,b", R"(say "hi")", ""});
    CHECK_FALSE(csv.add_line("\"line 1"));
    CHECK(csv.in_record());
    CHECK(csv.size() == 8);
    CHECK_FALSE(csv.add_line(""));
    REQUIRE(csv.add_line("line 3\",x"));
    CHECK(csv.fields() == Fields{"line 1\n\nline 3", "x"});
    CHECK_FALSE(csv.in_record());
    CHECK_THROWS_AS(csv.add_line("ab\"c"), mqtk::Error);
    CHECK_THROWS_AS(csv.add_line("\"ab\"c"), mqtk::Error);
    CHECK_FALSE(csv.in_record());
    // A quote ending a line closes the field; a doubled one does not.
    REQUIRE(csv.add_line("\"x\""));
    CHECK(csv.fields() == Fields{"x"});
    CHECK_FALSE(csv.add_line("\"x\"\""));
    REQUIRE(csv.add_line("\""));
    CHECK(csv.fields() == Fields{"x\"\n"});
  }

  TEST_CASE("CSV: a CR before the line end is the line end's, inside quotes the field's") {
    using Fields = std::vector<std::string>;
    mqtk::CsvRecordSplitter csv;
    REQUIRE(csv.add_line("a,b\r"));
    CHECK(csv.fields() == Fields{"a", "b"});
    REQUIRE(csv.add_line("\"a\",\"b\"\r"));
    CHECK(csv.fields() == Fields{"a", "b"});
    CHECK_FALSE(csv.add_line("\"one\r"));
    REQUIRE(csv.add_line("two\r\",x\r"));
    CHECK(csv.fields() == Fields{"one\r\ntwo\r", "x"});
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

  TEST_CASE("records with decoded values (--decode) come back as the same bytes, in both formats") {
    test_support::TempDir dir;
    // hex decodes "42" and "", and fails the others: "decoded" and "decode_error" both appear.
    auto choice = std::make_shared<const mqtk::DecoderChoice>(mqtk::DecoderChoice::parse({"hex"}, {}));
    mqtk::PayloadDecoding decoding(choice, [](const std::string&) {});
    mqtk::JsonLinesFormat json(&decoding);
    std::string lines = write_recording(dir.directory + "/r.jsonl", json, "", nullptr, &decoding);
    CHECK(lines.find(R"("payload":42,"decoded":"B"})") != std::string::npos);
    CHECK(lines.find(R"("decode_error":"not hex"})") != std::string::npos);
    check_round_trip(read_all(dir.directory + "/r.jsonl"));

    mqtk::CsvFormat csv(&decoding);
    std::string rows =
        write_recording(dir.directory + "/r.csv", csv, mqtk::CsvFormat::kDecodedHeader, nullptr, &decoding);
    CHECK(rows.find(",json,42,,\"\"\"B\"\"\"\n") != std::string::npos);
    check_round_trip(read_all(dir.directory + "/r.csv"));
  }

  TEST_CASE("a decoded value holding a member named payload does not hide the record's payload") {
    test_support::TempDir dir;
    CHECK(
        outcomes(dir, "r.jsonl",
                 json_record(R"("qos":0,"retain":false,"encoding":"utf-8","payload":"x","decoded":{"payload":"y"})")) ==
        std::vector<std::string>{"x"});
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
      for (const mosquitto_property* p =
               mosquitto_property_read_string_pair(read, MQTT_PROP_USER_PROPERTY, &name_out, &value, false);
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
                        << R"({"time":"2026-01-01T00:00:00Z","topic":"a","payload":"x"})"
                        << "\n\n"
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
    std::string good = R"({"time":"2026-01-01T00:00:00Z","topic":"a","payload":"x"})"
                       "\n";
    CHECK(problem_in(dir, "a.jsonl", good + good + "{\"time\":\n") == dir.directory + "/a.jsonl:3: not a JSON object");
    CHECK(problem_in(dir, "b.jsonl",
                     R"({"topic":"a","payload":1})"
                     "\n") == dir.directory + "/b.jsonl:1: \"time\" is missing or not a string");
    CHECK(problem_in(dir, "c.jsonl",
                     R"({"time":"yesterday","topic":"a","payload":1})"
                     "\n")
              .ends_with("c.jsonl:1: \"time\" is not an RFC 3339 time"));
    CHECK(problem_in(dir, "d.jsonl",
                     R"({"time":"2026-01-01T00:00:00Z","topic":"a/#","payload":1})"
                     "\n")
              .find("d.jsonl:1: ") != std::string::npos);
    CHECK(problem_in(dir, "e.jsonl",
                     R"({"time":"2026-01-01T00:00:00Z","topic":"a","qos":3,"payload":1})"
                     "\n")
              .ends_with("e.jsonl:1: \"qos\" must be 0, 1 or 2"));
    CHECK(problem_in(dir, "f.jsonl",
                     R"({"time":"2026-01-01T00:00:00Z","topic":"a","encoding":"base64","payload":"!!"})"
                     "\n")
              .ends_with("f.jsonl:1: the payload is not valid base64"));
    CHECK(problem_in(dir, "g.jsonl",
                     R"({"time":"2026-01-01T00:00:00Z","topic":"a"})"
                     "\n")
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
    std::ofstream(path) << R"({"time":"2026-01-01T00:00:00Z","topic":"a","payload":1})"
                           "\n"
                        << "garbage\n"
                        << R"({"time":"2026-01-01T00:00:01Z","topic":"b","payload":2})"
                           "\n";
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

  TEST_CASE("a CSV record of many lines is read in linear work") {
    // Each line used to be joined to the ones before and the whole split
    // again: 10,000 lines of 10 bytes cost half a gigabyte of copies.
    test_support::TempDir dir;
    std::string lines;
    for (int i = 0; i < 10000; ++i) lines += "line " + std::to_string(10000 + i) + "\n";
    lines.pop_back();
    std::string text = std::string(mqtk::CsvFormat::kHeader) + "2026-01-01T00:00:00Z,a,0,0,utf-8,\"" + lines + "\",\n";
    std::size_t before = test_support::allocated_bytes();
    CHECK(outcomes(dir, "long.csv", text) == std::vector<std::string>{lines});
    CHECK(test_support::allocated_bytes() - before < 10 * text.size());
    // Left open, it is an error at the end, found in linear work too.
    before = test_support::allocated_bytes();
    CHECK(outcomes(dir, "open.csv", text.substr(0, text.size() - 3)) ==
          std::vector<std::string>{"! open.csv:2: a quoted field is not closed before the end of the input"});
    CHECK(test_support::allocated_bytes() - before < 10 * text.size());
  }

  TEST_CASE("a record past the bound is an error naming where it starts; reading goes on after it") {
    test_support::TempDir dir;
    std::string small = json_record(R"("payload":"ok")");
    std::string big = json_record(R"("payload":")" + std::string(300, 'x') + "\"");
    using Results = std::vector<std::string>;
    const std::string past = "the record is longer than ";
    const std::string bytes = " bytes, more than a record of any MQTT message takes";
    CHECK(outcomes(dir, "a.jsonl", small + big + small, 200) ==
          Results{"ok", "! a.jsonl:2: " + past + "200" + bytes, "ok"});
    // A line longer than what one read brings, and one without its end.
    std::string huge = json_record(R"("payload":")" + std::string(200000, 'x') + "\"");
    CHECK(outcomes(dir, "b.jsonl", small + huge + small + huge.substr(0, 150000), 100000) ==
          Results{"ok", "! b.jsonl:2: " + past + "100000" + bytes, "ok", "! b.jsonl:4: " + past + "100000" + bytes});
    CHECK(outcomes(dir, "c.jsonl", small + huge + small, 1 << 20).size() == 3);
    // In CSV the bound is on the whole record, however many lines it spans.
    std::string header(mqtk::CsvFormat::kHeader);
    std::string row = "2026-01-01T00:00:00Z,a,0,0,utf-8,ok,\n";
    std::string open = "2026-01-01T00:00:00Z,a,0,0,utf-8,\"open";
    for (int i = 0; i < 100; ++i) open += "\n" + std::string(10, 'x');
    // Reading goes on at the line after the one that passed the bound.
    Results results = outcomes(dir, "d.csv", header + row + open + "\n" + row, 500);
    REQUIRE(results.size() == 60);
    CHECK(results[0] == "ok");
    CHECK(results[1] ==
          "! d.csv:3: the record is longer than 500 bytes, more than a record of any MQTT message takes "
          "(is a quoted field left open?)");
    CHECK(results[2] == "! d.csv:47: expected 7 fields, found 1");
    CHECK(results[59] == "ok");
    // The bound lets through a record of the largest MQTT message, escaped.
    CHECK(mqtk::kMaxRecordBytes > 3 * std::size_t{268435455});
  }

  TEST_CASE("nesting costs nothing: deep payloads come back exactly, deep junk is an error") {
    test_support::TempDir dir;
    std::string deep = std::string(100000, '[') + std::string(100000, ']');
    std::string deep_object;
    for (int i = 0; i < 100000; ++i) deep_object += R"({"k":)";
    deep_object += "1" + std::string(100000, '}');
    using Results = std::vector<std::string>;
    CHECK(outcomes(dir, "a.jsonl",
                   json_record(R"("encoding":"json","payload":)" + deep) +
                       json_record(R"("payload":)" + deep_object)) == Results{deep, deep_object});
    // Unclosed, or deep where no property goes: errors, never a crash.
    CHECK(outcomes(dir, "b.jsonl", json_record(R"("payload":)" + std::string(200000, '['))) ==
          Results{"! b.jsonl:1: not a JSON object"});
    CHECK(outcomes(dir, "c.jsonl", json_record(R"("properties":{"user-properties":)" + deep + R"(},"payload":1)")) ==
          Results{"! c.jsonl:1: property user-properties must be an array of [name, value] pairs"});
    CHECK(outcomes(dir, "d.jsonl", json_record(R"("properties":{"content-type":)" + deep + R"(},"payload":1)")) ==
          Results{"! d.jsonl:1: property content-type must be a string"});
    // Members replay does not read are skipped, however deep.
    CHECK(outcomes(dir, "e.jsonl",
                   json_record(R"("extra":)" + deep + R"(,"properties":{"other":)" + deep_object +
                               R"(},"payload":"x")")) == Results{"x"});
    std::string header(mqtk::CsvFormat::kHeader);
    CHECK(outcomes(dir, "f.csv",
                   header + "2026-01-01T00:00:00Z,a,0,0,utf-8,x,\"{\"\"user-properties\"\":" + deep + "}\"\n") ==
          Results{"! f.csv:2: property user-properties must be an array of [name, value] pairs"});
  }

  TEST_CASE("a JSON record is read as the parser sees it") {
    test_support::TempDir dir;
    using Results = std::vector<std::string>;
    // A key written with escapes is the same key; the payload's text is still found.
    CHECK(outcomes(dir, "a.jsonl", json_record(R"("encoding":"json","payload": [1, 2])")) == Results{"[1, 2]"});
    // A byte order mark at the start of the file (as some editors write).
    CHECK(outcomes(dir, "b", "\xEF\xBB\xBF" + json_record(R"("payload":{"a":1})")) == Results{R"({"a":1})"});
    // A member given twice would be ambiguous.
    CHECK(outcomes(dir, "c.jsonl", json_record(R"("payload":1,"payload":2)")) ==
          Results{"! c.jsonl:1: \"payload\" is given twice"});
    CHECK(outcomes(dir, "d.jsonl", json_record(R"("encoding":5,"payload":"x")")) ==
          Results{"! d.jsonl:1: \"encoding\" must be a string"});
    CHECK(outcomes(dir, "e.jsonl", "[1]\n\"text\"\n" + json_record(R"("payload":"ok")")) ==
          Results{"! e.jsonl:1: not a JSON object", "! e.jsonl:2: not a JSON object", "ok"});
  }

  TEST_CASE("recorded properties MQTT cannot carry are refused by name") {
    test_support::TempDir dir;
    using Results = std::vector<std::string>;
    std::string long_value(65536, 'v');
    CHECK(outcomes(
              dir, "a.jsonl",
              json_record(R"("properties":{"user-properties":[["k","v"],["k",")" + long_value + R"("]]},"payload":1)") +
                  json_record(R"("properties":{"user-properties":[[")" + long_value + R"(","v"]]},"payload":1)") +
                  json_record(R"("properties":{"content-type":")" + long_value + R"("},"payload":1)") +
                  json_record(R"("properties":{"content-type":"a\u0000b"},"payload":1)") +
                  json_record(R"("properties":{"response-topic":"\u001b[2J"},"payload":1)") +
                  json_record(R"("properties":{"content-type":"a","content-type":"b"},"payload":1)") +
                  json_record(R"("properties":{"correlation-data":"!"},"payload":1)") +
                  json_record(R"("properties":{"user-properties":[["k",")" + std::string(65535, 'v') +
                              R"("]]},"payload":"fits")")) ==
          Results{"! a.jsonl:1: property user-properties: pair 2's value is 65536 bytes long; MQTT allows at most "
                  "65535",
                  "! a.jsonl:2: property user-properties: pair 1's name is 65536 bytes long; MQTT allows at most 65535",
                  "! a.jsonl:3: property content-type is 65536 bytes long; MQTT allows at most 65535",
                  "! a.jsonl:4: property content-type contains a NUL character (U+0000)",
                  "! a.jsonl:5: property response-topic contains a control character (U+001B)",
                  "! a.jsonl:6: property content-type appears twice",
                  "! a.jsonl:7: property correlation-data is not valid base64", "fits"});
    std::string header(mqtk::CsvFormat::kHeader);
    std::string correlation;
    mqtk::append_base64(correlation, std::string(65536, 'c'));
    CHECK(outcomes(dir, "b.csv",
                   header + "2026-01-01T00:00:00Z,a,0,0,utf-8,x,\"{\"\"correlation-data\"\":\"\"" + correlation +
                       "\"\"}\"\n") ==
          Results{"! b.csv:2: property correlation-data is 65536 bytes long; MQTT allows at most 65535"});
  }

  TEST_CASE("line protocol is named, not read as CSV") {
    test_support::TempDir dir;
    std::string point = "sensors/1,topic=sensors/1 t=21.5 1764000000000000000\n";
    const std::string cannot =
        "InfluxDB line protocol cannot be replayed (it keeps neither the exact payload nor QoS "
        "and retain); record .jsonl or .csv as well";
    std::ofstream(dir.directory + "/rec.lp") << point;
    CHECK_THROWS_WITH_AS(mqtk::ReplayReader(dir.directory + "/rec.lp"),
                         ("--replay: " + dir.directory + "/rec.lp: " + cannot).c_str(), mqtk::Error);
    // Whatever the name says, at the first line, and not as a malformed
    // record that --skip-bad would skip line by line.
    for (std::string name : {"rec", "rec.csv", "rec.jsonl"}) {
      CAPTURE(name);
      CHECK_THROWS_WITH_AS(outcomes(dir, name, "\n" + point + point),
                           (dir.directory + "/" + name + ":2: " + cannot).c_str(), mqtk::Error);
    }
    CHECK(mqtk::looks_like_line_protocol(R"(m,tag=a\ b f="x y",g=1i -5)"));
    CHECK_FALSE(mqtk::looks_like_line_protocol("time,topic,payload"));
    CHECK_FALSE(mqtk::looks_like_line_protocol("2026-01-01T00:00:00Z,a,0,0,utf-8,a b=1 2,"));
    CHECK_FALSE(mqtk::looks_like_line_protocol("time topic 5"));
    CHECK_FALSE(mqtk::looks_like_line_protocol(R"({"a b": "c=d 5"} 5)"));
  }

  TEST_CASE("CSV keeps a CR inside a quoted field: payloads with CRLF come back exactly") {
    test_support::TempDir dir;
    mqtk::CsvFormat csv;
    std::string text(mqtk::CsvFormat::kHeader);
    for (std::string payload : {"dos\r\nlines\r\n", "cr\r", "\r"}) {
      mqtk::Message m;
      m.topic = "t";
      m.payload = payload;
      m.received = timespec{1764000000, 0};
      csv.render(m, text);
    }
    CHECK(outcomes(dir, "crlf.csv", text) == std::vector<std::string>{"dos\r\nlines\r\n", "cr\r", "\r"});
  }

  TEST_CASE("the reader closes the file it opened, and never standard input") {
    test_support::TempDir dir;
    std::ofstream(dir.directory + "/rec.jsonl") << "";
    int file = -1;
    {
      mqtk::ReplayReader reader(dir.directory + "/rec.jsonl");
      file = reader.fd();
      CHECK(fcntl(file, F_GETFD) != -1);
    }
    CHECK(fcntl(file, F_GETFD) == -1);
    bool input_open = fcntl(STDIN_FILENO, F_GETFD) != -1;  // a test runner may give none
    { mqtk::ReplayReader reader("-"); }
    CHECK((fcntl(STDIN_FILENO, F_GETFD) != -1) == input_open);
  }

  TEST_CASE("a file that cannot be opened is named") {
    CHECK_THROWS_WITH_AS(mqtk::ReplayReader("/nonexistent/r.jsonl"),
                         "--replay: cannot open /nonexistent/r.jsonl: No such file or directory", mqtk::Error);
  }
}
