#include "mqtk/cli/top_flags.hpp"

#include <doctest/doctest.h>

#include "mqtk/base/error.hpp"

namespace {

struct Typed {
  mqtk::TopFlags flags;
  mqtk::ConnectSetup connect;
  mqtk::Reporter reporter{"test"};
  mqtk::TopSetup check(bool interactive = false) {
    return mqtk::check_top_flags(flags, connect, interactive, 100, reporter);
  }
};

}  // namespace

TEST_SUITE("top_flags") {
  TEST_CASE_FIXTURE(Typed, "every topic by default, QoS 0, the full screen on a terminal") {
    mqtk::TopSetup setup = check(true);
    CHECK(setup.subscribe.topics == std::vector<std::string>{"#"});
    CHECK(setup.subscribe.qos == 0);
    CHECK(setup.options.output == mqtk::TopOutput::kScreen);
    CHECK(setup.options.view.sort == mqtk::SortKey::kRate);
    CHECK(setup.options.width == 100);
    CHECK(!setup.evaluation->evaluating());
  }

  TEST_CASE_FIXTURE(Typed, "snapshots for scripts") {
    flags.once = true;
    flags.after = "10s";
    mqtk::TopSetup setup = check();
    CHECK(setup.options.output == mqtk::TopOutput::kText);
    CHECK(setup.options.after == std::chrono::seconds(10));
    CHECK(!setup.options.interval);
    CHECK(setup.subscribe.read_batching == mqtk::kBatchedReading);
    flags = {};
    flags.json = true;
    flags.interval = "500ms";
    flags.topics = {"a/#", "b"};
    flags.sort = "name";
    flags.depth = 2;
    flags.filter = "a/+";
    setup = check();
    CHECK(setup.options.output == mqtk::TopOutput::kJson);
    CHECK(setup.options.interval == std::chrono::milliseconds(500));
    CHECK(setup.subscribe.topics == std::vector<std::string>{"a/#", "b"});
    CHECK(setup.options.view.sort == mqtk::SortKey::kName);
    CHECK(setup.options.view.depth == 2);
    CHECK(setup.options.view.filter == "a/+");
  }

  TEST_CASE_FIXTURE(Typed, "mistakes name their flag") {
    auto fails = [&](const char* needle) {
      try {
        check();
      } catch (const mqtk::UsageError& e) {
        CHECK(std::string(e.what()).find(needle) != std::string::npos);
        return true;
      }
      return false;
    };
    CHECK(fails("needs a terminal"));
    flags.once = true;
    flags.interval = "1s";
    CHECK(fails("--once and --interval"));
    flags = {};
    flags.after = "1s";
    CHECK(fails("--after"));
    flags = {};
    flags.json = true;
    flags.after = "0s";
    CHECK(fails("--after"));
    flags = {};
    flags.json = true;
    flags.topics = {"a/#/b"};
    CHECK(fails("-t"));
    flags = {};
    flags.json = true;
    flags.refresh = "1s";
    CHECK(fails("--refresh"));
    flags = {};
    flags.json = true;
    connect.options.clean_session = false;
    CHECK(fails("-c"));
    connect.options.clean_session = true;
    connect.options.will = mqtk::Will{};
    CHECK(fails("--will-topic"));
  }
}
