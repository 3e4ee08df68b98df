#include "mqtk/cli/payload_flags.hpp"

#include <CLI/CLI.hpp>

#include <doctest/doctest.h>

#include "mqtk/base/error.hpp"

TEST_SUITE("payload_flags") {
  TEST_CASE("--decode repeated, in order, and --proto-path") {
    CLI::App app;
    mqtk::PayloadFlags flags;
    mqtk::add_payload_flags(app, flags, "Payloads");
    app.parse(std::vector<std::string>{"hex", "--decode", ".", "--proto-path", "a/+=cbor", "--decode"});
    CHECK(flags.decode == std::vector<std::string>{"a/+=cbor", "hex"});
    CHECK(flags.proto_paths == std::vector<std::string>{"."});
    mqtk::PayloadSetup setup = mqtk::check_payload_flags(flags);
    REQUIRE(setup.decoders.for_topic("a/b") != nullptr);
    CHECK(setup.decoders.for_topic("a/b")->name() == "cbor");
    CHECK(setup.decoders.for_topic("other")->name() == "hex");
  }

  TEST_CASE("no flags: nothing decoded") {
    mqtk::PayloadSetup setup = mqtk::check_payload_flags({});
    CHECK(setup.decoders.empty());
    CHECK(setup.decoders.for_topic("a") == nullptr);
  }

  TEST_CASE("mistakes name their flag") {
    mqtk::PayloadFlags flags;
    flags.decode = {"sensors/#=yaml"};
    CHECK_THROWS_AS(mqtk::check_payload_flags(flags), mqtk::UsageError);
    flags.decode.clear();
    flags.proto_paths = {"schemas"};
    CHECK_THROWS_WITH_AS(
        mqtk::check_payload_flags(flags),
        "--proto-path: where protobuf schemas are found; give --decode protobuf:FILE.proto:MESSAGE too",
        mqtk::UsageError);
    flags.decode = {"hex"};
    flags.proto_paths = {"/nowhere/at/all"};
    CHECK_THROWS_WITH_AS(mqtk::check_payload_flags(flags), "--proto-path /nowhere/at/all: No such file or directory",
                         mqtk::UsageError);
    flags.proto_paths = {"/dev/null"};
    CHECK_THROWS_WITH_AS(mqtk::check_payload_flags(flags), "--proto-path /dev/null: not a directory", mqtk::UsageError);
  }
}
