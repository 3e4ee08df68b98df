#include "mqtk/base/signal_watch.hpp"

#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "mqtk/base/error.hpp"

namespace mqtk {
namespace {

bool ignored(int signo) {
  struct sigaction current {};
  return sigaction(signo, nullptr, &current) == 0 && current.sa_handler == SIG_IGN;
}

}  // namespace

SignalWatch::SignalWatch(std::span<const int> signals) {
  sigset_t mask;
  sigemptyset(&mask);
  for (int signo : signals) {
    // Linux queues a blocked signal even when it is ignored, so watching a
    // SIGHUP that nohup set to be ignored would undo nohup. (A shell also
    // starts background jobs with SIGINT ignored, but mosquitto_sub stops on
    // `kill -INT` there, and so do we.)
    if (signo == SIGHUP && ignored(signo)) continue;
    sigaddset(&mask, signo);
  }
  // The descriptor first: blocking is the step to undo, and a constructor
  // that throws after it gets no destructor to undo it (a failed signalfd,
  // out of descriptors, left the signals blocked for good).
  watched_ = mask;
  fd_.reset(signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC));
  if (!fd_.valid()) throw Error(std::string("signalfd: ") + std::strerror(errno));
  if (sigprocmask(SIG_BLOCK, &mask, &previous_mask_) != 0) {
    throw Error(std::string("sigprocmask: ") + std::strerror(errno));
  }
}

SignalWatch::~SignalWatch() { sigprocmask(SIG_SETMASK, &previous_mask_, nullptr); }

bool SignalWatch::pending() const {
  sigset_t pending, watched_and_pending;
  if (sigpending(&pending) != 0) return false;
  sigandset(&watched_and_pending, &pending, &watched_);
  return sigisemptyset(&watched_and_pending) == 0;
}

int SignalWatch::take() {
  signalfd_siginfo info{};
  ssize_t n = read(fd_.get(), &info, sizeof info);
  return n == static_cast<ssize_t>(sizeof info) ? static_cast<int>(info.ssi_signo) : 0;
}

}  // namespace mqtk
