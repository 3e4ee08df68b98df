#include "mqtk/top/top_text.hpp"

#include <cmath>
#include <vector>

#include <doctest/doctest.h>

namespace {

using std::chrono::milliseconds;
const mqtk::TopTime kStart{std::chrono::seconds(1000)};
const mqtk::TextStyle kAscii{false};
const mqtk::TextStyle kUnicode{true};

}  // namespace

TEST_SUITE("top_text") {
  TEST_CASE("numbers in their columns") {
    CHECK(mqtk::short_rate(0) == "0.0");
    CHECK(mqtk::short_rate(12.34) == "12.3");
    CHECK(mqtk::short_rate(1234.4) == "1234");
    CHECK(mqtk::short_rate(123456) == "123.5k");
    CHECK(mqtk::short_count(9'999'999) == "9999999");
    CHECK(mqtk::short_count(12'345'678) == "12.35M");
    CHECK(mqtk::short_bytes(1023) == "1023");
    CHECK(mqtk::short_bytes(1536) == "1.5K");
    CHECK(mqtk::short_bytes(20 * 1024 * 1024) == "20M");
    CHECK(mqtk::short_age(0.42) == "0.4s");
    CHECK(mqtk::short_age(42) == "42s");
    CHECK(mqtk::short_age(600) == "10m");
    CHECK(mqtk::short_age(7200) == "2h");
    CHECK(mqtk::short_age(86400 * 3) == "3d");
  }

  TEST_CASE("sparklines") {
    std::vector<double> rising{0, 1, 2, 3, 4, 5, 6, 7};
    CHECK(mqtk::sparkline(rising, true, kAscii) == "_.-:=+*#");
    CHECK(mqtk::sparkline(rising, true, kUnicode) == "▁▂▃▄▅▆▇█");
    // Any message at all shows above the baseline.
    std::vector<double> one_busy{0, 1, 0, 1000};
    CHECK(mqtk::sparkline(one_busy, true, kAscii) == "_._#");
    // Values scale from their smallest, and a gap is a blank.
    std::vector<double> values{20.0, 21.0, std::nan(""), 22.0};
    CHECK(mqtk::sparkline(values, false, kAscii) == "_= #");
    std::vector<double> flat{5, 5};
    CHECK(mqtk::sparkline(flat, false, kAscii) == "__");
  }

  TEST_CASE("one line of text, cut to a width") {
    CHECK(mqtk::one_line("short", 10, kAscii) == "short");
    CHECK(mqtk::one_line("a\nb\tc", 10, kAscii) == "a b c");
    CHECK(mqtk::one_line("abcdefghij", 5, kAscii) == "abcd~");
    CHECK(mqtk::one_line("abcdefghij", 5, kUnicode) == "abcd…");
    // Cut between characters, not inside one.
    CHECK(mqtk::one_line("ééééé", 3, kUnicode) == "éé…");
    // A terminal's control sequences are shown, not obeyed.
    CHECK(mqtk::one_line("\x1b[2J", 20, kAscii) == "\\x1b[2J");
    // Wide characters take two columns: cut to the width, not to a count.
    CHECK(mqtk::one_line("温度センサー", 7, kUnicode) == "温度セ…");
    CHECK(mqtk::one_line("温度センサー", 6, kUnicode) == "温度…");
    CHECK(mqtk::one_line("🔥🔥🔥", 4, kAscii) == "🔥~");
  }

  TEST_CASE("terminal columns of text") {
    CHECK(mqtk::text_columns("abc") == 3);
    CHECK(mqtk::text_columns("é") == 1);
    CHECK(mqtk::text_columns("e\u0301") == 1);  // a combining accent takes no column
    CHECK(mqtk::text_columns("温度") == 4);
    CHECK(mqtk::text_columns("🔥x") == 3);
    CHECK(mqtk::fitting_bytes("温度x", 3) == 3);  // the second ideograph would need columns 3 and 4
    CHECK(mqtk::fitting_bytes("温度x", 4) == 6);
    CHECK(mqtk::fitting_bytes("abc", 10) == 3);
    CHECK(mqtk::fitting_bytes("abc", 0) == 0);
  }

  TEST_CASE("numbers in payloads") {
    CHECK(mqtk::number_in("21.5") == 21.5);
    CHECK(mqtk::number_in(" -3e2 \n") == -300.0);
    CHECK(std::isnan(mqtk::number_in("")));
    CHECK(std::isnan(mqtk::number_in("21 C")));
    CHECK(std::isnan(mqtk::number_in("nan")));
    CHECK(std::isnan(mqtk::number_in("inf")));
    CHECK(std::isnan(mqtk::number_in("0x10")));
    CHECK(std::isnan(mqtk::number_in("{\"t\":1}")));
  }

  TEST_CASE("a row fits its width") {
    mqtk::TopicTable table(kStart, 10);
    for (int i = 0; i < 20; ++i)
      table.add("sensors/kitchen/temp", std::to_string(20 + i % 3), 1, true, kStart + milliseconds(i * 500));
    auto now = kStart + milliseconds(10'000);
    table.evaluate_changed([](std::string_view, const mqtk::TopicStats& stats) {
      return mqtk::Evaluation{.text = stats.payload, .value = mqtk::number_in(stats.payload)};
    });
    std::vector<mqtk::TopicRow> rows = mqtk::view_rows(table, {}, now);
    REQUIRE(rows.size() == 1);
    std::string line = mqtk::row_line(rows[0], kAscii, 80);
    CHECK(line.size() <= 80);
    CHECK(line.rfind("    2.0 ########      20  0.5s 1r     2 sensors/kitchen/temp", 0) == 0);
    CHECK(line.find(" 21") != std::string::npos);
    CHECK(mqtk::column_titles(80).rfind(" RATE/s HISTORY    COUNT   AGE QR  SIZE TOPIC", 0) == 0);
    CHECK(mqtk::column_titles(80).size() <= 80);
  }

  TEST_CASE("the header: broker, state, totals, and what the view does") {
    mqtk::TopicTable table(kStart, 1);
    table.add("a", "12", 0, false, kStart);
    table.add("b", "345", 0, false, kStart);
    mqtk::TopHeader header;
    header.broker = "127.0.0.1:1883";
    header.state = "connected";
    header.paused = true;
    header.view.filter = "a/#";
    header.rows = 1;
    std::vector<std::string> lines = mqtk::header_lines(header, table, kStart + milliseconds(500), kAscii, 200);
    REQUIRE(lines.size() == 2);
    CHECK(lines[0] == "mqtk-top  127.0.0.1:1883  connected  2.0 msg/s  1 topic  2 messages  5B");
    CHECK(lines[1] == "sort: rate  filter: a/#  rows: 1  PAUSED  dropping: 1 message beyond 1 topics");
  }
}
