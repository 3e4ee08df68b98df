#include "mqtk/base/signal_watch.hpp"

#include <doctest/doctest.h>
#include <signal.h>

// Uses SIGUSR1 and SIGHUP, whose dispositions each case puts back.
TEST_SUITE("signal watch") {
  TEST_CASE("a watched signal is read from the descriptor, once") {
    mqtk::SignalWatch watch{SIGUSR1};
    CHECK(watch.take() == 0);
    raise(SIGUSR1);
    CHECK(watch.take() == SIGUSR1);
    CHECK(watch.take() == 0);
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
}
