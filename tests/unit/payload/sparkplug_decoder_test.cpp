#include "mqtk/payload/sparkplug_decoder.hpp"

#include <doctest/doctest.h>

#include "payload/fixtures.hpp"

using mqtk::SparkplugDecoder;
using nlohmann::json;

namespace {

// Every member of the expected payload, each metric on its own, so that a
// difference names the metric.
void check_payload(const std::string& fixture) {
  SparkplugDecoder decoder("sparkplug");
  mqtk::Decoded decoded = decoder.decode(test_support::fixture(fixture + ".bin"));
  REQUIRE_MESSAGE(decoded.ok(), decoded.failure);
  json expected = test_support::expected_json(fixture + ".json");
  CHECK(decoded.value.size() == expected.size());
  for (const auto& item : expected.items()) {
    const std::string& name = item.key();
    if (name == "metrics") continue;
    INFO(name);
    CHECK(decoded.value[name] == item.value());
  }
  REQUIRE(decoded.value["metrics"].size() == expected["metrics"].size());
  for (std::size_t i = 0; i < expected["metrics"].size(); ++i) {
    const json& want = expected["metrics"][i];
    const json& got = decoded.value["metrics"][i];
    INFO(fixture << " metric " << i << ": " << want.value("name", "(alias)"));
    for (const auto& item : want.items()) {
      const std::string& name = item.key();
      INFO(name);
      CHECK(got[name] == item.value());
    }
    CHECK(got.size() == want.size());
  }
}

json metric_named(const json& payload, const std::string& name) {
  for (const json& metric : payload["metrics"]) {
    if (metric.value("name", "") == name) return metric;
  }
  FAIL("no metric " << name);
  return {};
}

// Protobuf's wire format by hand, for payloads no encoder would write.
std::string varint(std::size_t n) {
  std::string out;
  for (; n >= 0x80; n >>= 7) out.push_back(static_cast<char>((n & 0x7F) | 0x80));
  out.push_back(static_cast<char>(n));
  return out;
}

std::string field(int number, int wire_type) { return varint(static_cast<std::size_t>(number << 3 | wire_type)); }

std::string length_delimited(int number, const std::string& content) {
  return field(number, 2) + varint(content.size()) + content;
}

}  // namespace

TEST_SUITE("sparkplug_decoder") {
  TEST_CASE("NBIRTH with every datatype, DBIRTH and DDATA, made by Python's protobuf") {
    check_payload("nbirth");
    check_payload("dbirth");
    check_payload("ddata");
  }

  TEST_CASE("what the datatypes become") {
    json birth = SparkplugDecoder("sparkplug").decode(test_support::fixture("nbirth.bin")).value;
    CHECK(metric_named(birth, "int8")["value"] == -5);
    CHECK(metric_named(birth, "int64")["value"] == -5000000000);
    CHECK(metric_named(birth, "uint64")["value"].get<std::uint64_t>() == UINT64_MAX);
    CHECK(metric_named(birth, "float")["value"] == 1.23);
    CHECK(metric_named(birth, "bytes")["value"] == "AAEC/w==");
    CHECK(metric_named(birth, "booleans")["value"] ==
          json::array({false, false, true, true, false, true, false, false, true, true, false, true}));
    CHECK(metric_named(birth, "strings")["value"] == json::array({"ABC", "hello", ""}));
    CHECK(metric_named(birth, "floats")["value"] == json::array({1.23, 89.341}));
    CHECK(metric_named(birth, "nothing")["value"].is_null());
    CHECK(metric_named(birth, "future type")["datatype"] == 99);
    json dataset = metric_named(birth, "dataset")["value"];
    CHECK(dataset["types"] == json::array({"Int32", "String", "Boolean", "Double"}));
    CHECK(dataset["rows"][0] == json::array({-1, "x", true, 0.5}));
    CHECK(dataset["rows"][1][3].is_null());
    json definition = metric_named(birth, "motor")["value"];
    CHECK(definition["parameters"][0] == json{{"name", "max"}, {"type", "Int16"}, {"value", -20}});
    CHECK(definition["metrics"][0]["value"] == -3);
    json properties = metric_named(birth, "with properties")["properties"];
    CHECK(properties["offset"] == -2);
    CHECK(properties["missing"].is_null());
    CHECK(properties["limits"] == json{{"low", -1.5}, {"high", 99.25}});
    CHECK(properties["history"][1]["at"] == 1);
  }

  TEST_CASE("packed arrays that do not fill their bytes, strings that are not UTF-8") {
    SparkplugDecoder decoder("sparkplug");
    auto metric = [](int datatype, const std::string& bytes) {
      std::string m =
          length_delimited(1, "m") + field(4, 0) + static_cast<char>(datatype) + length_delimited(16, bytes);
      return length_delimited(2, m);
    };
    CHECK(decoder.decode(metric(24, "\x01\x02\x03")).failure == "Int32Array of 3 bytes is not whole 4-byte elements");
    CHECK(decoder.decode(metric(32, std::string("\x09\x00\x00\x00\xff", 5))).failure ==
          "BooleanArray of 5 bytes does not hold its count");
    CHECK(decoder.decode(metric(32, "\x01")).failure == "BooleanArray of 1 bytes does not hold its count");
    CHECK(decoder.decode(metric(33, std::string("ok\0\xc3\x28", 5))).failure == "a StringArray's string is not UTF-8");
    CHECK(decoder.decode(metric(17, "\xc3\x28")).value["metrics"][0]["value"] == "wyg=");  // Bytes: base64
    CHECK(decoder.decode(length_delimited(4, "\xc3\x28")).failure == "field uuid is not UTF-8");
    CHECK(decoder.decode(length_delimited(2, length_delimited(9, length_delimited(1, "k")))).failure ==
          "a PropertySet has 1 keys and 0 values");
  }

  TEST_CASE("bytes that are not a payload fail, whatever they are") {
    SparkplugDecoder decoder("sparkplug");
    CHECK(decoder.decode("\xff\xff").failure == "not a valid Sparkplug B payload");
    CHECK(decoder.decode("").value == json{{"metrics", json::array()}});
    std::string whole = test_support::fixture("nbirth.bin");
    for (std::size_t length = 0; length < whole.size(); ++length) {
      CHECK_NOTHROW(decoder.decode(std::string_view(whole).substr(0, length)));
    }
    // Templates inside templates, past protobuf's recursion limit.
    auto templates = [](int levels) {
      std::string metric = length_delimited(1, "x");
      for (int i = 0; i < levels; ++i) metric = length_delimited(18, length_delimited(2, metric));
      return length_delimited(2, metric);  // Payload.metrics: Metric.template_value: Template.metrics: ...
    };
    CHECK(decoder.decode(templates(20)).ok());
    CHECK(decoder.decode(templates(200)).failure == "not a valid Sparkplug B payload");
  }
}
