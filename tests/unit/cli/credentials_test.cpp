#include "mqtk/cli/credentials.hpp"

#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "mqtk/base/error.hpp"

namespace {

std::string temp_file(const std::string& content, mode_t mode) {
  char path[] = "/tmp/mqtk-credentials-XXXXXX";
  int fd = mkstemp(path);
  REQUIRE(fd >= 0);
  REQUIRE(write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size()));
  close(fd);
  chmod(path, mode);
  return path;
}

}  // namespace

TEST_SUITE("credentials") {
  TEST_CASE("where the password comes from") {
    auto never = []() -> std::string { FAIL("asked"); return ""; };
    mqtk::PasswordSources s;
    CHECK_FALSE(mqtk::resolve_password(s, never).has_value());
    s.environment = "from-env";
    CHECK_FALSE(mqtk::resolve_password(s, never).has_value());  // only with a user name
    s.has_username = true;
    CHECK(mqtk::resolve_password(s, never) == "from-env");
    s.value = "typed";
    CHECK(mqtk::resolve_password(s, never) == "typed");
    s.value.reset();
    s.prompt = true;
    CHECK(mqtk::resolve_password(s, [] { return std::string("asked"); }) == "asked");
    std::string path = temp_file("from-file\nsecond line\n", 0600);
    s.prompt = false;
    s.file = path;
    CHECK(mqtk::resolve_password(s, never) == "from-file");
    s.value = "typed";
    CHECK_THROWS_WITH_AS(mqtk::resolve_password(s, never), "-P/--pw-file: give the password one way only",
                         mqtk::UsageError);
    std::remove(path.c_str());
    CHECK_THROWS_AS(mqtk::read_password_file("/nonexistent/pw"), mqtk::Error);
    CHECK_THROWS_WITH(mqtk::read_password_file("/", "--influx-token-file"),
                      "--influx-token-file '/': cannot read: Is a directory");
  }

  TEST_CASE("which options-file arguments are secret") {
    using Args = std::vector<std::string>;
    CHECK(mqtk::holds_credentials(Args{"-u", "alice", "-P", "x"}));
    CHECK(mqtk::holds_credentials(Args{"--psk", "00ff"}));
    CHECK(mqtk::holds_credentials(Args{"-L", "mqtt://a:b@h/t"}));
    CHECK(mqtk::holds_credentials(Args{"--proxy", "socks5h://u:p@h"}));
    CHECK_FALSE(mqtk::holds_credentials(Args{"-L", "mqtt://a@h/t", "-u", "alice", "-h", "h"}));
  }

  TEST_CASE("options files with secrets must be private") {
    std::string open_file = temp_file("-P x\n", 0644);
    CHECK_THROWS_WITH_AS(mqtk::check_private_file(open_file),
                         (open_file + ": holds credentials but other users can read it (mode 0644); run chmod 600 " +
                          open_file).c_str(),
                         mqtk::UsageError);
    chmod(open_file.c_str(), 0600);
    CHECK_NOTHROW(mqtk::check_private_file(open_file));
    std::remove(open_file.c_str());
  }

  TEST_CASE("secrets on the command line are overwritten in place") {
    std::vector<std::string> words = {"mqtk-sub", "-P", "secret", "--pw=also", "-Pglued", "--psk", "00ff",
                                      "-L", "mqtt://u:pass@h/t", "--proxy", "socks5h://x:y@p", "-t", "keep"};
    std::vector<char*> argv;
    for (std::string& w : words) argv.push_back(w.data());
    mqtk::hide_secrets(static_cast<int>(argv.size()), argv.data());
    CHECK(std::string(argv[2]) == "xxxxxx");
    CHECK(std::string(argv[3]) == "--pw=xxxx");
    CHECK(std::string(argv[4]) == "-Pxxxxx");
    CHECK(std::string(argv[6]) == "xxxx");
    CHECK(std::string(argv[8]) == "mqtt://u:xxxx@h/t");
    CHECK(std::string(argv[10]) == "socks5h://x:x@p");
    CHECK(std::string(argv[12]) == "keep");
  }

  TEST_CASE("URLs in messages lose their password") {
    CHECK(mqtk::redact_url("mqtt://alice:secret@h:1883/t") == "mqtt://alice:***@h:1883/t");
    CHECK(mqtk::redact_url("mqtt://alice@h/t") == "mqtt://alice@h/t");
    CHECK(mqtk::redact_url("mqtt://h/a:b@c") == "mqtt://h/a:b@c");
  }
}
