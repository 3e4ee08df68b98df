#include "mqtk/top/screen_controls.hpp"

#include <algorithm>

namespace mqtk {
namespace {

// The levels a row stands for: a topic's, or a folded prefix's and one more.
int row_levels(const TopicRow& row) { return row.is_folded() ? topic_levels(row.prefix) + 1 : topic_levels(row.topic); }

// Folds `row` into its parent: a topic into the prefix one level up, a
// folded row into the prefix one level above its own. False when it is at
// the top already.
bool fold_row(ViewSettings& view, const TopicRow& row) {
  std::string_view of = row.is_folded() ? std::string_view(row.prefix) : row.topic;
  int parent_levels = topic_levels(of) - 1;
  if (parent_levels < 1) return false;
  view.folded.insert(std::string(topic_prefix(of, parent_levels)));
  return true;
}

bool edit_filter(ScreenState& state, int key) {
  switch (key) {
    case kKeyEnter:
      state.editing_filter = false;
      state.view.filter = state.filter_input;
      state.selected = 0;
      return true;
    case kKeyEscape:
      state.editing_filter = false;
      return false;
    case kKeyBackspace:
      if (!state.filter_input.empty()) state.filter_input.pop_back();
      return false;
    default:
      // Printable ASCII and UTF-8 bytes; other keys are not text.
      if ((key >= 0x20 && key < 0x7f) || (key >= 0x80 && key < 0x100)) state.filter_input += static_cast<char>(key);
      return false;
  }
}

}  // namespace

void fold_deepest(ViewSettings& view, const std::vector<TopicRow>& rows) {
  int deepest = 0;
  for (const TopicRow& row : rows) deepest = std::max(deepest, row_levels(row));
  for (const TopicRow& row : rows) {
    if (row_levels(row) == deepest) fold_row(view, row);
  }
}

void unfold_outermost(ViewSettings& view) {
  if (view.folded.empty() && view.depth > 0) {
    ++view.depth;  // --depth's folds, one level deeper
    return;
  }
  int outermost = 1 << 30;
  for (const std::string& prefix : view.folded) outermost = std::min(outermost, topic_levels(prefix));
  std::erase_if(view.folded, [&](const std::string& prefix) { return topic_levels(prefix) == outermost; });
}

bool press_key(ScreenState& state, int key, const std::vector<TopicRow>& rows) {
  if (state.editing_filter) return edit_filter(state, key);
  std::size_t last = rows.empty() ? 0 : rows.size() - 1;
  const TopicRow* selected = state.selected < rows.size() ? &rows[state.selected] : nullptr;
  switch (key) {
    case 'q':
    case 'Q':
      state.quit = true;
      return false;
    case 'r':
      state.view.sort = SortKey::kRate;
      return true;
    case 'n':
      state.view.sort = SortKey::kName;
      return true;
    case 'c':
      state.view.sort = SortKey::kCount;
      return true;
    case 'a':
      state.view.sort = SortKey::kAge;
      return true;
    case 'p':
    case ' ':
      state.paused = !state.paused;
      return true;
    case '/':
      state.editing_filter = true;
      state.filter_input = state.view.filter;
      return false;
    case kKeyUp:
    case 'k':
      if (state.selected > 0) --state.selected;
      return false;
    case kKeyDown:
    case 'j':
      state.selected = std::min(state.selected + 1, last);
      return false;
    case kKeyPageUp:
      state.selected -= std::min(state.selected, state.page);
      return false;
    case kKeyPageDown:
      state.selected = std::min(state.selected + state.page, last);
      return false;
    case kKeyHome:
      state.selected = 0;
      return false;
    case kKeyEnd:
      state.selected = last;
      return false;
    case kKeyLeft:
    case '-':
    case 'h':
      return selected != nullptr && fold_row(state.view, *selected);
    case kKeyRight:
    case '+':
    case 'l':
    case kKeyEnter:
      return selected != nullptr && selected->is_folded() && state.view.folded.erase(selected->prefix) > 0;
    case '<':
      fold_deepest(state.view, rows);
      return true;
    case '>':
      unfold_outermost(state.view);
      return true;
    case 'e':
      state.view.folded.clear();
      state.view.depth = 0;
      return true;
    default:
      return false;
  }
}

std::string footer_line(const ScreenState& state) {
  if (state.editing_filter) return "filter (topic pattern or text; Enter applies, Esc cancels): " + state.filter_input;
  return "q quit  r/n/c/a sort  / filter  -/+ fold  </> levels  e unfold all  p pause";
}

}  // namespace mqtk
