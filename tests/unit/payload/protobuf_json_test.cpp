#include "mqtk/payload/protobuf_json.hpp"

#include <cmath>
#include <limits>

#include <doctest/doctest.h>

// The walk itself is tested through the decoders that use it
// (protobuf_decoder_test.cpp, sparkplug_decoder_test.cpp).
TEST_SUITE("protobuf_json") {
  TEST_CASE("a float widens to the double its shortest decimal form names") {
    CHECK(mqtk::widen_float(1.23f) == 1.23);
    CHECK(nlohmann::json(mqtk::widen_float(0.1f)).dump() == "0.1");
    CHECK(nlohmann::json(mqtk::widen_float(89.341f)).dump() == "89.341");
    CHECK(mqtk::widen_float(-0.0f) == 0.0);
    CHECK(mqtk::widen_float(16777216.0f) == 16777216.0);
    CHECK(std::isnan(mqtk::widen_float(std::numeric_limits<float>::quiet_NaN())));
    CHECK(mqtk::widen_float(std::numeric_limits<float>::infinity()) == std::numeric_limits<double>::infinity());
  }
}
