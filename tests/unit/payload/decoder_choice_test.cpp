#include "mqtk/payload/decoder_choice.hpp"

#include <fstream>

#include <doctest/doctest.h>

#include "mqtk/base/error.hpp"
#include "temp_dir.hpp"

using mqtk::DecoderChoice;

namespace {

std::string decoder_for(const DecoderChoice& choice, std::string_view topic) {
  const mqtk::PayloadDecoder* decoder = choice.for_topic(topic);
  return decoder != nullptr ? decoder->name() : "(none)";
}

}  // namespace

TEST_SUITE("decoder_choice") {
  TEST_CASE("the first filter that matches wins; a spec alone matches every topic") {
    DecoderChoice choice = DecoderChoice::parse({"sensors/+/raw=cbor", "sensors/#=msgpack", "hex"}, {});
    CHECK_FALSE(choice.empty());
    CHECK(decoder_for(choice, "sensors/a/raw") == "cbor");
    CHECK(decoder_for(choice, "sensors/a/other") == "msgpack");
    CHECK(decoder_for(choice, "sensors") == "msgpack");  // '#' matches the parent level too
    CHECK(decoder_for(choice, "elsewhere") == "hex");
    CHECK(decoder_for(choice, "$SYS/broker") == "hex");
  }

  TEST_CASE("without a catch-all, other topics have no decoder") {
    DecoderChoice choice = DecoderChoice::parse({"spBv1.0/#=sparkplug"}, {});
    CHECK(decoder_for(choice, "spBv1.0/g/NBIRTH/n") == "sparkplug");
    CHECK(choice.for_topic("other") == nullptr);
    CHECK(choice.for_topic("$SYS/x") == nullptr);  // wildcards do not reach '$' topics
    CHECK(DecoderChoice::parse({}, {}).empty());
    CHECK(DecoderChoice::parse({}, {}).for_topic("a") == nullptr);
  }

  TEST_CASE("split at the last '=' that a decoder's name follows") {
    DecoderChoice choice = DecoderChoice::parse({"a=b/#=cbor", "x=hex/y=msgpack"}, {});
    CHECK(decoder_for(choice, "a=b/c") == "cbor");
    CHECK(decoder_for(choice, "x=hex/y") == "msgpack");
    CHECK(choice.for_topic("a") == nullptr);
    test_support::TempDir dir;
    std::ofstream(dir.directory + "/m=1.proto") << "syntax = \"proto3\"; package p; message M { int32 x = 1; }";
    DecoderChoice protobuf = DecoderChoice::parse({"t/=x=protobuf:m=1.proto:p.M"}, {dir.directory});
    CHECK(decoder_for(protobuf, "t/=x") == "protobuf:m=1.proto:p.M");
    CHECK(protobuf.for_topic("t/=x")->decode("\x08\x02").value == nlohmann::json{{"x", 2}});
  }

  TEST_CASE("one decoder for a spec used on several filters") {
    DecoderChoice choice = DecoderChoice::parse({"a/#=sparkplug", "b/#=sparkplug", "c=cbor"}, {});
    CHECK(choice.for_topic("a/1") == choice.for_topic("b/1"));
    CHECK(choice.for_topic("a/1") != choice.for_topic("c"));
  }

  TEST_CASE("bad filters and specs") {
    CHECK_THROWS_WITH_AS(DecoderChoice::parse({"a/#/b=cbor"}, {}),
                         "--decode: invalid topic filter 'a/#/b': '+' and '#' must fill a whole level, and '#' must "
                         "be the last level",
                         mqtk::UsageError);
    CHECK_THROWS_AS(DecoderChoice::parse({"=cbor"}, {}), mqtk::UsageError);
    CHECK_THROWS_WITH_AS(DecoderChoice::parse({"a/b=cbr"}, {}),
                         "--decode: unknown decoder \"a/b=cbr\" (one of cbor, msgpack, bson, ubjson, bjdata, "
                         "protobuf:FILE.proto:package.Message, sparkplug, base64, hex)",
                         mqtk::UsageError);
  }
}
