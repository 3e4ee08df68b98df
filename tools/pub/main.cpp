// mqtk-pub: publish MQTT messages, mosquitto_pub's flags and behaviour,
// without losing any.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>

#include "mqtk/cli.hpp"
#include "mqtk/error.hpp"
#include "mqtk/publish_source.hpp"
#include "mqtk/publisher.hpp"
#include "mqtk/topic.hpp"

namespace {

// The largest payload MQTT can carry.
constexpr std::size_t kMaxPayload = 268435455;

struct PubFlags {
  std::optional<std::string> topic;
  std::optional<std::string> message;
  std::optional<std::string> file;
  bool stdin_whole = false;
  bool stdin_lines = false;
  bool null_message = false;
  int qos = 0;
  bool retain = false;
  long repeat = 1;
  double repeat_delay = 0;
};

void add_pub_flags(CLI::App& app, PubFlags& flags) {
  const char* group = "Message";
  app.add_option("-t,--topic", flags.topic, "Topic to publish to")->group(group);
  app.add_option("-m,--message", flags.message, "Publish this message")->group(group);
  app.add_option("-f,--file", flags.file, "Publish the contents of this file as one message")->group(group);
  app.add_flag("-s,--stdin-file", flags.stdin_whole, "Publish all of standard input as one message")->group(group);
  app.add_flag("-l,--stdin-line", flags.stdin_lines, "Publish each line of standard input as a message")->group(group);
  app.add_flag("-n,--null-message", flags.null_message, "Publish an empty message")->group(group);
  app.add_option("-q,--qos", flags.qos, "Quality of service: 0, 1 or 2 (default: 0)")
      ->check(CLI::Range(0, 2))->group(group);
  app.add_flag("-r,--retain", flags.retain, "Ask the broker to retain the message")->group(group);
  app.add_option("--repeat", flags.repeat, "Publish the message this many times (-m, -f, -s, -n)")
      ->check(CLI::Range(1L, 1000000000L))->group(group);
  app.add_option("--repeat-delay", flags.repeat_delay, "Seconds between repeats, after each is acknowledged")
      ->check(CLI::Range(0.0, 86400.0))->group(group);
}

std::string read_all(std::istream& in, const std::string& what) {
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw mqtk::Error("cannot read " + what);
  if (content.size() > kMaxPayload) {
    throw mqtk::UsageError(what + " is " + std::to_string(content.size()) +
                           " bytes long; an MQTT message holds at most 268435455");
  }
  return content;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw mqtk::Error("-f: cannot open '" + path + "': " + std::strerror(errno));
  return read_all(in, "-f '" + path + "'");
}

std::unique_ptr<mqtk::PublishSource> make_source(const PubFlags& flags, const std::string& topic,
                                                 const mosquitto_property* properties) {
  int chosen = (flags.message ? 1 : 0) + (flags.file ? 1 : 0) + flags.stdin_whole + flags.stdin_lines +
               flags.null_message;
  if (chosen == 0) throw mqtk::UsageError("nothing to publish: give one of -m, -f, -s, -l or -n");
  if (chosen > 1) throw mqtk::UsageError("give only one of -m, -f, -s, -l and -n");
  if (flags.stdin_lines) {
    if (flags.repeat != 1) throw mqtk::UsageError("--repeat: cannot repeat -l input");
    return std::make_unique<mqtk::LineInput>(STDIN_FILENO, topic, flags.qos, flags.retain, properties);
  }
  std::string payload;
  if (flags.message) {
    payload = *flags.message;
  } else if (flags.file) {
    payload = read_file(*flags.file);
  } else if (flags.stdin_whole) {
    payload = read_all(std::cin, "-s standard input");
    if (payload.empty()) throw mqtk::UsageError("-s: standard input was empty; use -n to publish an empty message");
  }
  auto delay = std::chrono::microseconds(static_cast<long long>(flags.repeat_delay * 1e6));
  return std::make_unique<mqtk::RepeatedMessage>(topic, std::move(payload), flags.qos, flags.retain, properties,
                                                 flags.repeat, delay);
}

}  // namespace

int main(int argc, char** argv) {
  const mqtk::ToolInfo tool{"mqtk-pub",
                            "mqtk-pub [-h host] [-p port] -t topic {-m message | -f file | -s | -l | -n} [-q qos] [-r]",
                            "pub"};
  return mqtk::run_tool(tool, [&](mqtk::Reporter& reporter) {
    mqtk::CommandLine command_line(tool, "Publish MQTT messages: mosquitto_pub's flags, without losing any.");
    PubFlags flags;
    add_pub_flags(command_line.app(), flags);
    if (auto status = command_line.parse(argc, argv, reporter)) return *status;
    mqtk::ConnectSetup setup = command_line.connect_setup();
    if (flags.topic && setup.url_topic) throw mqtk::UsageError("-t: the topic is already given by -L");
    if (!flags.topic && !setup.url_topic) throw mqtk::UsageError("-t: give the topic to publish to");
    std::string topic = flags.topic ? *flags.topic : *setup.url_topic;
    mqtk::check_publish_topic(topic, flags.topic ? "-t" : "-L");
    // mosquitto_pub accepts these too; say that they do nothing here.
    for (const std::string& command : setup.options.properties.commands_in_use()) {
      if (command == "subscribe" || command == "unsubscribe") {
        reporter.warning("-D " + command + ": mqtk-pub sends no " + command + " packets; ignored");
      }
    }

    auto source = make_source(flags, topic, setup.options.properties.publish.get());
    mqtk::Publisher publisher(setup.options, *source, reporter, [](std::string_view line) {
      std::fwrite(line.data(), 1, line.size(), stdout);
      std::fputc('\n', stdout);
    });
    return publisher.run();
  });
}
