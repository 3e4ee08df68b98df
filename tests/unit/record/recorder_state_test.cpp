#include "mqtk/record/recorder_state.hpp"

#include <filesystem>
#include <fstream>
#include <memory>

#include <doctest/doctest.h>

#include "mqtk/base/error.hpp"
#include "temp_dir.hpp"

TEST_SUITE("recorder_state") {
  TEST_CASE("what a run saves, the next run reads") {
    test_support::TempDir temp;
    std::string directory = temp.directory + "/record/mqtk-record-0123456789a";
    mqtk::RecordingDescription description;
    description.client_id = "mqtk-record-0123456789a";
    description.broker = "localhost:1883";
    description.filters = {"kitchen/#"};
    description.outputs = {"/data/home.jsonl"};
    mqtk::FileMark mark{"/data/home.jsonl", {1, 2}, 10, true, 0};
    {
      mqtk::RecorderState state(directory);
      CHECK(state.saved().subscribed.empty());
      state.begin_run(description);
      state.set_subscribed({"kitchen/#"});
      state.set_mark("/data/home.jsonl", mark);
      // The first run is still running: nobody else may take it.
      CHECK_THROWS_AS(mqtk::RecorderState{directory}, mqtk::Error);
      auto listed = mqtk::RecorderState::list(temp.directory + "/record");
      REQUIRE(listed.size() == 1);
      CHECK(listed[0].running);
      CHECK(listed[0].recording.description.filters == description.filters);
      CHECK(listed[0].recording.last_stopped.empty());
    }  // a crash: end_run never came
    auto state = std::make_unique<mqtk::RecorderState>(directory);
    CHECK(state->saved().description.broker == "localhost:1883");
    CHECK(state->saved().subscribed == std::vector<std::string>{"kitchen/#"});
    CHECK_FALSE(state->saved().last_started.empty());
    CHECK(state->saved().last_stopped.empty());
    auto read = state->mark("/data/home.jsonl");
    REQUIRE(read);
    CHECK(read->identity == mqtk::FileIdentity{1, 2});
    CHECK(read->from == 10);
    CHECK(read->open);
    CHECK_FALSE(state->mark("/data/other.jsonl"));
    state->end_run();
    state.reset();
    CHECK_FALSE(mqtk::RecorderState::list(temp.directory + "/record")[0].running);
    CHECK_FALSE(mqtk::RecorderState::list(temp.directory + "/record")[0].recording.last_stopped.empty());
  }

  TEST_CASE("a damaged state file is an error naming it, not a silent fresh start") {
    test_support::TempDir temp;
    std::filesystem::create_directories(temp.directory + "/r");
    std::ofstream(temp.directory + "/r/state.json") << "{\"recording\": [";
    CHECK_THROWS_WITH_AS(mqtk::RecorderState{temp.directory + "/r"},
                         ("recorder state " + temp.directory +
                          "/r/state.json is damaged; move it away (the recording's file marks and filters are then "
                          "forgotten)")
                             .c_str(),
                         mqtk::Error);
  }

  TEST_CASE("where state lives") {
    CHECK(mqtk::RecorderState::root_directory("/x", "/home/u") == "/x/mqtk/record");
    CHECK(mqtk::RecorderState::root_directory(nullptr, "/home/u") == "/home/u/.local/state/mqtk/record");
    CHECK(mqtk::RecorderState::root_directory("relative", "/home/u") == "/home/u/.local/state/mqtk/record");
    CHECK_THROWS_AS(mqtk::RecorderState::root_directory(nullptr, nullptr), mqtk::Error);
  }
}
