#include "mqtk/cli/credentials.hpp"

#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <doctest/doctest.h>

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
    auto never = []() -> std::string {
      FAIL("asked");
      return "";
    };
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

  TEST_CASE("which values hold a secret") {
    using mqtk::SecretValue;
    CHECK(mqtk::holds_secret({"x", SecretValue::kWhole}));
    CHECK_FALSE(mqtk::holds_secret({"", SecretValue::kWhole}));
    CHECK(mqtk::holds_secret({"mqtt://a:b@h/t", SecretValue::kMqttUrl}));
    CHECK_FALSE(mqtk::holds_secret({"mqtt://a@h/t", SecretValue::kMqttUrl}));
    CHECK_FALSE(mqtk::holds_secret({"mqtt://a:@h/t", SecretValue::kMqttUrl}));
    CHECK_FALSE(mqtk::holds_secret({"mqtt://h/a:b@c", SecretValue::kMqttUrl}));  // in the topic
    CHECK(mqtk::holds_secret({"socks5h://u:p@h", SecretValue::kProxyUrl}));
    CHECK(mqtk::holds_secret({"socks5h://u:p/q@h", SecretValue::kProxyUrl}));  // no path: '/' is the password's
    CHECK_FALSE(mqtk::holds_secret({"socks5h://h:1080", SecretValue::kProxyUrl}));
  }

  TEST_CASE("secrets on the command line are overwritten in place, however spelled") {
    using mqtk::SecretValue;
    std::vector<std::string> words = {"mqtk-sub",
                                      "-P",
                                      "secret",
                                      "--pw=also",
                                      "-dPglued",
                                      "--psk",
                                      "00ff",
                                      "-L",
                                      "mqtt://u:pass@h/t",
                                      "--url=mqtt://v:word@h/t",
                                      "-dLmqtt://w:x1@h/t",
                                      "--proxy",
                                      "socks5h://x:y/z@p",
                                      "-t",
                                      "keep",
                                      "-m",
                                      "also-not",
                                      "-P",
                                      "-5n"};
    std::vector<char*> argv;
    for (std::string& w : words) argv.push_back(w.data());
    // What the parser read: each value as it stands at the end of its word.
    std::vector<SecretValue> secrets = {{"secret", SecretValue::kWhole},
                                        {"also", SecretValue::kWhole},
                                        {"glued", SecretValue::kWhole},
                                        {"00ff", SecretValue::kWhole},
                                        {"mqtt://u:pass@h/t", SecretValue::kMqttUrl},
                                        {"mqtt://v:word@h/t", SecretValue::kMqttUrl},
                                        {"mqtt://w:x1@h/t", SecretValue::kMqttUrl},
                                        {"socks5h://x:y/z@p", SecretValue::kProxyUrl},
                                        {"-5n", SecretValue::kWhole}};
    mqtk::hide_secrets(static_cast<int>(argv.size()), argv.data(), secrets);
    std::vector<std::string> shown(argv.begin(), argv.end());
    CHECK(shown == std::vector<std::string>{"mqtk-sub", "-P", "xxxxxx", "--pw=xxxx", "-dPxxxxx", "--psk", "xxxx", "-L",
                                            "mqtt://u:xxxx@h/t", "--url=mqtt://v:xxxx@h/t", "-dLmqtt://w:xx@h/t",
                                            "--proxy", "socks5h://x:xxx@p", "-t", "keep", "-m", "also-not", "-P",
                                            "xxx"});
  }

  TEST_CASE("the program's name and values without secrets stay") {
    std::vector<std::string> words = {"secret", "-u", "secret"};
    std::vector<char*> argv;
    for (std::string& w : words) argv.push_back(w.data());
    mqtk::hide_secrets(3, argv.data(), {{"", mqtk::SecretValue::kWhole}, {"mqtt://h/t", mqtk::SecretValue::kMqttUrl}});
    CHECK(std::string(argv[2]) == "secret");
    mqtk::hide_secrets(3, argv.data(), {{"secret", mqtk::SecretValue::kWhole}});
    CHECK(std::string(argv[0]) == "secret");  // argv[0] is the program
    CHECK(std::string(argv[2]) == "xxxxxx");  // the same text elsewhere would show the secret
  }

  TEST_CASE("a process holding a secret cannot dump core") {
    prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
    std::string path = temp_file("pw\n", 0600);
    CHECK(mqtk::read_password_file(path) == "pw");
    CHECK(prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) == 0);
    std::remove(path.c_str());
    prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
    mqtk::keep_out_of_core_dumps();
    CHECK(prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) == 0);
    prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
  }

  TEST_CASE("secret variables are taken out of the environment, bytes and all") {
    prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
    CHECK_FALSE(mqtk::take_secret_variable("MQTK_TEST_UNSET_SECRET").has_value());
    CHECK(prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) == 1);  // nothing held
    // putenv keeps this very array as the entry, as the environment a
    // process starts with keeps its strings on the stack.
    char entry[] = "MQTK_TEST_SECRET=open sesame";
    char near_miss[] = "MQTK_TEST_SECRET_NOT=stays";
    REQUIRE(putenv(entry) == 0);
    REQUIRE(putenv(near_miss) == 0);
    CHECK(mqtk::take_secret_variable("MQTK_TEST_SECRET") == "open sesame");
    CHECK(std::string(entry) == "MQTK_TEST_SECRET=xxxxxxxxxxx");
    CHECK(std::getenv("MQTK_TEST_SECRET") == nullptr);  // no one reads the x's as the value
    CHECK(std::string(near_miss) == "MQTK_TEST_SECRET_NOT=stays");
    CHECK(prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) == 0);
    unsetenv("MQTK_TEST_SECRET_NOT");
    prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
  }

  TEST_CASE("URLs in messages lose their password") {
    CHECK(mqtk::redact_url("mqtt://alice:secret@h:1883/t") == "mqtt://alice:***@h:1883/t");
    CHECK(mqtk::redact_url("mqtt://alice@h/t") == "mqtt://alice@h/t");
    CHECK(mqtk::redact_url("mqtt://h/a:b@c") == "mqtt://h/a:b@c");
  }
}
