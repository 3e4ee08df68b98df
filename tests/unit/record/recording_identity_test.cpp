#include "mqtk/record/recording_identity.hpp"

#include <unistd.h>

#include <filesystem>

#include <doctest/doctest.h>

#include "mqtk/base/error.hpp"
#include "temp_dir.hpp"

TEST_SUITE("recording_identity") {
  TEST_CASE("an output path is absolute whether or not the file exists yet") {
    test_support::TempDir temp;
    std::string real = std::filesystem::canonical(temp.directory);
    std::filesystem::create_directory(temp.directory + "/sub");
    std::filesystem::create_directory_symlink(temp.directory + "/sub", temp.directory + "/link");
    std::string before = std::filesystem::current_path();
    REQUIRE(chdir(temp.directory.c_str()) == 0);
    CHECK(mqtk::absolute_output_path("new.jsonl") == real + "/new.jsonl");
    CHECK(mqtk::absolute_output_path("./sub/../new.jsonl") == real + "/new.jsonl");
    CHECK(mqtk::absolute_output_path("link/x.csv") == real + "/sub/x.csv");  // the directory resolved
    CHECK(mqtk::absolute_output_path(real + "/sub/x.csv") == real + "/sub/x.csv");
    CHECK(mqtk::absolute_output_path("-") == "-");
    CHECK_THROWS_WITH_AS(mqtk::absolute_output_path("missing/x.jsonl"),
                         "-o missing/x.jsonl: cannot use the directory missing: No such file or directory",
                         mqtk::Error);
    CHECK_THROWS_AS(mqtk::absolute_output_path("sub/"), mqtk::Error);
    REQUIRE(chdir(before.c_str()) == 0);
  }

  TEST_CASE("the client id is made of what the recording holds") {
    std::string id = mqtk::recording_client_id({"kitchen/#"}, {"/data/home.jsonl"}, "");
    CHECK(id.size() == 23);
    CHECK(id.starts_with("mqtk-record-"));
    CHECK(id == mqtk::recording_client_id({"kitchen/#"}, {"/data/home.jsonl"}, ""));
    // Other filters, other outputs, another database: another recording.
    CHECK(id != mqtk::recording_client_id({"garage/#"}, {"/data/home.jsonl"}, ""));
    CHECK(id != mqtk::recording_client_id({"kitchen/#"}, {"/data/other.jsonl"}, ""));
    CHECK(id != mqtk::recording_client_id({"kitchen/#"}, {"/data/home.jsonl"}, "http://db:8086 db=x"));
    // The order of -t and -o, or a filter given twice, means the same.
    CHECK(mqtk::recording_client_id({"a", "b"}, {"/x", "/y"}, "") ==
          mqtk::recording_client_id({"b", "a", "b"}, {"/y", "/x"}, ""));
    // Names cannot run into each other.
    CHECK(mqtk::recording_client_id({"ab"}, {}, "") != mqtk::recording_client_id({"a", "b"}, {}, ""));
  }
}
