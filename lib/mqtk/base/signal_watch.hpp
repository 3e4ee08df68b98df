// Signals as events: the listed signals are blocked and read from a file
// descriptor that the event loop polls, so no handler and no global flag.
// A SIGHUP the process was started ignoring (nohup) is not watched.
#pragma once

#include <signal.h>

#include <initializer_list>
#include <span>

#include "mqtk/base/fd.hpp"

namespace mqtk {

class SignalWatch {
 public:
  explicit SignalWatch(std::span<const int> signals);
  explicit SignalWatch(std::initializer_list<int> signals)
      : SignalWatch(std::span<const int>(signals.begin(), signals.size())) {}
  ~SignalWatch();
  SignalWatch(const SignalWatch&) = delete;
  SignalWatch& operator=(const SignalWatch&) = delete;

  int fd() const { return fd_.get(); }
  // The next pending signal number, or 0 when none is pending.
  int take();
  // Whether a signal waits to be taken, left for take(): a blocking call
  // that cannot poll fd() (libcurl's, at start-up) can still give up when
  // the user asks to stop. Any thread may ask.
  bool pending() const;

 private:
  Fd fd_;
  sigset_t watched_{};
  sigset_t previous_mask_{};
};

}  // namespace mqtk
