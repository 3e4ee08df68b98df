// mqtk-pub: publish MQTT messages, mosquitto_pub's flags and behaviour,
// without losing any.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <vector>

#include "mqtk/cli/cli.hpp"
#include "mqtk/base/error.hpp"
#include "mqtk/client/publish_source.hpp"
#include "mqtk/client/publisher.hpp"
#include "mqtk/client/replay_source.hpp"
#include "mqtk/mqtt/topic.hpp"
#include "mqtk/base/whole_file.hpp"

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
  std::optional<std::string> replay;
  std::string speed = "1";
  std::vector<std::string> loop;  // --loop [N]: one value, or "" for ever
  std::string topic_prefix;
  std::vector<std::string> topic_map;
  std::optional<std::string> from;
  std::optional<std::string> to;
  bool skip_bad = false;
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
      ->type_name("{0,1,2}")->check(CLI::Range(0, 2))->group(group);
  app.add_flag("-r,--retain", flags.retain, "Ask the broker to retain the message")->group(group);
  app.add_option("--repeat", flags.repeat, "Publish the message this many times (-m, -f, -s, -n)")
      ->type_name("N")->check(CLI::Range(1L, 1000000000L))->group(group);
  app.add_option("--repeat-delay", flags.repeat_delay, "Seconds between repeats, after each is acknowledged")
      ->type_name("SECONDS")->check(mqtk::decimal_between(0.0, 86400.0))->group(group);

  const char* replay = "Replay";
  app.add_option("--replay", flags.replay, "Publish a recording (mqtk-record, mqtk-sub --json/--csv); - for stdin")
      ->type_name("FILE")->group(replay);
  app.add_option("--speed", flags.speed, "Replay speed: 0.5, 2, 10..., or max (default 1)")->group(replay);
  app.add_option("--loop", flags.loop, "Replay again and again, or N times")
      ->expected(0, 1)->allow_extra_args(false)->type_name("N")->group(replay);
  app.add_option("--topic-prefix", flags.topic_prefix, "Put this in front of every replayed topic")->group(replay);
  app.add_option("--topic-map", flags.topic_map, "Replace the topic prefix OLD by NEW; repeatable")
      ->type_name("OLD=NEW")->allow_extra_args(false)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->group(replay);
  app.add_option("--from", flags.from, "Start at this time (RFC 3339) or this long after the first message")
      ->type_name("TIME")->group(replay);
  app.add_option("--to", flags.to, "Stop after this time (RFC 3339) or this long after the first message")
      ->type_name("TIME")->group(replay);
  app.add_flag("--skip-bad", flags.skip_bad, "Skip malformed records (default: stop at the first)")->group(replay);
}

mqtk::ReplayOptions replay_options(const PubFlags& flags, bool qos_given, bool retain_given, bool mqtt5) {
  mqtk::ReplayOptions options;
  options.with_properties = mqtt5;
  options.path = *flags.replay;
  if (flags.speed == "max") {
    options.speed = 0;
  } else {
    char* end = nullptr;
    options.speed = std::strtod(flags.speed.c_str(), &end);
    if (flags.speed.empty() || *end != '\0' || !(options.speed > 0 && options.speed <= 1e6)) {
      throw mqtk::UsageError("--speed: must be a number above 0 (2 is twice as fast) or max, not '" + flags.speed + "'");
    }
  }
  if (!flags.loop.empty()) {
    const std::string& count = flags.loop.front();
    char* end = nullptr;
    long n = count.empty() ? 0 : std::strtol(count.c_str(), &end, 10);
    if (!count.empty() && (*end != '\0' || n < 1)) {
      throw mqtk::UsageError("--loop: the count must be a whole number from 1, not '" + count + "'");
    }
    options.loops = n;
  }
  options.topic_prefix = flags.topic_prefix;
  for (const std::string& mapping : flags.topic_map) {
    std::size_t equals = mapping.find('=');
    if (equals == std::string::npos || equals == 0) {
      throw mqtk::UsageError("--topic-map: expected OLD=NEW (topic prefixes), not '" + mapping + "'");
    }
    options.topic_map.emplace_back(mapping.substr(0, equals), mapping.substr(equals + 1));
  }
  options.from = flags.from;
  options.to = flags.to;
  options.skip_bad = flags.skip_bad;
  if (qos_given) options.qos = flags.qos;
  if (retain_given) options.retain = flags.retain;
  return options;
}

