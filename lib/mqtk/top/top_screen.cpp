#include "mqtk/top/top_screen.hpp"

#include <curses.h>
#include <langinfo.h>
#include <signal.h>
#include <termios.h>
#include <unistd.h>

#include <clocale>
#include <cstring>

#include "mqtk/base/error.hpp"
#include "mqtk/top/screen_controls.hpp"
#include "mqtk/top/top_text.hpp"

namespace mqtk {
namespace {

// What a crash needs to give the terminal back. A signal handler can reach
// nothing else, so this is the one place kept outside any object; it is
// written once when the screen starts, before the handlers can run, and
// only read by them.
struct CrashRestore {
  bool armed = false;
  termios modes{};
  char sequence[128]{};  // leave the alternate screen, show the cursor, plain text
  std::size_t length = 0;
};
CrashRestore crash_restore;  // NOLINT: read by a signal handler

constexpr int kCrashSignals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};

extern "C" void restore_terminal_and_die(int signo) {
  if (crash_restore.armed) {
    ssize_t ignored = write(STDOUT_FILENO, crash_restore.sequence, crash_restore.length);
    (void)ignored;
    tcsetattr(STDIN_FILENO, TCSANOW, &crash_restore.modes);
  }
  // SA_RESETHAND made the default action current again: die of the signal.
  raise(signo);
}

// The terminal's string capability `name`, or nullptr when it has none.
const char* capability(const char* name) {
  char* value = tigetstr(const_cast<char*>(name));
  return value == reinterpret_cast<char*>(-1) ? nullptr : value;
}

void append_capability(const char* name) {
  const char* value = capability(name);
  if (value == nullptr) return;
  std::size_t length = std::strlen(value);
  if (crash_restore.length + length >= sizeof crash_restore.sequence) return;
  std::memcpy(crash_restore.sequence + crash_restore.length, value, length);
  crash_restore.length += length;
}

void arm_crash_restore(const termios& modes) {
  crash_restore.modes = modes;
  crash_restore.length = 0;
  append_capability("sgr0");
  append_capability("cnorm");
  append_capability("rmcup");
  crash_restore.armed = true;
  struct sigaction action {};
  action.sa_handler = restore_terminal_and_die;
  action.sa_flags = SA_RESETHAND | SA_NODEFER;
  sigemptyset(&action.sa_mask);
  for (int signo : kCrashSignals) sigaction(signo, &action, nullptr);
}

void disarm_crash_restore() {
  crash_restore.armed = false;
  for (int signo : kCrashSignals) signal(signo, SIG_DFL);
}

int screen_key(int key) {
  switch (key) {
    case KEY_UP:
      return kKeyUp;
    case KEY_DOWN:
      return kKeyDown;
    case KEY_LEFT:
      return kKeyLeft;
    case KEY_RIGHT:
      return kKeyRight;
    case KEY_PPAGE:
      return kKeyPageUp;
    case KEY_NPAGE:
      return kKeyPageDown;
    case KEY_HOME:
      return kKeyHome;
    case KEY_END:
      return kKeyEnd;
    case KEY_ENTER:
    case '\n':
    case '\r':
      return kKeyEnter;
    case KEY_BACKSPACE:
    case 127:
    case 8:
      return kKeyBackspace;
    case 27:
      return kKeyEscape;
    case KEY_RESIZE:
      return kKeyResize;
    default:
      return key;
  }
}

// Bytes of `line` that fit in `columns`: a line longer than the screen
// would wrap onto the next one.
int clipped(const std::string& line, int columns) {
  return static_cast<int>(fitting_bytes(line, static_cast<std::size_t>(std::max(columns, 0))));
}

enum ColorPair : short { kHeaderColor = 1, kFooterColor = 2 };

}  // namespace

bool terminal_is_utf8() {
  std::setlocale(LC_ALL, "");
  return std::strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
}

TopScreen::TopScreen(bool color) : color_(color) {
  termios modes{};
  bool have_modes = tcgetattr(STDIN_FILENO, &modes) == 0;
  screen_ = newterm(nullptr, stdout, stdin);
  // A terminal that cannot move the cursor (TERM=dumb, Emacs' shell) is
  // known to curses but would get the screen as one run-on line.
  if (screen_ != nullptr && capability("cup") == nullptr) {
    endwin();
    delscreen(screen_);
    screen_ = nullptr;
  }
  if (screen_ == nullptr) {
    const char* term = std::getenv("TERM");
    throw Error(std::string("cannot drive this terminal (TERM=") + (term != nullptr ? term : "") +
                "); use --once or --json for text");
  }
  if (have_modes) arm_crash_restore(modes);
  cbreak();  // keys one at a time; Ctrl-C stays SIGINT, read as an event
  noecho();
  keypad(stdscr, TRUE);
  nodelay(stdscr, TRUE);
  set_escdelay(25);
  curs_set(0);
  if (color_ && has_colors()) {
    start_color();
    use_default_colors();
    init_pair(kHeaderColor, COLOR_CYAN, -1);
    init_pair(kFooterColor, COLOR_BLACK, COLOR_CYAN);
  } else {
    color_ = false;
  }
}

TopScreen::~TopScreen() {
  endwin();
  delscreen(screen_);
  disarm_crash_restore();
}

std::vector<int> TopScreen::keys() {
  std::vector<int> pressed;
  for (int key = getch(); key != ERR; key = getch()) pressed.push_back(screen_key(key));
  return pressed;
}

std::size_t TopScreen::width() const { return static_cast<std::size_t>(std::max(COLS, 1)); }
std::size_t TopScreen::height() const { return static_cast<std::size_t>(std::max(LINES, 1)); }

void TopScreen::draw(const std::vector<std::string>& header, const std::string& titles,
                     const std::vector<std::string>& rows, std::size_t selected, const std::string& footer) {
  erase();
  int y = 0;
  int bottom = LINES - 1;  // the footer's line
  attr_t header_attr = A_BOLD | (color_ ? COLOR_PAIR(kHeaderColor) : 0);
  for (const std::string& line : header) {
    if (y >= bottom) break;
    attron(header_attr);
    mvaddnstr(y, 0, line.c_str(), clipped(line, COLS));
    ++y;
    attroff(header_attr);
  }
  if (y < bottom) {
    attron(A_REVERSE);
    mvaddnstr(y, 0, titles.c_str(), clipped(titles, COLS));
    // The title bar spans the width.
    for (int x = getcurx(stdscr); x < COLS && getcury(stdscr) == y; ++x) addch(' ');
    attroff(A_REVERSE);
    ++y;
  }
  for (std::size_t i = 0; i < rows.size() && y < bottom; ++i, ++y) {
    if (i == selected) attron(A_REVERSE);
    mvaddnstr(y, 0, rows[i].c_str(), clipped(rows[i], COLS));
    if (i == selected) {
      for (int x = getcurx(stdscr); x < COLS && getcury(stdscr) == y; ++x) addch(' ');
      attroff(A_REVERSE);
    }
  }
  attr_t footer_attr = color_ ? COLOR_PAIR(kFooterColor) : A_REVERSE;
  attron(footer_attr);
  mvaddnstr(bottom, 0, footer.c_str(), clipped(footer, COLS - 1));
  attroff(footer_attr);
  refresh();
}

}  // namespace mqtk
