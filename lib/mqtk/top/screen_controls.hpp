// What mqtk-top's keys do to the full-screen view: sort, filter, fold and
// unfold levels of the topic tree, pause, move the cursor, quit. Pure (the
// screen turns ncurses' key codes into these), so the tests press keys
// without a terminal.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "mqtk/top/topic_view.hpp"

namespace mqtk {

// Keys besides characters (which are their own code).
enum ScreenKey : int {
  kKeyUp = 0x10000,
  kKeyDown,
  kKeyLeft,
  kKeyRight,
  kKeyPageUp,
  kKeyPageDown,
  kKeyHome,
  kKeyEnd,
  kKeyEnter,
  kKeyBackspace,
  kKeyEscape,
  kKeyResize,
};

struct ScreenState {
  ViewSettings view;
  bool paused = false;
  bool quit = false;
  std::size_t selected = 0;  // the cursor's row
  bool editing_filter = false;
  std::string filter_input;  // typed so far, while editing
  std::size_t page = 20;     // rows a page key moves: the screen sets it
};

// Applies `key` with `rows` the rows on the screen now. Returns whether the
// view must be built again (sort, filter or folds changed).
bool press_key(ScreenState& state, int key, const std::vector<TopicRow>& rows);

// The line at the bottom: the keys, or the filter being typed.
std::string footer_line(const ScreenState& state);

// Folds the deepest level shown (every row as deep as the deepest goes into
// its parent), and unfolds the outermost folds (undoing the last '<'): the
// '<' and '>' keys.
void fold_deepest(ViewSettings& view, const std::vector<TopicRow>& rows);
void unfold_outermost(ViewSettings& view);

}  // namespace mqtk
