#include "mqtk/record/json_fields.hpp"

#include <string>

#include <doctest/doctest.h>

namespace {

using Outcome = mqtk::JsonFields::Outcome;

struct Fields {
  mqtk::JsonFieldOptions options;
  mqtk::JsonFields last;
  std::string of(std::string_view payload) {
    std::string out = "m";
    last = mqtk::append_json_fields(out, payload, options);
    return out.substr(1);
  }
};

std::string nested_arrays(std::size_t depth, std::string_view inside = "1") {
  return std::string(depth, '[') + std::string(inside) + std::string(depth, ']');
}

}  // namespace

TEST_SUITE("json_fields") {
  TEST_CASE_FIXTURE(Fields, "objects joined with _, arrays indexed, bare values named value") {
    CHECK(of(R"({"a": {"b": 1, "c": [true, null, "x"]}, "d": 2.5})") == " a_b=1,a_c_0=true,a_c_2=\"x\",d=2.5");
    CHECK(last.outcome == Outcome::kFields);
    CHECK(last.count == 4);
    CHECK(last.top_level_object);
    CHECK(of("36.5") == " value=36.5");
    CHECK(of("[1,[2,{\"k\":3}]]") == " value_0=1,value_1_0=2,value_1_1_k=3");
    CHECK_FALSE(last.top_level_object);
    CHECK(of(R"({"time": 1, "": 2, "e": {"": 3}})") == " time_=1,=2,e_=3");
  }

  TEST_CASE_FIXTURE(Fields, "type_in_name: a field that is not a float has its type at the end of its name") {
    options.type_in_name = true;
    CHECK(of(R"({"f": 1.5, "n": 2, "b": true, "s": "x", "a": ["y", 3]})") ==
          " f=1.5,n=2,b_boolean=true,s_string=\"x\",a_0_string=\"y\",a_1=3");
    options.integers = true;
    CHECK(of(R"({"f": 1.5, "n": 2, "big": 18446744073709551615})") ==
          " f=1.5,n_integer=2i,big=18446744073709551616");  // too big for an integer: a float
  }

  TEST_CASE_FIXTURE(Fields, "nanoseconds from whole units, nothing past 64 bits") {
    CHECK(mqtk::nanoseconds_from(1700000000123, mqtk::TimeUnit::kMilliseconds) == 1700000000123000000);
    CHECK(mqtk::nanoseconds_from(-2, mqtk::TimeUnit::kSeconds) == -2000000000);
    CHECK_FALSE(mqtk::nanoseconds_from(INT64_MAX / 1000, mqtk::TimeUnit::kMilliseconds));
  }

  TEST_CASE_FIXTURE(Fields, "what is not JSON appends nothing") {
    CHECK(of("{\"a\": 1, ").empty());
    CHECK(last.outcome == Outcome::kNotJson);
    CHECK(of("plain text").empty());
    CHECK(of("").empty());
    CHECK(last.outcome == Outcome::kNotJson);
    CHECK(of("{}").empty());
    CHECK(last.outcome == Outcome::kFields);
    CHECK(last.count == 0);
  }

  TEST_CASE_FIXTURE(Fields, "numbers") {
    CHECK(of("[1e999]").empty());  // nlohmann: a number overflow is a parse error
    // Below the smallest double: 0, as strtod in the parser makes it.
    CHECK(of(R"({"tiny": 1e-400, "s": "x\ty"})") == " tiny=0,s=\"x\ty\"");
    CHECK(of(R"({"n": 3, "big": 18446744073709551615, "neg": -7})") == " n=3,big=18446744073709551616,neg=-7");
    options.integers = true;
    CHECK(of(R"({"n": 3, "f": 3.5, "big": 18446744073709551615, "neg": -7})") ==
          " n=3i,f=3.5,big=18446744073709551616,neg=-7i");
  }

  TEST_CASE_FIXTURE(Fields, "the time field is the point's time, not a field") {
    options.time_field = "at";
    CHECK(of(R"({"v": 1, "at": "2020-05-06T21:48:00.5Z"})") == " v=1");
    CHECK(last.time == 1588801680500000000);
    CHECK(of(R"({"at": 1588801680, "v": 1})") == " v=1");
    CHECK(last.time == 1588801680000000000);
    options.time_unit = mqtk::TimeUnit::kMilliseconds;
    CHECK(of(R"({"v": 1, "at": 1588801680123})") == " v=1");
    CHECK(last.time == 1588801680123000000);
    options.time_unit = mqtk::TimeUnit::kSeconds;
    CHECK(of(R"({"v": 1, "at": 1588801680.25})") == " v=1");
    CHECK(last.time == 1588801680250000000);
    CHECK(of(R"({"v": 1, "at": 1e300})") == " v=1");  // out of range: no time
    CHECK_FALSE(last.time.has_value());
    // RFC 3339 text too: 64-bit nanoseconds end in April 2262 and begin in 1677.
    CHECK(of(R"({"v": 1, "at": "2262-04-11T23:47:16Z"})") == " v=1");
    CHECK(last.time == 9223372036000000000);
    for (const char* outside : {R"({"at": "2262-04-12T00:00:00Z"})", R"({"at": "2300-01-01T00:00:00Z"})",
                                R"({"at": "1600-01-01T00:00:00Z"})", R"({"at": "9999-12-31T23:59:59Z"})"}) {
      of(outside);
      CHECK_FALSE(last.time.has_value());
    }
    CHECK(of(R"({"v": 1, "at": {"deep": [1, 2]}, "w": 2})") == " v=1,w=2");  // a container is neither
    CHECK_FALSE(last.time.has_value());
    CHECK(of(R"({"v": {"at": 5}})") == " v_at=5");  // only a top-level member
    CHECK_FALSE(last.time.has_value());
  }

  TEST_CASE_FIXTURE(Fields, "deep nesting is walked without recursion, up to the limit") {
    options.max_depth = 3;
    CHECK(of(nested_arrays(3)) == " value_0_0_0=1");
    CHECK(of(nested_arrays(4)).empty());
    CHECK(last.outcome == Outcome::kOverLimit);
    options.max_depth = 1000000;
    // 200,000 levels: no stack overflow, and the one field's name is the
    // only thing that grows with the depth.
    std::string deep = nested_arrays(200000);
    std::string out = of(deep);
    CHECK(last.outcome == Outcome::kFields);
    CHECK(out.size() == std::string(" value").size() + 200000 * 2 + 2);
    CHECK(of(std::string(200000, '[')).empty());  // unbalanced: not JSON
    CHECK(last.outcome == Outcome::kNotJson);
  }

  TEST_CASE_FIXTURE(Fields, "more fields than the limit append nothing") {
    options.max_fields = 3;
    CHECK(of("[1,2,3]") == " value_0=1,value_1=2,value_2=3");
    CHECK(of("[1,2,3,4]").empty());
    CHECK(last.outcome == Outcome::kOverLimit);
    CHECK(last.count == 0);
    CHECK(of("[1,null,2,null,3]") == " value_0=1,value_2=2,value_4=3");  // nulls are no fields
  }
}
