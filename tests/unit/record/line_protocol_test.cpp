#include "mqtk/record/line_protocol.hpp"

#include <string>

#include <doctest/doctest.h>

namespace lp = mqtk::line_protocol;

namespace {

std::string measurement(std::string_view name) {
  std::string out;
  lp::append_measurement(out, name);
  return out;
}

std::string key(std::string_view name) {
  std::string out;
  lp::append_key(out, name);
  return out;
}

std::string string_value(std::string_view value) {
  std::string out;
  lp::append_string_value(out, value);
  return out;
}

struct Points {
  mqtk::PointOptions options;
  std::string render(std::string_view topic, std::string_view payload, timespec when = {1600000000, 5}) {
    mqtk::LineProtocolFormat format(options);
    mqtk::Message message;
    message.topic = topic;
    message.payload = payload;
    message.received = when;
    std::string out;
    format.render(message, out);
    last_skips = format.skips();
    return out;
  }
  mqtk::PointSkips last_skips;
};

}  // namespace

TEST_SUITE("line_protocol") {
  TEST_CASE("escaping names") {
    CHECK(measurement("things/1/temperature") == "things/1/temperature");
    CHECK(measurement("a b,c=d") == "a\\ b\\,c=d");  // '=' needs no escape in a measurement
    CHECK(key("a b,c=d") == "a\\ b\\,c\\=d");
    CHECK(key("back\\slash") == "back\\slash");  // a lone backslash stays as it is
    CHECK(key("end\\") == "end\\\\");            // but never escapes the separator after it
    CHECK(key("before\\,") == "before\\\\\\,");
    CHECK(measurement("new\nline\ttab\rcr") == "new\\nline\\ttab\\rcr");
  }

  TEST_CASE("escaping string values") {
    CHECK(string_value("plain") == "\"plain\"");
    CHECK(string_value("say \"hi\" \\o/") == "\"say \\\"hi\\\" \\\\o/\"");
    CHECK(string_value("two\nlines") == "\"two\\nlines\"");
    CHECK(string_value("tab\tand , = space") == "\"tab\tand , = space\"");
  }

  TEST_CASE("floats use the shortest exact text") {
    std::string out;
    lp::append_float(out, 21.5);
    out += ' ';
    lp::append_float(out, 0.1);
    out += ' ';
    lp::append_float(out, 36);
    out += ' ';
    lp::append_float(out, 1e21);
    CHECK(out == "21.5 0.1 36 1e+21");
  }

  TEST_CASE_FIXTURE(Points, "the usual mapping: measurement = topic, fields = the JSON object, receive time") {
    CHECK(render("test", R"({"name": "zzerii"})") == "test name=\"zzerii\" 1600000000000000005\n");
  }

  TEST_CASE_FIXTURE(Points, "flattening, types and bare values") {
    CHECK(render("t", R"({"a": {"b": 1, "c": [true, null, "x"]}, "d": 2.5})") ==
          "t a_b=1,a_c_0=true,a_c_2=\"x\",d=2.5 1600000000000000005\n");
    CHECK(render("t", "36.5") == "t value=36.5 1600000000000000005\n");
    CHECK(render("t", "42") == "t value=42 1600000000000000005\n");  // a float by default
    CHECK(render("t", "\"quoted\"") == "t value=\"quoted\" 1600000000000000005\n");
    CHECK(render("t", "on") == "t value=\"on\" 1600000000000000005\n");
    CHECK(render("t", "[1,2]") == "t value_0=1,value_1=2 1600000000000000005\n");
    CHECK(render("t", R"({"time": 1})") == "t time_=1 1600000000000000005\n");
  }

  TEST_CASE_FIXTURE(Points, "what makes no point") {
    CHECK(render("t", "\xff\xfe").empty());
    CHECK(last_skips.binary == 1);
    CHECK(render("t", "").empty());
    CHECK(last_skips.no_fields == 1);
    CHECK(render("t", "{}").empty());
    CHECK(render("t", "null").empty());
    CHECK(render("t", R"({"a": null, "b": []})").empty());
    CHECK(last_skips.no_fields == 1);
    options.skip_text = true;
    CHECK(render("t", "plain text").empty());
    CHECK(last_skips.text == 1);
  }

  TEST_CASE_FIXTURE(Points, "integers on request") {
    options.fields.integers = true;
    CHECK(render("t", R"({"n": 3, "f": 3.5, "big": 18446744073709551615, "neg": -7})") ==
          "t n=3i,f=3.5,big=18446744073709551616,neg=-7i 1600000000000000005\n");  // too big: a float
  }

  TEST_CASE_FIXTURE(Points, "measurement, topic tag and tags from levels, sorted by key") {
    options.measurement = "sensors";
    options.topic_tag = "topic";
    options.topic_tags.emplace("site/+site/+device/#");
    CHECK(render("site/berlin/boiler/temp", "1") ==
          "sensors,device=boiler,site=berlin,topic=site/berlin/boiler/temp value=1 1600000000000000005\n");
    CHECK(render("other/x", "1") == "sensors,topic=other/x value=1 1600000000000000005\n");
    CHECK(render("site//boiler/t", "1") ==
          "sensors,device=boiler,topic=site//boiler/t value=1 1600000000000000005\n");  // no empty tag values
  }

  TEST_CASE_FIXTURE(Points, "receive times never repeat") {
    mqtk::LineProtocolFormat format(options);
    mqtk::Message message;
    message.topic = "t";
    message.payload = "1";
    message.received = {1600000000, 5};
    std::string out;
    format.render(message, out);
    format.render(message, out);
    message.received = {1600000000, 3};  // a clock stepping back
    format.render(message, out);
    CHECK(out == "t value=1 1600000000000000005\nt value=1 1600000000000000006\nt value=1 1600000000000000007\n");
  }

  TEST_CASE_FIXTURE(Points, "time from a field") {
    options.fields.time_field = "at";
    CHECK(render("t", R"({"v": 1, "at": "2020-05-06T21:48:00.5Z"})") == "t v=1 1588801680500000000\n");
    CHECK(render("t", R"({"v": 1, "at": 1588801680})") == "t v=1 1588801680000000000\n");
    options.fields.time_unit = mqtk::TimeUnit::kMilliseconds;
    CHECK(render("t", R"({"v": 1, "at": 1588801680123})") == "t v=1 1588801680123000000\n");
    options.fields.time_unit = mqtk::TimeUnit::kSeconds;
    CHECK(render("t", R"({"v": 1, "at": 1588801680.25})") == "t v=1 1588801680250000000\n");
    CHECK(render("t", R"({"v": 1, "at": "yesterday"})") == "t v=1 1600000000000000005\n");
    CHECK(last_skips.time_fallback == 1);
    CHECK(render("t", R"({"v": 1})") == "t v=1 1600000000000000005\n");
    CHECK(last_skips.time_fallback == 1);
  }

  TEST_CASE_FIXTURE(Points, "JSON beyond the depth or field limits is recorded as text") {
    options.fields.max_depth = 2;
    CHECK(render("t", "[[1]]") == "t value_0_0=1 1600000000000000005\n");
    CHECK(render("t", "[[[1]]]") == "t value=\"[[[1]]]\" 1600000000000000005\n");
    CHECK(last_skips.over_limit == 1);
    options.skip_text = true;  // not text that --skip-text drops: JSON kept whole
    CHECK(render("t", "[[[1]]]") == "t value=\"[[[1]]]\" 1600000000000000005\n");
    options.fields.max_fields = 1;
    CHECK(render("t", "[1,2]") == "t value=\"[1,2]\" 1600000000000000005\n");
    CHECK(render("t", "[[[\xff]]]").empty());  // not UTF-8: binary, skipped
    CHECK(last_skips.binary == 1);
  }
}
