// mqtk-top's full screen, through ncurses: draws the lines it is given
// (top_text), in place, and reads the keys. Thin on purpose: what the lines
// say and what the keys do are tested without a terminal.
//
// The terminal is given back as it was on every way out: the destructor
// (a normal end, q, SIGINT and SIGTERM, which the tools read as events, an
// exception), and a crash: SIGSEGV, SIGBUS, SIGFPE, SIGILL and SIGABRT (a
// failed assertion in a library, std::terminate) restore the terminal's
// modes and leave the alternate screen before the process dies of them.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

struct screen;

namespace mqtk {

class TopScreen {
 public:
  // Takes over the terminal on standard input and output. `color`: whether
  // to use colours (NO_COLOR and --color decide). Throws Error when the
  // terminal cannot be driven (TERM unknown).
  explicit TopScreen(bool color);
  ~TopScreen();
  TopScreen(const TopScreen&) = delete;
  TopScreen& operator=(const TopScreen&) = delete;

  // The keys pressed since the last call (ScreenKey codes and characters);
  // never waits.
  std::vector<int> keys();

  std::size_t width() const;
  std::size_t height() const;

  // Draws the header lines, the column titles, the rows (as many as fit)
  // with rows[selected] highlighted, and the footer.
  void draw(const std::vector<std::string>& header, const std::string& titles, const std::vector<std::string>& rows,
            std::size_t selected, const std::string& footer);

 private:
  bool color_;
  struct ::screen* screen_ = nullptr;
};

// Whether the locale's character set is UTF-8 (sparklines in block
// characters, else ASCII). Sets the locale from the environment first.
bool terminal_is_utf8();

}  // namespace mqtk
