#include "mqtk/top/screen_controls.hpp"

#include <doctest/doctest.h>

namespace {

const mqtk::TopTime kStart{std::chrono::seconds(1000)};

struct Screen {
  mqtk::TopicTable table{kStart, 100};
  mqtk::ScreenState state;
  std::vector<mqtk::TopicRow> rows;

  Screen() {
    table.add("plant/line1/speed", "1", 0, false, kStart);
    table.add("plant/line2/speed", "1", 0, false, kStart);
    table.add("sensors/a", "1", 0, false, kStart);
    state.view.sort = mqtk::SortKey::kName;
    build();
  }
  void build() { rows = mqtk::view_rows(table, state.view, kStart); }
  // Presses `key`, building the rows again when the view changed, as the screen does.
  bool press(int key) {
    bool changed = mqtk::press_key(state, key, rows);
    if (changed) build();
    return changed;
  }
  std::string selected() const { return std::string(rows.at(state.selected).name()); }
};

}  // namespace

TEST_SUITE("screen_controls") {
  TEST_CASE_FIXTURE(Screen, "sort keys") {
    CHECK(press('c'));
    CHECK(state.view.sort == mqtk::SortKey::kCount);
    CHECK(press('a'));
    CHECK(state.view.sort == mqtk::SortKey::kAge);
    CHECK(press('r'));
    CHECK(state.view.sort == mqtk::SortKey::kRate);
    CHECK(press('n'));
    CHECK(state.view.sort == mqtk::SortKey::kName);
  }

  TEST_CASE_FIXTURE(Screen, "the cursor moves within the rows") {
    CHECK(selected() == "plant/line1/speed");
    CHECK(!press(mqtk::kKeyUp));
    CHECK(state.selected == 0);
    press(mqtk::kKeyDown);
    press('j');
    press(mqtk::kKeyDown);
    CHECK(selected() == "sensors/a");
    press(mqtk::kKeyHome);
    CHECK(state.selected == 0);
    press(mqtk::kKeyEnd);
    CHECK(state.selected == 2);
    state.page = 2;
    press(mqtk::kKeyPageUp);
    CHECK(state.selected == 0);
  }

  TEST_CASE_FIXTURE(Screen, "folding the selected row into its parent, and unfolding it") {
    CHECK(press(mqtk::kKeyLeft));
    CHECK(state.view.folded.count("plant/line1") == 1);
    CHECK(selected() == "plant/line1/+");
    CHECK(press('-'));  // and further up
    CHECK(selected() == "plant/#");
    CHECK(rows.size() == 2);
    CHECK(press(mqtk::kKeyRight));  // back to the fold below it
    CHECK(selected() == "plant/line1/+");
    CHECK(press('+'));
    CHECK(selected() == "plant/line1/speed");
    CHECK(!press('+'));  // a topic does not unfold
    press(mqtk::kKeyEnd);
    CHECK(press('-'));
    CHECK(selected() == "sensors/+");
    CHECK(!press('-'));  // a top level has no parent
  }

  TEST_CASE("a fold at an empty first level unfolds too") {
    mqtk::TopicTable table(kStart, 10);
    table.add("/a", "1", 0, false, kStart);
    table.add("/b", "1", 0, false, kStart);
    mqtk::ScreenState state;
    std::vector<mqtk::TopicRow> rows = mqtk::view_rows(table, state.view, kStart);
    CHECK(mqtk::press_key(state, '-', rows));
    rows = mqtk::view_rows(table, state.view, kStart);
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].name() == "/+");
    CHECK(mqtk::press_key(state, '+', rows));
    CHECK(mqtk::view_rows(table, state.view, kStart).size() == 2);
  }

  TEST_CASE_FIXTURE(Screen, "folding and unfolding a level at a time") {
    CHECK(press('<'));
    CHECK(rows.size() == 3);
    CHECK(rows[0].name() == "plant/line1/+");
    CHECK(press('<'));
    CHECK(rows.size() == 2);
    CHECK(rows[0].name() == "plant/#");
    CHECK(rows[1].name() == "sensors/a");  // not as deep as the others were
    CHECK(press('>'));
    CHECK(rows.size() == 3);
    CHECK(press('e'));
    CHECK(state.view.folded.empty());
    CHECK(rows.size() == 3);
    CHECK(rows[0].name() == "plant/line1/speed");
  }

  TEST_CASE_FIXTURE(Screen, "typing a filter") {
    CHECK(!press('/'));
    CHECK(state.editing_filter);
    for (char c : std::string("sensoq")) press(c);
    press(mqtk::kKeyBackspace);
    press('r');
    CHECK(!state.quit);  // q was text
    CHECK(mqtk::footer_line(state).find("sensor") != std::string::npos);
    CHECK(press(mqtk::kKeyEnter));
    CHECK(state.view.filter == "sensor");
    CHECK(rows.size() == 1);
    // Esc leaves the filter as it was.
    press('/');
    press('x');
    CHECK(!press(mqtk::kKeyEscape));
    CHECK(state.view.filter == "sensor");
  }

  TEST_CASE_FIXTURE(Screen, "pause and quit") {
    CHECK(press('p'));
    CHECK(state.paused);
    CHECK(press(' '));
    CHECK(!state.paused);
    press('q');
    CHECK(state.quit);
  }
}
