#include "mqtk/cli/options_file.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "mqtk/base/error.hpp"
#include "temp_dir.hpp"

using Args = std::vector<std::string>;

namespace {

std::string write_file(const test_support::TempDir& dir, const std::string& name, const std::string& text,
                       mode_t mode) {
  std::string path = dir.directory + "/" + name;
  FILE* f = std::fopen(path.c_str(), "w");
  REQUIRE(f != nullptr);
  std::fputs(text.c_str(), f);
  std::fclose(f);
  REQUIRE(chmod(path.c_str(), mode) == 0);
  return path;
}

}  // namespace

TEST_SUITE("options_file") {
  TEST_CASE("path: XDG_CONFIG_HOME, then HOME") {
    CHECK(mqtk::options_file_path("sub", "/x", "/home/u") == "/x/mqtk/sub");
    CHECK(mqtk::options_file_path("pub", "", "/home/u") == "/home/u/.config/mqtk/pub");
    CHECK(mqtk::options_file_path("pub", nullptr, "/home/u") == "/home/u/.config/mqtk/pub");
    CHECK_FALSE(mqtk::options_file_path("pub", nullptr, nullptr).has_value());
  }

  TEST_CASE("mosquitto's file: XDG_CONFIG_HOME alone when set, else HOME, for the tools mosquitto has") {
    CHECK(mqtk::mosquitto_options_file_path("pub", "/x", "/home/u") == "/x/mosquitto_pub");
    CHECK(mqtk::mosquitto_options_file_path("sub", "/x", nullptr) == "/x/mosquitto_sub");
    CHECK(mqtk::mosquitto_options_file_path("rr", nullptr, "/home/u") == "/home/u/.config/mosquitto_rr");
    CHECK(mqtk::mosquitto_options_file_path("pub", "", "/home/u") == "/home/u/.config/mosquitto_pub");
    CHECK_FALSE(mqtk::mosquitto_options_file_path("pub", nullptr, nullptr).has_value());
    CHECK_FALSE(mqtk::mosquitto_options_file_path("record", "/x", "/home/u").has_value());
  }

  TEST_CASE("the default file: mqtk's own, else mosquitto's, never both") {
    test_support::TempDir dir;
    const std::string xdg = dir.directory + "/xdg";
    const std::string home = dir.directory + "/home";
    std::filesystem::create_directories(xdg + "/mqtk");
    std::filesystem::create_directories(home + "/.config/mqtk");
    auto read = [&](const char* xdg_value, const char* name = "pub") {
      return mqtk::read_default_options_file(name, xdg_value, home.c_str(), geteuid());
    };
    CHECK_FALSE(read(xdg.c_str()).has_value());
    write_file(dir, "home/.config/mosquitto_pub", "-t from/home\n", 0600);
    // XDG_CONFIG_HOME set: mosquitto looks there alone, and so do we.
    CHECK_FALSE(read(xdg.c_str()).has_value());
    auto file = read(nullptr);
    REQUIRE(file.has_value());
    CHECK(file->path == home + "/.config/mosquitto_pub");
    CHECK(file->args == Args{"-t", "from/home"});

    write_file(dir, "xdg/mosquitto_pub", "-t from/xdg\n-m  two  words \n", 0600);
    file = read(xdg.c_str());
    REQUIRE(file.has_value());
    CHECK(file->args == Args{"-t", "from/xdg", "-m", " two  words "});  // mosquitto keeps the blanks

    write_file(dir, "xdg/mqtk/pub", "-t mqtk/own\n", 0600);
    file = read(xdg.c_str());
    REQUIRE(file.has_value());
    CHECK(file->args == Args{"-t", "mqtk/own"});
    CHECK_FALSE(read(xdg.c_str(), "record").has_value());  // no mosquitto_record

    write_file(dir, "xdg/mosquitto_sub", "-t a\n", 0666);  // the same checks as mqtk's own
    CHECK_THROWS_AS(read(xdg.c_str(), "sub"), mqtk::UsageError);
  }

  TEST_CASE("mosquitto's syntax: '#' in the first column, the value verbatim after one space") {
    auto parse = [](std::string_view text) {
      return mqtk::parse_options_text(text, "f", mqtk::OptionsSyntax::kMosquitto);
    };
    CHECK(parse("# comment\n-m hello # not a comment\r\n\n   \n-v \n  -q 1\n") ==
          Args{"-m", "hello # not a comment", "-v", "-q", "1"});
    CHECK(parse("-D publish user-property k v\n") == Args{"-D", "publish", "user-property", "k", "v"});
    CHECK(parse("-m a\tb\n") == Args{"-m", "a\tb"});
  }

  TEST_CASE("one flag a line, the rest of the line is its value") {
    auto args = mqtk::parse_options_text(
        "# defaults\n"
        "-h broker.local\r\n"
        "\n"
        "   -v\n"
        "--will-payload going  away \n"
        "-D publish user-property  k v\n");
    CHECK(args == Args{"-h", "broker.local", "-v", "--will-payload", "going  away", "-D", "publish", "user-property",
                       "k", "v"});
  }

  TEST_CASE("comments and blank lines only") {
    CHECK(mqtk::parse_options_text("# nothing\n\n  \n").empty());
    CHECK(mqtk::parse_options_text("").empty());
  }

  TEST_CASE("a comment after a value is refused where it is, not taken into the value") {
    CHECK_THROWS_WITH_AS(mqtk::parse_options_text("# mine\n-h localhost # the broker\n", "/home/u/.config/mqtk/sub"),
                         "/home/u/.config/mqtk/sub:2: '-h localhost # the broker': a comment goes on a line of its own "
                         "(a value cannot hold ' #' here)",
                         mqtk::UsageError);
    CHECK_THROWS_AS(mqtk::parse_options_text("-v\t# verbose\n"), mqtk::UsageError);
    CHECK(mqtk::parse_options_text("-m a#b\n") == Args{"-m", "a#b"});  // no blank before it: part of the value
  }

  TEST_CASE("reading files") {
    test_support::TempDir dir;
    CHECK_FALSE(mqtk::read_options_file(dir.directory + "/none", geteuid()).has_value());
    std::string path = write_file(dir, "flags", "-p 1884\n-q 1", 0600);  // no final newline
    auto file = mqtk::read_options_file(path, geteuid());
    REQUIRE(file.has_value());
    CHECK(file->path == path);
    CHECK(file->args == Args{"-p", "1884", "-q", "1"});
    CHECK(file->permissions == 0600);
    CHECK_NOTHROW(mqtk::require_private(*file));
    // Readable by others is fine until it holds credentials.
    chmod(path.c_str(), 0644);
    file = mqtk::read_options_file(path, geteuid());
    REQUIRE(file.has_value());
    CHECK_THROWS_WITH_AS(mqtk::require_private(*file),
                         ("options file " + path +
                          ": holds credentials but other users can read it (mode 0644); "
                          "run chmod 600 " +
                          path)
                             .c_str(),
                         mqtk::UsageError);
  }

  TEST_CASE("only what its owner alone can write") {
    test_support::TempDir dir;
    std::string path = write_file(dir, "flags", "-h broker\n", 0600);
    for (mode_t mode : {0602, 0620, 0622, 0660, 0666, 0777}) {
      chmod(path.c_str(), mode);
      char text[8];
      std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode));
      CHECK_THROWS_WITH_AS(mqtk::read_options_file(path, geteuid()),
                           ("options file " + path + ": other users can write it (mode " + text +
                            "), and so choose your broker; run chmod 600 " + path)
                               .c_str(),
                           mqtk::UsageError);
    }
  }

  TEST_CASE("only a file of our own or root's") {
    test_support::TempDir dir;
    std::string path = write_file(dir, "flags", "-h broker\n", 0644);
    // A file of another user: root gives one away; anyone else reads their
    // own file as if they were someone else.
    uid_t owner = geteuid();
    uid_t reader = owner + 1;
    if (owner == 0) {
      owner = 65534;
      reader = 0;
      REQUIRE(chown(path.c_str(), owner, static_cast<gid_t>(-1)) == 0);
    }
    CHECK_THROWS_WITH_AS(
        mqtk::read_options_file(path, reader),
        ("options file " + path + ": owned by uid " + std::to_string(owner) +
         ", not by you or root, so its owner chooses your broker; run chown " + std::to_string(reader) + " " + path)
            .c_str(),
        mqtk::UsageError);
    CHECK(mqtk::read_options_file(path, owner).has_value());
    if (geteuid() == 0) {
      REQUIRE(chown(path.c_str(), 0, static_cast<gid_t>(-1)) == 0);
      CHECK(mqtk::read_options_file(path, 65534).has_value());  // root's files are trusted
    }
  }

  TEST_CASE("only regular files, without blocking on a FIFO") {
    test_support::TempDir dir;
    std::string fifo = dir.directory + "/fifo";
    REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
    CHECK_THROWS_WITH_AS(
        mqtk::read_options_file(fifo, geteuid()),
        ("options file " + fifo + ": a FIFO, not a regular file; replace it with a file of flags").c_str(),
        mqtk::UsageError);
    CHECK_THROWS_WITH_AS(
        mqtk::read_options_file("/dev/zero", geteuid()),
        "options file /dev/zero: a character device, not a regular file; replace it with a file of flags",
        mqtk::UsageError);
    CHECK_THROWS_WITH_AS(
        mqtk::read_options_file(dir.directory, geteuid()),
        ("options file " + dir.directory + ": a directory, not a regular file; replace it with a file of flags")
            .c_str(),
        mqtk::UsageError);
    // A symbolic link to a regular file is followed.
    std::string target = write_file(dir, "target", "-q 1\n", 0600);
    std::string link = dir.directory + "/link";
    REQUIRE(symlink(target.c_str(), link.c_str()) == 0);
    auto file = mqtk::read_options_file(link, geteuid());
    REQUIRE(file.has_value());
    CHECK(file->args == Args{"-q", "1"});
  }
}
