#include "mqtk/cli/pub_flags.hpp"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdlib>

#include "mqtk/base/error.hpp"
#include "mqtk/base/whole_file.hpp"
#include "mqtk/cli/cli.hpp"
#include "mqtk/mqtt/topic.hpp"

namespace mqtk {
namespace {

// The largest payload MQTT can carry.
constexpr std::size_t kMaxPayload = 268435455;

}  // namespace

void add_pub_flags(CLI::App& app, PubFlags& flags) {
  const char* group = "Message";
  app.add_option("-t,--topic", flags.topic, "Topic to publish to")->group(group);
  app.add_option("-m,--message", flags.message, "Publish this message")->group(group);
  app.add_option("-f,--file", flags.file, "Publish the contents of this file as one message")->group(group);
  app.add_flag("-s,--stdin-file", flags.stdin_whole, "Publish all of standard input as one message")->group(group);
  app.add_flag("-l,--stdin-line", flags.stdin_lines, "Publish each line of standard input as a message")->group(group);
  app.add_flag("-n,--null-message", flags.null_message, "Publish an empty message")->group(group);
  app.add_option("-q,--qos", flags.qos, "Quality of service: 0, 1 or 2 (default: 0)")
      ->type_name("{0,1,2}")
      ->check(CLI::Range(0, 2))
      ->group(group);
  app.add_flag("-r,--retain", flags.retain, "Ask the broker to retain the message")
      ->each([&flags](const std::string&) { flags.retain_given = true; })
      ->group(group);
  app.add_option("--repeat", flags.repeat, "Publish the message this many times (-m, -f, -s, -n)")
      ->type_name("N")
      ->check(CLI::Range(1L, 1000000000L))
      ->group(group);
  app.add_option("--repeat-delay", flags.repeat_delay, "Seconds between repeats, after each is acknowledged")
      ->type_name("SECONDS")
      ->check(decimal_between(0.0, 86400.0))
      ->group(group);

  const char* replay = "Replay";
  app.add_option("--replay", flags.replay, "Publish a recording (mqtk-record, mqtk-sub --json/--csv); - for stdin")
      ->type_name("FILE")
      ->group(replay);
  app.add_option("--speed", flags.speed, "Replay speed: 0.5, 2, 10..., or max (default 1)")->group(replay);
  app.add_option("--loop", flags.loop, "Replay again and again, or N times")
      ->expected(0, 1)
      ->allow_extra_args(false)
      ->type_name("N")
      ->group(replay);
  app.add_option("--topic-prefix", flags.topic_prefix, "Put this in front of every replayed topic")->group(replay);
  app.add_option("--topic-map", flags.topic_map, "Replace the topic prefix OLD by NEW; repeatable")
      ->type_name("OLD=NEW")
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->group(replay);
  app.add_option("--from", flags.from, "Start at this time (RFC 3339) or this long after the first message")
      ->type_name("TIME")
      ->group(replay);
  app.add_option("--to", flags.to, "Stop after this time (RFC 3339) or this long after the first message")
      ->type_name("TIME")
      ->group(replay);
  app.add_flag("--skip-bad", flags.skip_bad, "Skip malformed records (default: stop at the first)")->group(replay);
}

namespace {

// Mistakes in a replay's flags are shown with the replay's usage line.
constexpr const char* kReplayUsage =
    "mqtk-pub [-h host] --replay {file|-} [--speed X|max] [--loop [N]] [--from T] [--to T] [--topic-map OLD=NEW]";

ReplayOptions replay_options(const PubFlags& flags, const ConnectSetup& connect, const StandardStreams& streams);

}  // namespace

ReplayOptions make_replay_options(const PubFlags& flags, const ConnectSetup& connect, const StandardStreams& streams) {
  try {
    ReplayOptions options = replay_options(flags, connect, streams);
    TimeBounds(options.from, options.to);  // --from and --to checked now, not at the first record
    return options;
  } catch (const UsageError& e) {
    if (!e.usage().empty()) throw;
    throw UsageError(e.what(), kReplayUsage);
  }
}

namespace {

ReplayOptions replay_options(const PubFlags& flags, const ConnectSetup& connect, const StandardStreams& streams) {
  if (flags.topic || connect.url_topic || flags.message || flags.file || flags.stdin_whole || flags.stdin_lines ||
      flags.null_message || flags.repeat != 1) {
    throw UsageError(
        "--replay: publishes the recording's own topics and payloads; drop -t, -L's topic, "
        "-m, -f, -s, -l, -n and --repeat (use --topic-prefix or --topic-map)");
  }
  if (*flags.replay == "-") streams.require(STDIN_FILENO, "--replay - reads the recording from it");
  bool mqtt5 = connect.options.protocol_version == kMqtt5;
  ReplayOptions options;
  options.with_properties = mqtt5;
  options.path = *flags.replay;
  if (flags.speed == "max") {
    options.speed = 0;
  } else {
    char* end = nullptr;
    options.speed = std::strtod(flags.speed.c_str(), &end);
    if (flags.speed.empty() || *end != '\0' || !(options.speed > 0 && options.speed <= 1e6)) {
      throw UsageError("--speed: must be a number above 0 (2 is twice as fast) or max, not '" + flags.speed + "'");
    }
  }
  if (!flags.loop.empty()) {
    const std::string& count = flags.loop.front();
    char* end = nullptr;
    long n = count.empty() ? 0 : std::strtol(count.c_str(), &end, 10);
    if (!count.empty() && (*end != '\0' || n < 1)) {
      throw UsageError("--loop: the count must be a whole number from 1, not '" + count + "'");
    }
    options.loops = n;
  }
  options.topic_prefix = flags.topic_prefix;
  for (const std::string& mapping : flags.topic_map) {
    std::size_t equals = mapping.find('=');
    if (equals == std::string::npos || equals == 0) {
      throw UsageError("--topic-map: expected OLD=NEW (topic prefixes), not '" + mapping + "'");
    }
    options.topic_map.emplace_back(mapping.substr(0, equals), mapping.substr(equals + 1));
  }
  options.from = flags.from;
  options.to = flags.to;
  options.skip_bad = flags.skip_bad;
  options.qos = flags.qos;
  if (flags.retain_given) options.retain = flags.retain;
  return options;
}

}  // namespace

namespace {

// -t, or -L's topic.
std::string publish_topic(const PubFlags& flags, const ConnectSetup& connect) {
  if (flags.topic && connect.url_topic) throw UsageError("-t: the topic is already given by -L");
  if (!flags.topic && !connect.url_topic) throw UsageError("-t: give the topic to publish to");
  std::string topic = flags.topic ? *flags.topic : *connect.url_topic;
  check_publish_topic(topic, flags.topic ? "-t" : "-L");
  return topic;
}

// The one message of -m, -f, -s or -n.
std::string message_payload(const PubFlags& flags) {
  if (flags.message) return *flags.message;
  if (flags.file) {
    try {
      return *read_whole_file(*flags.file, "-f '" + *flags.file + "'", kMaxPayload);
    } catch (const Error& e) {
      // mosquitto_pub reads a file named "-" too; a user who meant standard input is told how.
      if (*flags.file != "-") throw;
      throw Error(std::string(e.what()) + "; use -s for standard input");
    }
  }
  if (flags.stdin_whole) {
    std::string payload = read_whole(STDIN_FILENO, "-s: standard input", kMaxPayload);
    if (payload.empty() && !flags.empty_stdin_is_a_message) {
      throw UsageError("-s: standard input was empty; use -n to publish an empty message");
    }
    return payload;
  }
  return {};  // -n
}

}  // namespace

std::unique_ptr<PublishSource> make_publish_source(const PubFlags& flags, const ConnectSetup& connect,
                                                   const StandardStreams& streams, const Reporter& reporter) {
  std::string topic = publish_topic(flags, connect);
  // mosquitto_pub accepts these too; say that they do nothing here.
  for (const std::string& command : connect.options.properties.commands_in_use()) {
    if (command == "subscribe" || command == "unsubscribe") {
      reporter.warning("-D " + command + ": mqtk-pub sends no " + command + " packets; ignored");
    }
  }
  int chosen =
      (flags.message ? 1 : 0) + (flags.file ? 1 : 0) + flags.stdin_whole + flags.stdin_lines + flags.null_message;
  if (chosen == 0) throw UsageError("nothing to publish: give one of -m, -f, -s, -l or -n");
  if (chosen > 1) throw UsageError("give only one of -m, -f, -s, -l and -n");
  if (flags.stdin_lines || flags.stdin_whole) {
    streams.require(STDIN_FILENO, std::string(flags.stdin_lines ? "-l" : "-s") + " publishes what it reads there");
  }
  const mosquitto_property* properties = connect.options.properties.publish.get();
  int qos = flags.qos.value_or(0);
  if (flags.stdin_lines) {
    if (flags.repeat != 1) throw UsageError("--repeat: cannot repeat -l input");
    return std::make_unique<LineInput>(STDIN_FILENO, topic, qos, flags.retain, properties);
  }
  auto delay = std::chrono::microseconds(static_cast<long long>(flags.repeat_delay * 1e6));
  return std::make_unique<RepeatedMessage>(topic, message_payload(flags), qos, flags.retain, properties, flags.repeat,
                                           delay);
}

}  // namespace mqtk
