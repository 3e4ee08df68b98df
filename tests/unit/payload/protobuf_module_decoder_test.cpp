#include "mqtk/payload/protobuf_module_decoder.hpp"

#include <cmath>
#include <filesystem>
#include <string>

#include <doctest/doctest.h>

#include "mqtk/base/error.hpp"
#include "mqtk/payload/protobuf_decoder.hpp"
#include "mqtk/payload/protobuf_library.hpp"
#include "mqtk/payload/sparkplug_decoder.hpp"
#include "payload/fixtures.hpp"

using mqtk::ProtobufModuleDecoder;
using nlohmann::json;

namespace {

const std::vector<std::string> kProtoPath{test_support::fixture_path("protobuf")};
const std::string kReading = "protobuf:readings.proto:sensors.Reading";

}  // namespace

// What crosses mqtk-protobuf.so's C interface: the decoders inside it are
// tested directly in protobuf_decoder_test and sparkplug_decoder_test; here,
// that a tool gets the same from the module.
TEST_SUITE("protobuf_module_decoder") {
  TEST_CASE("the module is found from the running program's directory and loaded") {
    std::string path = mqtk::protobuf_module_path();
    CHECK(std::filesystem::path(path).filename() == "mqtk-protobuf.so");
    CHECK(std::filesystem::exists(path));
    CHECK_NOTHROW(mqtk::protobuf_library());
  }

  TEST_CASE("values as the decoders in the module make them, numbers of every kind kept") {
    auto through_module = ProtobufModuleDecoder::protobuf(kReading, kProtoPath);
    mqtk::ProtobufDecoder direct(kReading, kProtoPath);
    CHECK(through_module->name() == kReading);
    CHECK_FALSE(through_module->sparkplug());
    std::string reading = test_support::fixture("reading.bin");
    mqtk::Decoded decoded = through_module->decode(reading);
    REQUIRE_MESSAGE(decoded.ok(), decoded.failure);
    CHECK(decoded.value == direct.decode(reading).value);
    CHECK(decoded.value["total"].get<std::uint64_t>() == 18446744073709551000u);
    CHECK(decoded.value["ratio"] == 0.1);
    // ratio (field 6, a float) NaN, count (field 2, int64) -2: as the
    // module's value has them, not as JSON text would (null, and a number
    // that may become a double).
    mqtk::Decoded special =
        through_module->decode(std::string("\x35\x00\x00\xc0\x7f\x10\xfe\xff\xff\xff\xff\xff"
                                           "\xff\xff\xff\x01",
                                           16));
    REQUIRE_MESSAGE(special.ok(), special.failure);
    CHECK(std::isnan(special.value["ratio"].get<double>()));
    CHECK(special.value["count"].is_number_integer());
    CHECK(special.value["count"].get<std::int64_t>() == -2);
  }

  TEST_CASE("Sparkplug B payloads, and failures, as the module's decoders say them") {
    auto through_module = ProtobufModuleDecoder::sparkplug("sparkplug");
    CHECK(through_module->sparkplug());
    CHECK(through_module->name() == "sparkplug");
    mqtk::SparkplugDecoder direct("sparkplug");
    std::string birth = test_support::fixture("nbirth.bin");
    CHECK(through_module->decode(birth).value == direct.decode(birth).value);
    mqtk::Decoded bad = through_module->decode("\xff\xff\xff");
    CHECK(bad.failure == "not a valid Sparkplug B payload");
    CHECK(bad.failure == direct.decode("\xff\xff\xff").failure);
    auto reading = ProtobufModuleDecoder::protobuf(kReading, kProtoPath);
    CHECK(reading->decode(test_support::fixture("bad_utf8.bin")).failure == "not a valid sensors.Reading");
  }

  TEST_CASE("a schema's mistakes come back as the usage errors they are") {
    CHECK_THROWS_WITH_AS(ProtobufModuleDecoder::protobuf("protobuf:nowhere.proto:a.B", kProtoPath),
                         "--decode: nowhere.proto: File not found.", mqtk::UsageError);
    CHECK_THROWS_WITH_AS(ProtobufModuleDecoder::protobuf("protobuf:readings.proto", kProtoPath),
                         "--decode: \"protobuf:readings.proto\" needs a schema and a message type: "
                         "protobuf:FILE.proto:package.Message",
                         mqtk::UsageError);
  }
}
