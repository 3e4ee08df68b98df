// mqtk-top's table as text, the same for the full screen and for --once:
// the header (broker, connection, totals, what the view does), the column
// titles, and one line a row, each fitted to a width. Pure: the screen adds
// colour and the cursor, --once prints the lines as they are.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "mqtk/top/topic_table.hpp"
#include "mqtk/top/topic_view.hpp"

namespace mqtk {

// What the header says besides the table's totals.
struct TopHeader {
  std::string broker;  // "127.0.0.1:1883"
  std::string state;   // "connected", "connecting", "reconnecting"
  bool paused = false;
  ViewSettings view;     // sort key, filter, folds
  std::size_t rows = 0;  // rows the view shows
};

// How text is drawn: Unicode block characters for sparklines and "…" for
// shortened text, or ASCII when the terminal's character set is not UTF-8.
struct TextStyle {
  bool unicode = true;
};

// The two header lines.
std::vector<std::string> header_lines(const TopHeader& header, const TopicTable& table, TopTime now, TextStyle style,
                                      std::size_t width);
// The column titles.
std::string column_titles(std::size_t width);
// One row.
std::string row_line(const TopicRow& row, TextStyle style, std::size_t width);

// A sparkline of `values`, one character each, scaled from 0 (or the
// smallest value when `from_zero` is false) to the largest. NaN is a blank.
std::string sparkline(std::span<const double> values, bool from_zero, TextStyle style);

// Numbers as the columns show them.
std::string short_rate(double per_second);  // "0.5", "12.0", "1234", "12.3k"
std::string short_count(long long count);   // "999999", "1.23M"
std::string short_bytes(long long bytes);   // "512", "1.5K", "2.0M"
std::string short_age(double seconds);      // "0.4s", "12s", "3m", "2h", "4d"

// Terminal columns of valid UTF-8 `text`: CJK ideographs and most emoji
// take two, combining marks none (glibc's tables, whatever the locale).
std::size_t text_columns(std::string_view text);
// Bytes of the longest start of valid UTF-8 `text` within `width` columns,
// cut between code points.
std::size_t fitting_bytes(std::string_view text, std::size_t width);

// `text` as one line of at most `width` terminal columns: control
// characters escaped, line breaks and tabs made spaces, and a longer text cut
// with "…" ("~" in ASCII).
std::string one_line(std::string_view text, std::size_t width, TextStyle style);

// The number `text` is (JSON's or C's notation, spaces around it allowed),
// or NaN.
double number_in(std::string_view text);

}  // namespace mqtk
