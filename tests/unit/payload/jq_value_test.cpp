#include "mqtk/payload/jq_value.hpp"

#include <string>

#include <doctest/doctest.h>

namespace {

using nlohmann::ordered_json;

// `value` through jq and back.
template <class Json>
std::optional<ordered_json> round_trip(const Json& value) {
  jv converted = mqtk::jv_of_json(value);
  if (!jv_is_valid(converted)) {
    jv_free(converted);
    return std::nullopt;
  }
  return mqtk::json_of_jv(converted);
}

// `depth` arrays, or objects each with one member, around a number.
ordered_json nested(int depth, bool objects) {
  ordered_json value = 1;
  for (int level = 0; level < depth; ++level) {
    value = objects ? ordered_json{{"k", std::move(value)}} : ordered_json::array({std::move(value)});
  }
  return value;
}

}  // namespace

TEST_SUITE("jq_value") {
  TEST_CASE("values round trip, keys in order") {
    ordered_json value =
        ordered_json::parse(R"({"z":[1,-2,2.5,"s",true,false,null,{}],"a":{"nested":[[]]},"":"","ü":"\u0000x"})");
    CHECK(round_trip(value) == value);
    CHECK(round_trip(value)->dump() == value.dump());
    nlohmann::json sorted = value;
    CHECK(round_trip(sorted)->dump() == sorted.dump());
  }

  TEST_CASE("numbers: jq's doubles") {
    CHECK(round_trip(ordered_json(18446744073709551615u))->is_number_float());
    CHECK(*round_trip(ordered_json(std::int64_t{-9007199254740992})) == std::int64_t{-9007199254740992});
    CHECK(round_trip(ordered_json(1.0))->is_number_integer());
    CHECK(round_trip(ordered_json(-0.0))->dump() == "-0.0");
    // nlohmann reads the text -0 as the integer 0 (jq reads -0.0): the sign
    // is gone before the value reaches jq.
    CHECK(round_trip(ordered_json::parse("-0"))->dump() == "0");
  }

  TEST_CASE("binary values as nlohmann prints them") {
    ordered_json bytes = ordered_json::binary({1, 2, 255});
    CHECK(round_trip(bytes)->dump() == R"({"bytes":[1,2,255],"subtype":null})");
    ordered_json typed = ordered_json::binary({7}, 42);
    CHECK(round_trip(typed)->dump() == R"({"bytes":[7],"subtype":42})");
  }

  TEST_CASE("input depth: jq's parser counts an array once and an object twice") {
    CHECK(round_trip(nested(256, false)));
    CHECK_FALSE(round_trip(nested(257, false)));
    CHECK(round_trip(nested(128, true)));
    CHECK_FALSE(round_trip(nested(129, true)));
    CHECK_FALSE(round_trip(nested(100000, false)));
    jv message = jv_invalid_get_msg(mqtk::jv_of_json(nested(300, true)));
    CHECK(std::string(jv_string_value(message)) == "input exceeds jq's depth limit for parsing");
    jv_free(message);
  }

  TEST_CASE("output depth: 256 levels, then nothing") {
    jv deep = jv_number(1);
    for (int level = 0; level < 256; ++level) deep = jv_array_append(jv_array(), deep);
    CHECK(mqtk::json_of_jv(jv_copy(deep)));
    deep = jv_object_set(jv_object(), jv_string("k"), deep);
    CHECK_FALSE(mqtk::json_of_jv(deep));
  }
}
