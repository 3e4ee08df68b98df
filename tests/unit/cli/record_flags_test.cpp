#include "mqtk/cli/record_flags.hpp"

#include <unistd.h>

#include <filesystem>

#include <doctest/doctest.h>

#include "mqtk/base/error.hpp"
#include "temp_dir.hpp"

namespace {

// Flags as typed in a scratch working directory, with $XDG_STATE_HOME in it.
struct Typed {
  test_support::TempDir temp;
  std::string before = std::filesystem::current_path();
  std::string real = std::filesystem::canonical(temp.directory);
  std::string state_home = real + "/state";
  mqtk::RecordFlags flags;
  mqtk::ConnectFlags connect;

  Typed() { REQUIRE(chdir(temp.directory.c_str()) == 0); }
  ~Typed() { (void)!chdir(before.c_str()); }

  mqtk::RecordSetup setup() { return mqtk::build_record_setup(flags, connect, {state_home.c_str(), "/home/u"}); }
};

}  // namespace

TEST_SUITE("record_flags") {
  TEST_CASE_FIXTURE(Typed, "a recording into files keeps a session and state under an id made of what it records") {
    flags.topics = {"sensors/#"};
    flags.outputs = {"sensors.jsonl"};
    mqtk::RecordSetup first = setup();
    CHECK(first.persistent);
    CHECK(first.recording.outputs.at(0).path == real + "/sensors.jsonl");
    CHECK(first.recording_id.starts_with("mqtk-record-"));
    CHECK(connect.id == first.recording_id);
    CHECK(connect.disable_clean_session);
    CHECK(first.state_directory == state_home + "/mqtk/record/" + first.recording_id);
    CHECK(first.state_root == state_home + "/mqtk/record");
    CHECK(first.subscribe.stop_on_takeover);
    // The same meaning from another directory, the file named absolutely: the same id.
    mqtk::ConnectFlags again;
    mqtk::RecordFlags absolute = flags;
    absolute.outputs = {real + "/sensors.jsonl"};
    REQUIRE(chdir("/") == 0);
    CHECK(mqtk::build_record_setup(absolute, again, {state_home.c_str(), nullptr}).recording_id == first.recording_id);
  }

  TEST_CASE_FIXTURE(Typed, "--decode chooses decoders but not the recording: the same id, session and state") {
    flags.topics = {"spBv1.0/#"};
    flags.outputs = {"plant.jsonl"};
    mqtk::RecordSetup plain = setup();
    CHECK_FALSE(plain.recording.decoders);
    flags.payload.decode = {"spBv1.0/#=sparkplug", "cbor"};
    mqtk::ConnectFlags again;
    mqtk::RecordSetup decoding = mqtk::build_record_setup(flags, again, {state_home.c_str(), "/home/u"});
    REQUIRE(decoding.recording.decoders);
    CHECK(decoding.recording.decoders->for_topic("spBv1.0/g/NBIRTH/n")->name() == "sparkplug");
    CHECK(decoding.recording_id == plain.recording_id);
    CHECK(decoding.state_directory == plain.state_directory);
    flags.payload.decode = {"cbr"};
    CHECK_THROWS_AS(setup(), mqtk::UsageError);
  }

  TEST_CASE_FIXTURE(Typed, "standard output alone keeps nothing, unless -i") {
    flags.topics = {"a/#"};
    flags.outputs = {"-"};
    mqtk::RecordSetup alone = setup();
    CHECK_FALSE(alone.persistent);
    CHECK_FALSE(alone.state_directory);
    CHECK_FALSE(connect.id);
    CHECK_FALSE(connect.disable_clean_session);
    mqtk::ConnectFlags with_id;
    with_id.id = "my-recorder";
    mqtk::RecordSetup named = mqtk::build_record_setup(flags, with_id, {state_home.c_str(), nullptr});
    CHECK(named.persistent);
    CHECK(named.recording_id == "my-recorder");
    CHECK(named.state_directory == state_home + "/mqtk/record/my-recorder");
  }

  TEST_CASE_FIXTURE(Typed, "--clean-session keeps no session, but files keep their marks") {
    flags.topics = {"a"};
    flags.outputs = {"a.csv"};
    flags.clean_session = true;
    mqtk::RecordSetup s = setup();
    CHECK_FALSE(s.persistent);
    CHECK_FALSE(connect.disable_clean_session);
    CHECK(s.state_directory.has_value());
  }

  TEST_CASE_FIXTURE(Typed, "MQTT v5 sessions expire after a week unless -x says otherwise") {
    flags.topics = {"a"};
    flags.outputs = {"a.jsonl"};
    connect.protocol_version = "5";
    setup();
    CHECK(connect.session_expiry == "604800");
    mqtk::ConnectFlags given;
    given.protocol_version = "mqttv5";
    given.session_expiry = "60";
    mqtk::build_record_setup(flags, given, {state_home.c_str(), nullptr});
    CHECK(given.session_expiry == "60");
  }

  TEST_CASE_FIXTURE(Typed, "the spool lives in the recording's state unless --spool") {
    flags.topics = {"a"};
    flags.influx_url = "http://db:8086/";
    flags.influx_db = "plant";
    flags.influx_wait = true;
    mqtk::RecordSetup s = setup();
    CHECK(s.recording.influx->url == "http://db:8086");
    CHECK(s.recording.spool_directory == *s.state_directory + "/spool");
    flags.spool = "/var/spool/mine";
    mqtk::ConnectFlags other;
    CHECK(mqtk::build_record_setup(flags, other, {state_home.c_str(), nullptr}).recording.spool_directory ==
          "/var/spool/mine");
  }

  TEST_CASE_FIXTURE(Typed, "mistakes") {
    auto fails_with = [&](const char* message) { CHECK_THROWS_WITH_AS(setup(), message, mqtk::UsageError); };
    fails_with("-t: give at least one topic to record");
    flags.topics = {"a"};
    fails_with("nothing to record into: give -o FILE (or -o - for standard output) or --influx URL");
    flags.outputs = {"x.jsonl.gz"};  // mqtk-record writes plain text; --compress compresses finished files
    fails_with(
        "-o: 'x.jsonl.gz' would hold plain text under a compressed name; name the plain file (--rotate with "
        "--compress compresses the finished ones)");
    flags.outputs = {"x.csv.zst"};
    CHECK_THROWS_AS(setup(), mqtk::UsageError);
    flags.outputs = {"x.jsonl"};
    flags.rotate_clock = "utc";
    fails_with("--rotate-clock: needs --rotate with a time, such as 1h or 1d");
    flags.rotate = "100MB";
    fails_with("--rotate-clock: needs --rotate with a time, such as 1h or 1d");
    flags.rotate = "1h30m";
    flags.rotate_clock = "mars";
    fails_with("--rotate-clock: must be utc or local, not 'mars'");
    flags.rotate_clock.reset();
    flags.compress = "rar";
    fails_with("--compress: must be gzip or zstd, not 'rar'");
    flags.compress.reset();
    flags.rotate.reset();
    flags.keep = "3";
    fails_with("--keep: removes old rotated files; needs --rotate");
    flags.keep.reset();
    connect.id_prefix = "rec-";
    fails_with("-I: a recorder needs the same client id on every run; give -i, or neither");
    connect.id_prefix.reset();
    flags.outputs = {"-"};
    flags.forget = true;
    fails_with("a recording only to standard output keeps no state: nothing to forget or resend");
    flags.list = true;
    fails_with("choose one of --list, --forget and --resend-rejected");
  }

  TEST_CASE_FIXTURE(Typed, "--list needs nothing else") {
    flags.list = true;
    CHECK(setup().mode == mqtk::RecordMode::kList);
  }

  TEST_CASE("state needs a home") {
    mqtk::RecordFlags flags;
    mqtk::ConnectFlags connect;
    flags.list = true;
    CHECK_THROWS_AS(mqtk::build_record_setup(flags, connect, {nullptr, nullptr}), mqtk::Error);
    CHECK(mqtk::build_record_setup(flags, connect, {"", "/home/u"}).state_root == "/home/u/.local/state/mqtk/record");
  }
}
