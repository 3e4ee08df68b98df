#include "mqtk/payload/payload_decoder.hpp"

#include <doctest/doctest.h>

#include "mqtk/base/error.hpp"

TEST_SUITE("payload_decoder") {
  TEST_CASE("every spec makes its decoder, named as written") {
    for (const char* spec : {"cbor", "msgpack", "bson", "ubjson", "bjdata", "sparkplug", "base64", "hex"}) {
      INFO(spec);
      CHECK(mqtk::names_decoder(spec));
      CHECK(mqtk::make_payload_decoder(spec, {})->name() == spec);
    }
    CHECK(mqtk::make_payload_decoder("hex", {})->decode("6869").value == "hi");
    CHECK(mqtk::make_payload_decoder("cbor", {})->decode("\x01").value == 1);
  }

  TEST_CASE("unknown decoders") {
    CHECK_THROWS_WITH_AS(mqtk::make_payload_decoder("cbr", {}),
                         "--decode: unknown decoder \"cbr\" (one of cbor, msgpack, bson, ubjson, bjdata, "
                         "protobuf:FILE.proto:package.Message, sparkplug, base64, hex)",
                         mqtk::UsageError);
    CHECK_THROWS_AS(mqtk::make_payload_decoder("", {}), mqtk::UsageError);
    CHECK_THROWS_AS(mqtk::make_payload_decoder("CBOR", {}), mqtk::UsageError);
    CHECK_FALSE(mqtk::names_decoder("cbor2"));
    CHECK_FALSE(mqtk::names_decoder("protobufs:x"));
    CHECK(mqtk::names_decoder("protobuf"));
    CHECK(mqtk::names_decoder("protobuf:x.proto:a.B"));
  }
}
