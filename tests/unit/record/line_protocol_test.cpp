#include "mqtk/record/line_protocol.hpp"

#include <string>

#include <doctest/doctest.h>

#include "payload/fixtures.hpp"

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
  std::vector<std::string> decode;  // --decode values
  std::string render(std::string_view topic, std::string_view payload, timespec when = {1600000000, 5}) {
    std::optional<mqtk::PayloadDecoding> decoding;
    if (!decode.empty()) {
      decoding.emplace(std::make_shared<const mqtk::DecoderChoice>(mqtk::DecoderChoice::parse(decode, {})),
                       [](const std::string&) {});
    }
    mqtk::LineProtocolFormat format(options, decoding ? &*decoding : nullptr);
    mqtk::Message message;
    message.topic = topic;
    message.payload = payload;
    message.received = when;
    if (decoding) decoding->take(message);
    std::string out;
    format.render(message, out);
    last_skips = format.skips();
    return out;
  }
  mqtk::PointSkips last_skips;
};

// The lines of `text` that start with `prefix`.
std::vector<std::string> lines_starting(const std::string& text, std::string_view prefix) {
  std::vector<std::string> lines;
  for (std::size_t at = 0, end; at < text.size(); at = end + 1) {
    end = text.find('\n', at);
    std::string line = text.substr(at, end - at);
    if (line.starts_with(prefix)) lines.push_back(line);
  }
  return lines;
}

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
    CHECK(string_value("") == "\"\"");
    CHECK(string_value("\"\n\\") == "\"\\\"\\n\\\\\"");  // nothing but escapes, first to last
    CHECK(string_value(std::string(5000, 'x') + "\n") == "\"" + std::string(5000, 'x') + "\\n\"");
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

  TEST_CASE_FIXTURE(Points, "with --decode the fields come from the decoded value, by the JSON rules") {
    decode = {"cbor/#=cbor", "hex/#=hex"};
    // CBOR {"t": 21.5, "n": 2}
    CHECK(render("cbor/1", std::string("\xa2\x61t\xfb\x40\x35\x80\x00\x00\x00\x00\x00\x61n\x02", 15)) ==
          "cbor/1 n=2,t=21.5 1600000000000000005\n");  // nlohmann sorts keys
    options.fields.time_field = "at";                  // the options apply as to a JSON payload
    CHECK(render("cbor/1", "\xa2\x61t\xf5\x62\x61t\x18\x2a") == "cbor/1 t=true 42000000000\n");  // {"t":true,"at":42}
    // A payload that does not decode is taken as it is: text as text, binary skipped.
    CHECK(render("hex/1", "zz") == "hex/1 value=\"zz\" 1600000000000000005\n");
    CHECK(render("cbor/1", "\xff\xfe").empty());
    CHECK(last_skips.binary == 1);
    CHECK(render("plain", "{\"a\":1}") == "plain a=1 1600000000000000005\n");
  }

  TEST_CASE_FIXTURE(Points, "Sparkplug B: a point per metric, tagged with its name or alias, at its time") {
    decode = {"sparkplug"};
    CHECK(render("spBv1.0/g/DBIRTH/n/d", test_support::fixture("dbirth.bin")) ==
          "spBv1.0/g/DBIRTH/n/d,metric=Inputs/A value_boolean=true 1700000000001000000\n"
          "spBv1.0/g/DBIRTH/n/d,metric=Outputs/B value=-1 1700000000001000000\n");
    CHECK(render("spBv1.0/g/DDATA/n/d", test_support::fixture("ddata.bin")) ==
          "spBv1.0/g/DDATA/n/d,metric=11 value=-32768 1700000000500000000\n");  // DDATA by alias
    options.fields.integers = true;
    CHECK(render("spBv1.0/g/DDATA/n/d", test_support::fixture("ddata.bin")) ==
          "spBv1.0/g/DDATA/n/d,metric=11 value_integer=-32768i 1700000000500000000\n");
  }

  TEST_CASE_FIXTURE(Points, "Sparkplug B: every datatype makes fields InfluxDB takes side by side") {
    decode = {"sparkplug"};
    std::string nbirth = render("spBv1.0/g/NBIRTH/n", test_support::fixture("nbirth.bin"));
    auto line = [&](std::string_view metric) {
      auto found = lines_starting(nbirth, "spBv1.0/g/NBIRTH/n,metric=" + std::string(metric) + " ");
      return found.size() == 1 ? found[0] : "";
    };
    const std::string at = " 1700000000000000000";  // the payload's timestamp
    CHECK(line("bdSeq") == "spBv1.0/g/NBIRTH/n,metric=bdSeq value=0" + at);
    CHECK(line("Node\\ Control/Rebirth") ==
          "spBv1.0/g/NBIRTH/n,metric=Node\\ Control/Rebirth value_boolean=false" + at);
    CHECK(line("int8") == "spBv1.0/g/NBIRTH/n,metric=int8 value=-5" + at);
    CHECK(line("double") == "spBv1.0/g/NBIRTH/n,metric=double value=3.141592653589793" + at);
    CHECK(line("text") == "spBv1.0/g/NBIRTH/n,metric=text value_string=\"a longer text\\nover two lines\"" + at);
    CHECK(line("bytes") == "spBv1.0/g/NBIRTH/n,metric=bytes value_string=\"AAEC/w==\"" + at);
    CHECK(line("int8s") == "spBv1.0/g/NBIRTH/n,metric=int8s value_0=-23,value_1=123" + at);
    CHECK(line("dataset").starts_with("spBv1.0/g/NBIRTH/n,metric=dataset value_columns_0_string=\"a\","));
    CHECK(line("dataset").find(",value_rows_0_0=-1,value_rows_0_1_string=\"x\",value_rows_0_2_boolean=true,") !=
          std::string::npos);
    CHECK(line("old") == "spBv1.0/g/NBIRTH/n,metric=old value=0.5 1600000000000000000");  // its own timestamp
    // "nothing" (is_null) and "empty ints" (an empty array) make no point.
    CHECK(line("nothing").empty());
    CHECK(line("empty\\ ints").empty());
    CHECK(last_skips.metrics_without_point == 2);
    CHECK(lines_starting(nbirth, "spBv1.0").size() == test_support::expected_json("nbirth.json")["metrics"].size() - 2);
  }

  TEST_CASE_FIXTURE(Points, "Sparkplug B: the metric tag sorts with the topic's tags and replaces one of its name") {
    decode = {"sparkplug"};
    options.measurement = "plant";
    options.topic_tags.emplace("spBv1.0/+group/+type/+node/+device");
    CHECK(render("spBv1.0/g/DDATA/n/d", test_support::fixture("ddata.bin")) ==
          "plant,device=d,group=g,metric=11,node=n,type=DDATA value=-32768 1700000000500000000\n");
    options.topic_tags.reset();
    options.topic_tag = "metric";
    CHECK(render("spBv1.0/g/DDATA/n/d", test_support::fixture("ddata.bin")) ==
          "plant,metric=11 value=-32768 1700000000500000000\n");
  }

  TEST_CASE_FIXTURE(Points, "Sparkplug B: a metric beyond the limits is its JSON text in value_string") {
    decode = {"sparkplug"};
    options.fields.max_fields = 2;
    std::string nbirth = render("spBv1.0/g/NBIRTH/n", test_support::fixture("nbirth.bin"));
    CHECK(lines_starting(nbirth, "spBv1.0/g/NBIRTH/n,metric=int8s ")[0] ==
          "spBv1.0/g/NBIRTH/n,metric=int8s value_0=-23,value_1=123 1700000000000000000");
    CHECK(lines_starting(nbirth, "spBv1.0/g/NBIRTH/n,metric=strings ")[0] ==
          R"(spBv1.0/g/NBIRTH/n,metric=strings value_string="[\"ABC\",\"hello\",\"\"]" 1700000000000000000)");
    CHECK(last_skips.over_limit > 0);
  }
}
