#include "mqtk/output/format_program.hpp"

#include <cstdlib>
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <mosquitto.h>
#include <mqtt_protocol.h>

#include "allocation_counter.hpp"
#include "mqtk/base/error.hpp"

namespace {

// 2020-05-06T21:48:00.123456789 UTC
constexpr timespec kWhen{1588801680, 123456789};

struct Fixture {
  Fixture() {
    setenv("TZ", "UTC", 1);
    tzset();
    message.topic = "things/1/temperature";
    message.payload = "36.5";
    message.qos = 1;
    message.mid = 7;
    message.received = kWhen;
  }
  std::string render(std::string_view format, bool end_of_line = false, bool pretty = false,
                     mqtk::FormatVersion version = mqtk::FormatVersion::kMosquitto20) {
    warnings.clear();
    mqtk::FormatProgram program(
        format, end_of_line, pretty, [this](std::string_view w) { warnings.emplace_back(w); }, version);
    std::string out;
    program.render(message, out);
    return out;
  }
  mqtk::Message message;
  std::vector<std::string> warnings;
};

}  // namespace

TEST_SUITE("format_program") {
  TEST_CASE_FIXTURE(Fixture, "message fields") {
    CHECK(render("%t %p") == "things/1/temperature 36.5");
    CHECK(render("%l|%m|%q|%r|%%") == "4|7|1|0|%");
    message.retain = true;
    CHECK(render("%r") == "1");
    CHECK(render("%x|%X") == "33362e35|33362E35");
    CHECK(render("%t", true) == "things/1/temperature\n");
    CHECK(render("literal only") == "literal only");
  }

  TEST_CASE_FIXTURE(Fixture, "escapes") {
    CHECK(render("\\\\\\a\\e\\n\\r\\t\\v") == "\\\a\033\n\r\t\v");
    CHECK(render("a\\0b") == std::string("a\0b", 3));
  }

  TEST_CASE_FIXTURE(Fixture, "widths, precision and flags on strings") {
    CHECK(render("%25t|") == "     things/1/temperature|");
    CHECK(render("%-25t|") == "things/1/temperature     |");
    CHECK(render("%.6t|") == "things|");
    CHECK(render("%8.6t|") == "  things|");
    CHECK(render("%-8.6t|") == "things  |");
    CHECK(render("%.t|") == "|");
    CHECK(render("%025t|") == "     things/1/temperature|");  // 0 pads numbers only
  }

  TEST_CASE_FIXTURE(Fixture, "widths and flags on numbers") {
    CHECK(render("%5l|") == "    4|");
    CHECK(render("%-5l|") == "4    |");
    CHECK(render("%05l|") == "00004|");
    CHECK(render("%-05m|") == "7    |");  // - wins over 0
    CHECK(render("%1l|") == "4|");
  }

  TEST_CASE_FIXTURE(Fixture, "payload widths truncate, as in mosquitto_sub") {
    CHECK(render("%6p|") == "  36.5|");
    CHECK(render("%-6p|") == "36.5  |");
    CHECK(render("%06p|") == "0036.5|");
    CHECK(render("%2p|") == "36|");
    CHECK(render("%-p|") == "36.5    |");  // a negative pad: as many spaces as bytes
    // With a width, hex shows min(length, width) / 2 bytes.
    CHECK(render("%6x|") == "  3336|");
    CHECK(render("%-10x|") == "3336      |");
    CHECK(render("%09X|") == "000003336|");
    CHECK(render("%-x|") == "33362e35    |");
  }

  TEST_CASE_FIXTURE(Fixture, "2.1's hex: the width counts digits, a precision groups them") {
    const auto v21 = mqtk::FormatVersion::kMosquitto21;
    // The man page's examples.
    message.payload = "\x18\x83";
    CHECK(render("%.2x", false, false, v21) == "18 83");
    CHECK(render("%.2:x", false, false, v21) == "18:83");
    CHECK(render("%.2x") == "1883");  // 2.0 ignores the precision
    // mosquitto_sub 2.0.11 with -F %18x and the payload "mes" shows "6d", padded.
    message.payload = "mes";
    CHECK(render("%18x|") == "                6d|");
    CHECK(render("%18x|", false, false, v21) == "            6d6573|");
    message.payload = "36.5";
    CHECK(render("%.2X", false, false, v21) == "33 36 2E 35");
    CHECK(render("%.4-x", false, false, v21) == "3336-2e35");
    CHECK(render("%-12.2x|", false, false, v21) == "33 36 2e 35    |");
    CHECK(render("%2x|", false, false, v21) == "3336|");  // cut at `width` bytes, so wider than asked
    message.payload = "A";
    CHECK(render("%08.2x", false, false, v21) == "00 00 00 41");  // the padding is grouped too
    CHECK(render("%.2x|%x|%X", false, false, v21) == "41|41|41");
  }

  TEST_CASE_FIXTURE(Fixture, "2.1's %f and %d: the payload as a binary float or double") {
    float single = 21.5f;
    double twice = -3.25;
    std::string as_float(reinterpret_cast<const char*>(&single), sizeof single);
    std::string as_double(reinterpret_cast<const char*>(&twice), sizeof twice);
    const auto v21 = mqtk::FormatVersion::kMosquitto21;
    message.payload = as_float;
    CHECK(render("%f", false, false, v21) == "21.500000");
    CHECK(render("%.1f|%08.2f|%-8.1f|%8f|", false, false, v21) == "21.5|00021.50|21.5    |21.500000|");
    message.payload = as_double;
    CHECK(render("%d|%.2d|%010.3d", false, false, v21) == "-3.250000|-3.25|-00003.250");
    CHECK(warnings.empty());
    CHECK(render("<%f>", false, false, v21) == "<>");
    REQUIRE(warnings.size() == 1);
    CHECK(warnings[0] == "requested float printing, but non-float data received");
    message.payload = as_float;
    CHECK(render("<%d>", false, false, v21) == "<>");
    CHECK(warnings == std::vector<std::string>{"requested double printing, but non-double data received"});
  }

  TEST_CASE_FIXTURE(Fixture, "2.1's JSON: retain a boolean, the time without Z, user properties in an array") {
    const auto v21 = mqtk::FormatVersion::kMosquitto21;
    message.retain = true;
    CHECK(render("%j", false, false, v21) ==
          R"({"tst":"2020-05-06T21:48:00.123456+0000","topic":"things/1/temperature","qos":1,"retain":true,)"
          R"("payloadlen":4,"mid":7,"payload":"36.5"})");
    mosquitto_property* props = nullptr;
    mosquitto_property_add_string_pair(&props, MQTT_PROP_USER_PROPERTY, "a", "b");
    mosquitto_property_add_int16(&props, MQTT_PROP_TOPIC_ALIAS, 3);
    mosquitto_property_add_string_pair(&props, MQTT_PROP_USER_PROPERTY, "a", "c");
    message.properties = props;
    message.retain = false;
    CHECK(render("%J", false, false, v21) ==
          R"({"tst":"2020-05-06T21:48:00.123456+0000","topic":"things/1/temperature","qos":1,"retain":false,)"
          R"("payloadlen":4,"mid":7,"properties":{"user-properties":[{"a":"b"},{"a":"c"}],"topic-alias":3},)"
          R"("payload":36.5})");
    CHECK(render("%j", false, true, v21) ==
          "{\n\t\"tst\":\t\"2020-05-06T21:48:00.123456+0000\",\n\t\"topic\":\t\"things/1/temperature\",\n"
          "\t\"qos\":\t1,\n\t\"retain\":\tfalse,\n\t\"payloadlen\":\t4,\n\t\"mid\":\t7,\n"
          "\t\"properties\":\t{\n\t\t\"user-properties\":\t[{\n\t\t\t\t\"a\":\t\"b\"\n\t\t\t}, {\n"
          "\t\t\t\t\"a\":\t\"c\"\n\t\t\t}],\n\t\t\"topic-alias\":\t3\n\t},\n\t\"payload\":\t\"36.5\"\n}");
    // 2.0 as before: one object with the key repeated, retain 0/1, the Z.
    CHECK(render("%j").find(R"("retain":0,)") != std::string::npos);
    CHECK(render("%j").find(R"({"user-properties":{"a":"b","a":"c"},)") != std::string::npos);
    message.properties = nullptr;
    mosquitto_property_free_all(&props);
    CHECK(render("[%05C]", false, false, v21) == "[00000]");  // 2.1 pads a missing one with the pad
    CHECK(render("[%05C]") == "[     ]");
  }

  TEST_CASE_FIXTURE(Fixture, "absent v5 properties") {
    CHECK(render("[%A][%C][%D][%E][%F][%P][%R][%S]") == "[][][][][][][][]");
    CHECK(render("[%3A][%03A][%3C][%03C][%03E][%-3F][%3R][%3S]") == "[   ][000][   ][   ][000][   ][][   ]");
  }

  TEST_CASE_FIXTURE(Fixture, "v5 properties") {
    mosquitto_property* props = nullptr;
    mosquitto_property_add_string_pair(&props, MQTT_PROP_USER_PROPERTY, "a", "b");
    mosquitto_property_add_string(&props, MQTT_PROP_CONTENT_TYPE, "text/plain");
    mosquitto_property_add_binary(&props, MQTT_PROP_CORRELATION_DATA, "x\0y", 3);
    mosquitto_property_add_int32(&props, MQTT_PROP_MESSAGE_EXPIRY_INTERVAL, 4294967295u);
    mosquitto_property_add_byte(&props, MQTT_PROP_PAYLOAD_FORMAT_INDICATOR, 1);
    mosquitto_property_add_string_pair(&props, MQTT_PROP_USER_PROPERTY, "a", "c");
    mosquitto_property_add_string(&props, MQTT_PROP_RESPONSE_TOPIC, "reply/t");
    mosquitto_property_add_varint(&props, MQTT_PROP_SUBSCRIPTION_IDENTIFIER, 42);
    mosquitto_property_add_int16(&props, MQTT_PROP_TOPIC_ALIAS, 3);
    message.properties = props;
    CHECK(render("%A|%C|%D|%E|%F|%P|%R|%S") == std::string("3|text/plain|x\0y|-1|1|a:b a:c|reply/t|42", 40));
    CHECK(render("%-4C|%.4C|%6.2R|%04S|%-4A|") == "text/plain|text|    re|0042|3   |");
    mosquitto_property_free_all(&props);
  }

  TEST_CASE_FIXTURE(Fixture, "time sequences use the receive time") {
    CHECK(render("%I") == "2020-05-06T21:48:00+0000");
    CHECK(render("%30I|") == "      2020-05-06T21:48:00+0000|");
    CHECK(render("%.10I|") == "2020-05-06|");
    CHECK(render("%U") == "1588801680.123456789");
    CHECK(render("@Y-@m-@d @H:@M:@S.@N @@ @%") == "2020-05-06 21:48:00.123456789 @ %");
    message.received = timespec{1588801681, 5};
    CHECK(render("@S.@N") == "01.000000005");  // a new second is computed afresh
  }

  TEST_CASE_FIXTURE(Fixture, "local time zone") {
    setenv("TZ", "Asia/Seoul", 1);
    tzset();
    CHECK(render("%I") == "2020-05-07T06:48:00+0900");
    setenv("TZ", "UTC", 1);
    tzset();
  }

  TEST_CASE_FIXTURE(Fixture, "JSON sequences") {
    CHECK(render("%j") ==
          R"({"tst":"2020-05-06T21:48:00.123456Z+0000","topic":"things/1/temperature","qos":1,"retain":0,)"
          R"("payloadlen":4,"mid":7,"payload":"36.5"})");
    CHECK(render("%J") ==
          R"({"tst":"2020-05-06T21:48:00.123456Z+0000","topic":"things/1/temperature","qos":1,"retain":0,)"
          R"("payloadlen":4,"mid":7,"payload":36.5})");
    CHECK(warnings.empty());
    message.payload = "not json";
    CHECK(render("<%J>", true) == "<>\n");
    REQUIRE(warnings.size() == 1);
    CHECK(warnings[0] == "Error: Message payload is not valid JSON on topic things/1/temperature.");
  }

  TEST_CASE_FIXTURE(Fixture, "a program renders many messages into one buffer") {
    mqtk::FormatProgram program("%t=%p;", false, false, nullptr);
    std::string out;
    for (int i = 0; i < 3; ++i) program.render(message, out);
    CHECK(out == "things/1/temperature=36.5;things/1/temperature=36.5;things/1/temperature=36.5;");
  }

  TEST_CASE("invalid formats") {
    auto compile = [](std::string_view format) { mqtk::FormatProgram(format, true, false, nullptr); };
    CHECK_THROWS_WITH_AS(compile("%"), "-F: incomplete format specifier at the end of the format", mqtk::UsageError);
    CHECK_THROWS_AS(compile("%-"), mqtk::UsageError);
    CHECK_THROWS_AS(compile("%10"), mqtk::UsageError);
    CHECK_THROWS_AS(compile("%10."), mqtk::UsageError);
    CHECK_THROWS_WITH(compile("%k"), "-F: invalid format specifier '%k'");
    CHECK_THROWS_WITH(compile("%0-5p"), "-F: invalid format specifier '%-'");
    CHECK_THROWS_WITH(compile("x@"), "-F: incomplete time specifier '@' at the end of the format");
    CHECK_THROWS_WITH(compile("x\\"), "-F: incomplete escape '\\' at the end of the format");
    CHECK_THROWS_WITH(compile("\\q"), "-F: invalid escape '\\q'");
    CHECK_THROWS_WITH(compile("%99999p"), "-F: field width or precision larger than 65535");
    CHECK_NOTHROW(compile(""));
    CHECK_NOTHROW(compile("%-0p %.p %05.3t @q \\0"));
    // mosquitto_sub 2.1's additions, refused as 2.0 refuses them unless asked for.
    CHECK_THROWS_WITH(compile("%f"), "-F: invalid format specifier '%f'");
    CHECK_THROWS_WITH(compile("%.2:x"), "-F: invalid format specifier '%:'");
    auto compile21 = [](std::string_view format) {
      mqtk::FormatProgram(format, true, false, nullptr, mqtk::FormatVersion::kMosquitto21);
    };
    CHECK_NOTHROW(compile21("%f %d %.2x %.2:X %.4 x %:t %..x"));
    CHECK_THROWS_WITH(compile21("%0-5p"), "-F: invalid format specifier '%5'");  // '-': a hex separator in 2.1
    CHECK_THROWS_WITH(compile21("%.2:"), "-F: incomplete format specifier at the end of the format");
  }
}

TEST_SUITE("format_program") {
  TEST_CASE_FIXTURE(Fixture, "no allocation per message in the steady state") {
    mqtk::FormatProgram program("%t %p %l %m %q %r %x %5t %-8p| %I @Y-@m-@dT@H:@M:@S.@N %U %j %J\\t\\0", true, false,
                                nullptr);
    message.payload = R"({"temp": 21.5, "ok": true})";
    std::string out;
    out.reserve(1 << 16);
    program.render(message, out);  // warm up: the first second's texts
    std::size_t before = test_support::allocations();
    for (int i = 0; i < 1000; ++i) {
      out.clear();
      message.received.tv_nsec = i;
      program.render(message, out);
    }
    CHECK(test_support::allocations() == before);
    CHECK(out.find("{\"temp\":21.5,\"ok\":true}") != std::string::npos);
  }
}