// The replay's progress bar on standard error: done/total, elapsed, ETA.
std::string progress_line(mqtk::ReplaySource& source, double speed, std::chrono::steady_clock::duration elapsed) {
  long done = source.published();
  auto seconds = [](double s) {
    long t = static_cast<long>(s + 0.5);
    char text[32];
    std::snprintf(text, sizeof text, "%02ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
    return std::string(text);
  };
  double spent = std::chrono::duration<double>(elapsed).count();
  std::optional<long> total = source.total();
  if (!total || *total == 0) return std::to_string(done) + " published  " + seconds(spent);
  constexpr int kWidth = 30;
  int filled = static_cast<int>(kWidth * std::min(1.0, static_cast<double>(done) / static_cast<double>(*total)));
  double left = speed > 0 ? std::chrono::duration<double>(source.span() - source.position()).count() / speed
                          : (done > 0 ? spent * static_cast<double>(*total - done) / static_cast<double>(done) : 0);
  return "[" + std::string(static_cast<std::size_t>(filled), '#') + std::string(static_cast<std::size_t>(kWidth - filled), '.') +
         "] " + std::to_string(done) + "/" + std::to_string(*total) + "  " + seconds(spent) + "  ETA " +
         seconds(std::max(left, 0.0));
}

std::unique_ptr<mqtk::PublishSource> make_source(const PubFlags& flags, const std::string& topic,
                                                 const mosquitto_property* properties,
                                                 const mqtk::StandardStreams& streams) {
  int chosen = (flags.message ? 1 : 0) + (flags.file ? 1 : 0) + flags.stdin_whole + flags.stdin_lines +
               flags.null_message;
  if (chosen == 0) throw mqtk::UsageError("nothing to publish: give one of -m, -f, -s, -l or -n");
  if (chosen > 1) throw mqtk::UsageError("give only one of -m, -f, -s, -l and -n");
  if (flags.stdin_lines || flags.stdin_whole) {
    streams.require(STDIN_FILENO, std::string(flags.stdin_lines ? "-l" : "-s") + " publishes what it reads there");
  }
  if (flags.stdin_lines) {
    if (flags.repeat != 1) throw mqtk::UsageError("--repeat: cannot repeat -l input");
    return std::make_unique<mqtk::LineInput>(STDIN_FILENO, topic, flags.qos, flags.retain, properties);
  }
  std::string payload;
  if (flags.message) {
    payload = *flags.message;
  } else if (flags.file) {
    payload = *mqtk::read_whole_file(*flags.file, "-f '" + *flags.file + "'", kMaxPayload);
  } else if (flags.stdin_whole) {
    payload = mqtk::read_whole(STDIN_FILENO, "-s: standard input", kMaxPayload);
    if (payload.empty()) throw mqtk::UsageError("-s: standard input was empty; use -n to publish an empty message");
  }
  auto delay = std::chrono::microseconds(static_cast<long long>(flags.repeat_delay * 1e6));
  return std::make_unique<mqtk::RepeatedMessage>(topic, std::move(payload), flags.qos, flags.retain, properties,
                                                 flags.repeat, delay);
}

int replay(mqtk::CommandLine& command_line, const PubFlags& flags, const mqtk::ConnectSetup& setup,
           mqtk::ToolContext& context) {
  mqtk::Reporter& reporter = context.reporter;
  if (flags.topic || setup.url_topic || flags.message || flags.file || flags.stdin_whole || flags.stdin_lines ||
      flags.null_message || flags.repeat != 1) {
    throw mqtk::UsageError("--replay: publishes the recording's own topics and payloads; drop -t, -L's topic, "
                           "-m, -f, -s, -l, -n and --repeat (use --topic-prefix or --topic-map)");
  }
  if (*flags.replay == "-") context.streams.require(STDIN_FILENO, "--replay - reads the recording from it");
  CLI::App& app = command_line.app();
  mqtk::ReplayOptions options = replay_options(flags, app.count("--qos") > 0, app.count("--retain") > 0,
                                               setup.options.protocol_version == mqtk::kMqtt5);
  bool progress = !reporter.quiet() && isatty(STDERR_FILENO) == 1;
  auto clear_progress = [progress] {
    if (progress) std::fputs("\r\033[K", stderr);
  };
  mqtk::ReplaySource source(options, [&](const std::string& warning) {
    clear_progress();  // the next tick draws the bar again, below the warning
    reporter.warning(warning);
  });
  mqtk::Publisher publisher(setup.options, source, reporter, [](std::string_view line) {
    std::fwrite(line.data(), 1, line.size(), stdout);
    std::fputc('\n', stdout);
  });
  auto started = std::chrono::steady_clock::now();
  if (progress) {
    source.total();  // counted now, not in the middle of the replay's timing
    publisher.set_ticker(std::chrono::milliseconds(200), [&] {
      auto elapsed = std::chrono::steady_clock::now() - started;
      std::fprintf(stderr, "\r\033[K%s", progress_line(source, options.speed, elapsed).c_str());
    });
  }
  int status;
  try {
    status = publisher.run();
  } catch (const mqtk::Error&) {
    clear_progress();
    throw;
  }
  clear_progress();
  if (setup.options.debug) {
    std::printf("Replayed %ld messages; worst lag behind the recording's timing: %.3f ms\n", source.published(),
                static_cast<double>(source.worst_lag().count()) / 1000.0);
  }
  if (source.skipped() > 0) reporter.warning(std::to_string(source.skipped()) + " malformed records skipped");
  if (source.failure()) {
    throw mqtk::Error(*source.failure() + " (stopped there; " + std::to_string(source.published()) +
                      " messages before it were published; --skip-bad goes on past such records)");
  }
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  const mqtk::ToolInfo tool{"mqtk-pub",
                            "mqtk-pub [-h host] -t topic {-m message|-f file|-s|-l|-n} [-q qos] [-r]",
                            "pub",
                            {"mqtk-pub -h broker -t sensors/1 -m 21.5 -q 1      # one message",
                             "tail -f app.log | mqtk-pub -t logs/app -l -q 1     # each line, none lost",
                             "mqtk-pub -t config -f settings.json -r             # a file, retained",
                             "mqtk-pub -V 5 --replay rec.jsonl --speed 10        # a recording, 10x faster"}};
  return mqtk::run_tool(tool, [&](mqtk::ToolContext& context) {
    mqtk::Reporter& reporter = context.reporter;
    mqtk::CommandLine command_line(tool, "Publish MQTT messages: mosquitto_pub's flags, without losing any.");
    PubFlags flags;
    add_pub_flags(command_line.app(), flags);
    if (auto status = command_line.parse(argc, argv, reporter)) return *status;
    mqtk::ConnectSetup setup = command_line.connect_setup();
    if (flags.replay) return replay(command_line, flags, setup, context);
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

    auto source = make_source(flags, topic, setup.options.properties.publish.get(), context.streams);
    mqtk::Publisher publisher(setup.options, *source, reporter, [](std::string_view line) {
      std::fwrite(line.data(), 1, line.size(), stdout);
      std::fputc('\n', stdout);
    });
    return publisher.run();
  });
}
