// Standard error kept off a full-screen display: while a StderrCapture
// lives, whatever the process writes to descriptor 2 (the reporter's
// warnings, a library's own messages) goes into a pipe instead of over the
// screen. The owner reads the lines to show them its own way, and the last
// kReplayed lines are written to the real standard error when it ends, so
// that what was said is still there once the screen is gone.
#pragma once

#include <cstddef>
#include <deque>
#include <string>
#include <vector>

#include "mqtk/base/fd.hpp"

namespace mqtk {

class StderrCapture {
 public:
  static constexpr std::size_t kReplayed = 50;

  // Throws Error when the pipe cannot be made.
  StderrCapture();
  // Puts standard error back and writes the last lines to it.
  ~StderrCapture();
  StderrCapture(const StderrCapture&) = delete;
  StderrCapture& operator=(const StderrCapture&) = delete;

  // The whole lines written since the last call. Never waits. A writer
  // that fills the pipe between two calls loses what does not fit, rather
  // than waiting for the reader.
  std::vector<std::string> take_lines();

 private:
  Fd read_end_;
  Fd saved_;                        // the real standard error
  std::string partial_;             // the start of a line not ended yet
  std::deque<std::string> recent_;  // the last kReplayed lines
};

}  // namespace mqtk
