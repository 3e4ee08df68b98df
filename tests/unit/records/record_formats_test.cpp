#include "mqtk/records/record_formats.hpp"

#include <nlohmann/json.hpp>
#include <string>

#include <doctest/doctest.h>
#include <mosquitto.h>
#include <mqtt_protocol.h>

#include "test_message.hpp"

namespace {

using test_support::message;

std::string json_line(const mqtk::Message& m) {
  std::string out;
  mqtk::JsonLinesFormat().render(m, out);
  return out;
}

std::string csv_line(const mqtk::Message& m) {
  std::string out;
  mqtk::CsvFormat().render(m, out);
  return out;
}

// A record format with --decode values, rendering each message as a
// recording does: decoded first.
template <class Format>
struct Decoding {
  explicit Decoding(const std::vector<std::string>& flags)
      : decoding(std::make_shared<const mqtk::DecoderChoice>(mqtk::DecoderChoice::parse(flags, {})),
                 [](const std::string&) {}),
        format(&decoding) {}
  std::string render(const mqtk::Message& m) {
    decoding.take(m);
    std::string out;
    format.render(m, out);
    return out;
  }
  mqtk::PayloadDecoding decoding;
  Format format;
};

}  // namespace

TEST_SUITE("record_formats") {
  TEST_CASE("JSON lines: payload verbatim when it is JSON") {
    CHECK(json_line(message("test", R"({"name": "zzerii"})")) ==
          R"({"time":"2020-05-06T21:48:00.123456789Z","topic":"test","qos":1,"retain":false,"encoding":"json",)"
          R"("payload":{"name": "zzerii"}})"
          "\n");
  }

  TEST_CASE("JSON lines: text and binary") {
    CHECK(json_line(message("t", "36.5\u2103 \"ok\"\n")) ==
          "{\"time\":\"2020-05-06T21:48:00.123456789Z\",\"topic\":\"t\",\"qos\":1,\"retain\":false,"
          "\"encoding\":\"utf-8\",\"payload\":\"36.5\u2103 \\\"ok\\\"\\n\"}\n");
    auto binary = nlohmann::json::parse(json_line(message("t", std::string_view("\x00\xff", 2))));
    CHECK(binary["encoding"] == "base64");
    CHECK(binary["payload"] == "AP8=");
  }

  TEST_CASE("JSON lines and CSV stay valid, and exact, for a payload with a byte order mark") {
    std::string payload = "\xEF\xBB\xBF{\"t\": 21.5}";
    auto line = nlohmann::json::parse(json_line(message("t", payload)));  // throws if the line is not JSON
    CHECK(line["encoding"] == "utf-8");
    CHECK(line["payload"] == payload);
    CHECK(csv_line(message("t", payload)).ends_with(",utf-8,\"\xEF\xBB\xBF{\"\"t\"\": 21.5}\",\n"));
    auto spaced = nlohmann::json::parse(json_line(message("t", " 42 ")));
    CHECK(spaced["payload"] == " 42 ");
  }

  TEST_CASE("JSON lines: strings escaped exactly as nlohmann's dump() escapes them") {
    std::string every_ascii;
    for (int c = 1; c < 128; ++c) every_ascii.push_back(static_cast<char>(c));
    for (std::string text : {every_ascii, std::string("\xec\x98\xa8\xeb\x8f\x84 \xf0\x9f\x98\x80 \xc2\x9b"),
                             std::string("\"\\\"\\"), std::string(""), std::string("\x7f\x1f\x00", 3)}) {
      CAPTURE(text);
      std::string line = json_line(message(text, "x"));
      CHECK(line.find(",\"topic\":" + nlohmann::json(text).dump() + ",\"qos\":") != std::string::npos);
    }
    std::string payload = "tab\tnew\nline\r \"quoted\" back\\slash \xe2\x84\x83";
    CHECK(json_line(message("t", payload)).ends_with(",\"payload\":" + nlohmann::json(payload).dump() + "}\n"));
  }

  TEST_CASE("JSON lines: properties") {
    mosquitto_property* props = nullptr;
    mosquitto_property_add_string_pair(&props, MQTT_PROP_USER_PROPERTY, "k", "1");
    mosquitto_property_add_string(&props, MQTT_PROP_CONTENT_TYPE, "text/plain");
    mosquitto_property_add_string_pair(&props, MQTT_PROP_USER_PROPERTY, "k", "2");
    mosquitto_property_add_binary(&props, MQTT_PROP_CORRELATION_DATA, "\x01\x02", 2);
    auto m = message("t", "x");
    m.properties = props;
    auto line = nlohmann::json::parse(json_line(m));
    CHECK(line["properties"].dump() ==
          R"({"content-type":"text/plain","correlation-data":"AQI=","user-properties":[["k","1"],["k","2"]]})");
    mosquitto_property_free_all(&props);
  }

  TEST_CASE("CSV quoting per RFC 4180") {
    CHECK(csv_line(message("a,b", "say \"hi\"\nbye")) ==
          "2020-05-06T21:48:00.123456789Z,\"a,b\",1,0,utf-8,\"say \"\"hi\"\"\nbye\",\n");
    CHECK(csv_line(message("t", "21.5")) == "2020-05-06T21:48:00.123456789Z,t,1,0,json,21.5,\n");
    CHECK(csv_line(message("t", std::string_view("\x00", 1))) == "2020-05-06T21:48:00.123456789Z,t,1,0,base64,AA==,\n");
    std::string field;
    mqtk::append_csv_field(field, "plain");
    CHECK(field == "plain");
  }

  TEST_CASE("a file's name says its format, the same for recording and replay") {
    using mqtk::RecordFormat;
    CHECK(mqtk::record_format_of("a.jsonl") == RecordFormat::kJsonLines);
    CHECK(mqtk::record_format_of("a.json") == RecordFormat::kJsonLines);
    CHECK(mqtk::record_format_of("dir.csv/a.ndjson") == RecordFormat::kJsonLines);
    CHECK(mqtk::record_format_of("a.csv") == RecordFormat::kCsv);
    CHECK(mqtk::record_format_of("a.lp") == RecordFormat::kLineProtocol);
    CHECK_FALSE(mqtk::record_format_of("a.jsonl.gz"));  // the caller strips a compression first
    CHECK_FALSE(mqtk::record_format_of("a.data"));
    CHECK_FALSE(mqtk::record_format_of("-"));
    CHECK_FALSE(mqtk::record_format_of("csv"));
  }

  TEST_CASE("with --decode, JSON lines keep the exact bytes and add the decoded value or why there is none") {
    Decoding<mqtk::JsonLinesFormat> records({"hex/#=hex"});
    auto line = [&](const mqtk::Message& m) { return records.render(m); };
    CHECK(line(message("hex/1", "7b2261223a317d")) ==
          R"({"time":"2020-05-06T21:48:00.123456789Z","topic":"hex/1","qos":1,"retain":false,"encoding":"utf-8",)"
          R"("payload":"7b2261223a317d","decoded":"{\"a\":1}"})"
          "\n");
    CHECK(line(message("hex/2", "zz")) ==
          R"({"time":"2020-05-06T21:48:00.123456789Z","topic":"hex/2","qos":1,"retain":false,"encoding":"utf-8",)"
          R"("payload":"zz","decode_error":"not hex"})"
          "\n");
    CHECK(line(message("plain", "21.5")) == json_line(message("plain", "21.5")));  // no decoder: as without

    // A large payload written a piece at a time makes the same line.
    std::string large(mqtk::kFramedPayloadBytes, '6');  // "ffff..."
    mqtk::Message m = message("hex/3", large);
    records.decoding.take(m);
    mqtk::PayloadFrame frame;
    REQUIRE(records.format.frame(m, frame));
    std::string framed = frame.before;
    mqtk::write_encoded_payload(large, frame.encoding, [&](std::string_view piece) { framed.append(piece); });
    framed.append(frame.after);
    CHECK(framed == line(m));
    CHECK(nlohmann::json::parse(framed)["decoded"].get<std::string>().size() == large.size() / 2);
  }

  TEST_CASE("with --decode, CSV has a last column decoded: the value as JSON, or empty") {
    Decoding<mqtk::CsvFormat> records({"hex"});
    auto row = [&](const mqtk::Message& m) { return records.render(m); };
    CHECK(mqtk::CsvFormat::kDecodedHeader == "time,topic,qos,retain,encoding,payload,properties,decoded\n");
    CHECK(row(message("t", "6869")) == "2020-05-06T21:48:00.123456789Z,t,1,0,json,6869,,\"\"\"hi\"\"\"\n");
    CHECK(row(message("t", "zz")) == "2020-05-06T21:48:00.123456789Z,t,1,0,utf-8,zz,,\n");
  }
}
