#include "mqtk/payload/protobuf_decoder.hpp"

#include <filesystem>
#include <fstream>

#include <doctest/doctest.h>

#include "mqtk/base/error.hpp"
#include "payload/fixtures.hpp"
#include "temp_dir.hpp"

using mqtk::ProtobufDecoder;
using nlohmann::json;

namespace {

const std::vector<std::string> kProtoPath{test_support::fixture_path("protobuf")};

}  // namespace

TEST_SUITE("protobuf_decoder") {
  TEST_CASE("a message made by Python's protobuf, field by field") {
    ProtobufDecoder decoder("protobuf:readings.proto:sensors.Reading", kProtoPath);
    CHECK(decoder.name() == "protobuf:readings.proto:sensors.Reading");
    mqtk::Decoded decoded = decoder.decode(test_support::fixture("reading.bin"));
    REQUIRE_MESSAGE(decoded.ok(), decoded.failure);
    json expected = test_support::expected_json("reading.json");
    for (const auto& item : expected.items()) {
      const std::string& name = item.key();
      INFO(name);
      CHECK(decoded.value[name] == item.value());
    }
    CHECK(decoded.value.size() == expected.size());
    // What the expectations mean:
    CHECK(decoded.value["count"].is_number_integer());  // int64 as a number, not a string
    CHECK(decoded.value["total"].get<std::uint64_t>() == 18446744073709551000u);
    CHECK(decoded.value["kinds"] == json::array({"KIND_TEMPERATURE", 9}));  // 9 has no name
    CHECK(decoded.value["raw"] == "ABCA/w==");
    CHECK(decoded.value.contains("offset"));              // proto3 optional: set to 0 is shown
    CHECK_FALSE(decoded.value.contains("unset_number"));  // a plain proto3 0 is not
    CHECK_FALSE(decoded.value.contains("gateway"));       // the oneof is its set field only
    CHECK(decoded.value["ratio"] == 0.1);                 // float as written
  }

  TEST_CASE("failures: not the message, too deep, not UTF-8") {
    ProtobufDecoder reading("protobuf:readings.proto:sensors.Reading", kProtoPath);
    CHECK(reading.decode("\xff\xff\xff").failure == "not a valid sensors.Reading");
    CHECK(reading.decode(test_support::fixture("bad_utf8.bin")).failure == "not a valid sensors.Reading");
    ProtobufDecoder tree("protobuf:readings.proto:sensors.Tree", kProtoPath);
    CHECK(tree.decode(test_support::fixture("deep_tree.bin")).failure == "not a valid sensors.Tree");
    CHECK(tree.decode("").value == json::object());
    std::string whole = test_support::fixture("reading.bin");
    for (std::size_t length = 0; length < whole.size(); ++length) {
      CHECK_NOTHROW(reading.decode(std::string_view(whole).substr(0, length)));
    }
  }

  TEST_CASE("where schemas are found: the current directory, then each --proto-path") {
    std::filesystem::path old = std::filesystem::current_path();
    std::filesystem::current_path(test_support::fixture_path(""));
    CHECK_NOTHROW(ProtobufDecoder("protobuf:protobuf/readings.proto:sensors.Reading", {"protobuf"}));
    std::filesystem::current_path(old);
    // Outside the search path: read where it is, its directory searched for imports.
    CHECK_NOTHROW(
        ProtobufDecoder("protobuf:" + test_support::fixture_path("protobuf/readings.proto") + ":sensors.Sample", {}));
    test_support::TempDir dir;
    std::ofstream(dir.directory + "/a:b.proto") << "syntax = \"proto3\"; package p; message M { int32 x = 1; }";
    ProtobufDecoder colon("protobuf:a:b.proto:p.M", {dir.directory});
    CHECK(colon.decode("\x08\x05").value == json{{"x", 5}});
  }

  TEST_CASE("mistakes in the spec or the schema: one line naming the problem") {
    CHECK_THROWS_WITH_AS(ProtobufDecoder("protobuf:readings.proto", kProtoPath),
                         "--decode: \"protobuf:readings.proto\" needs a schema and a message type: "
                         "protobuf:FILE.proto:package.Message",
                         mqtk::UsageError);
    CHECK_THROWS_WITH_AS(
        ProtobufDecoder("protobuf", kProtoPath),
        "--decode: \"protobuf\" needs a schema and a message type: protobuf:FILE.proto:package.Message",
        mqtk::UsageError);
    CHECK_THROWS_WITH_AS(ProtobufDecoder("protobuf:nowhere.proto:a.B", kProtoPath),
                         "--decode: nowhere.proto: File not found.", mqtk::UsageError);
    CHECK_THROWS_WITH_AS(ProtobufDecoder("protobuf:broken.proto:broken.Missing", kProtoPath),
                         "--decode: broken.proto:6:1: Expected \";\".", mqtk::UsageError);
    CHECK_THROWS_WITH_AS(ProtobufDecoder("protobuf:readings.proto:Reading", kProtoPath),
                         "--decode: no message type \"Reading\" in readings.proto (a full name, with the package: "
                         "package.Message)",
                         mqtk::UsageError);
    test_support::TempDir dir;
    std::ofstream(dir.directory + "/imports.proto") << "syntax = \"proto3\";\nimport \"gone.proto\";\n";
    CHECK_THROWS_WITH_AS(ProtobufDecoder("protobuf:imports.proto:x.Y", {dir.directory}),
                         "--decode: gone.proto: File not found.", mqtk::UsageError);
  }
}
