#include "mqtk/base/signal_watch.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <doctest/doctest.h>

#include "mqtk/base/error.hpp"

namespace {

bool blocked(int signo) {
  sigset_t current;
  sigprocmask(SIG_BLOCK, nullptr, &current);
  return sigismember(&current, signo) == 1;
}

}  // namespace

// Uses SIGUSR1 and SIGHUP, whose dispositions each case puts back.
TEST_SUITE("signal watch") {
  TEST_CASE("a watched signal is read from the descriptor, once") {
    mqtk::SignalWatch watch{SIGUSR1};
    CHECK(watch.take() == 0);
    raise(SIGUSR1);
    CHECK(watch.take() == SIGUSR1);
    CHECK(watch.take() == 0);
  }

  TEST_CASE("a watched signal is seen pending, and left for take()") {
    mqtk::SignalWatch watch{SIGUSR1};
    CHECK_FALSE(watch.pending());
    raise(SIGUSR1);
    CHECK(watch.pending());
    CHECK(watch.pending());  // still there
    CHECK(watch.take() == SIGUSR1);
    CHECK_FALSE(watch.pending());
  }

  TEST_CASE("a SIGHUP ignored from the start (nohup) is not watched") {
    signal(SIGHUP, SIG_IGN);
    {
      mqtk::SignalWatch watch{SIGHUP, SIGUSR1};
      raise(SIGHUP);
      raise(SIGUSR1);
      CHECK(watch.take() == SIGUSR1);
      CHECK(watch.take() == 0);
    }
    signal(SIGHUP, SIG_DFL);
  }

  TEST_CASE("an ignored SIGINT is still watched, as mosquitto_sub does") {
    struct sigaction previous {};
    sigaction(SIGINT, nullptr, &previous);
    signal(SIGINT, SIG_IGN);
    {
      mqtk::SignalWatch watch{SIGINT};
      raise(SIGINT);
      CHECK(watch.take() == SIGINT);
    }
    sigaction(SIGINT, &previous, nullptr);
  }

  TEST_CASE("a watch that cannot start leaves the signal mask as it was") {
    REQUIRE_FALSE(blocked(SIGUSR1));
    // No descriptor to spare: the lowest free number is past the limit.
    int lowest_free = open("/dev/null", O_RDONLY | O_CLOEXEC);
    REQUIRE(lowest_free >= 0);
    close(lowest_free);
    rlimit limit{};
    REQUIRE(getrlimit(RLIMIT_NOFILE, &limit) == 0);
    rlimit tight = limit;
    tight.rlim_cur = static_cast<rlim_t>(lowest_free);
    REQUIRE(setrlimit(RLIMIT_NOFILE, &tight) == 0);
    bool threw = false;
    try {
      mqtk::SignalWatch watch{SIGUSR1};
    } catch (const mqtk::Error&) {
      threw = true;
    }
    setrlimit(RLIMIT_NOFILE, &limit);
    CHECK(threw);
    CHECK_FALSE(blocked(SIGUSR1));
    sigset_t usr1;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    sigprocmask(SIG_UNBLOCK, &usr1, nullptr);  // for the cases after this one, had it failed
  }
}
