// mqtk-record: subscribe and record every message durably, into files (JSON
// lines, CSV, line protocol) and InfluxDB.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdlib>
#include <map>

#include "mqtk/cli/cli.hpp"
#include "mqtk/cli/credentials.hpp"
#include "mqtk/base/error.hpp"
#include "mqtk/record/recording.hpp"
#include "mqtk/client/subscriber.hpp"
#include "mqtk/mqtt/topic.hpp"
#include "mqtk/base/units.hpp"

namespace {

using namespace std::chrono_literals;

// How long SIGINT/SIGTERM waits for InfluxDB to take what is spooled; the
// rest stays in the spool for the next run.
constexpr auto kDrainGrace = 10s;
constexpr auto kStatusPeriod = 500ms;

struct RecordFlags {
  std::vector<std::string> topics;
  std::vector<std::string> filter_out;
  int qos = 1;
  bool skip_retained = false;
  bool clean_session = false;
  std::vector<std::string> outputs;
  std::optional<std::string> format;
  std::optional<std::string> rotate;
  std::optional<std::string> influx_url;
  std::optional<std::string> influx_db;
  std::optional<std::string> influx_user;
  std::optional<std::string> influx_password_file;
  std::optional<std::string> influx_org;
  std::optional<std::string> influx_bucket;
  std::optional<std::string> influx_token_file;
  std::optional<std::string> influx_cafile;
  bool influx_insecure = false;
  bool influx_wait = false;
  std::optional<std::string> measurement;
  std::string topic_tag;
  std::optional<std::string> topic_tags;
  bool integers = false;
  bool skip_text = false;
  std::string time_field;
  std::string time_unit = "s";
  int max_depth = 32;
  int max_fields = 1000;
  std::size_t batch_size = 5000;
  std::string batch_interval = "1s";
  std::string fsync = "batch";
  std::optional<std::string> spool;
  std::string spool_max = "1GiB";
};

void add_record_flags(CLI::App& app, RecordFlags& f) {
  const char* what = "Subscription";
  app.add_option("-t,--topic", f.topics, "Topic filter to record; repeat for more ($share/GROUP/... to share)")
      ->type_name("FILTER")->allow_extra_args(false)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)->group(what);
  app.add_option("-T,--filter-out", f.filter_out, "Do not record topics matching this filter; repeatable")
      ->type_name("FILTER")->allow_extra_args(false)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)->group(what);
  app.add_option("-q,--qos", f.qos, "Subscription QoS (default 1; QoS 2 can lose a message in a crash)")
      ->check(CLI::Range(0, 2))->type_name("{0,1,2}")->group(what);
  app.add_flag("-R", f.skip_retained, "Do not record retained (stale) messages")->group(what);
  app.add_flag("--clean-session", f.clean_session, "Do not keep a session: what is published while away is lost")
      ->group(what);

  const char* out = "Output";
  app.add_option("-o,--output", f.outputs, "Record into FILE (.jsonl, .csv, .lp), or - for standard output")
      ->allow_extra_args(false)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)->type_name("FILE")->group(out);
  app.add_option("--format", f.format, "Format of -o files without a known extension")
      ->type_name("{jsonl,csv,lp}")->group(out);
  app.add_option("--rotate", f.rotate, "Start a new timestamped file after SIZE (100MB) or TIME (1h)")
      ->type_name("LIMIT")->group(out);
  app.add_option("--fsync", f.fsync, "Sync files: batch (before acknowledging; default), DURATION, or never")
      ->type_name("WHEN")->group(out);

  const char* influx = "InfluxDB";
  app.add_option("--influx", f.influx_url, "Send points to InfluxDB (or compatible) at this http(s) URL")
      ->type_name("URL")->group(influx);
  app.add_option("--influx-db", f.influx_db, "InfluxDB 1.x database (created if missing)")->type_name("DB")->group(influx);
  app.add_option("--influx-user", f.influx_user, "InfluxDB 1.x user; password from MQTK_INFLUX_PASSWORD")
      ->group(influx);
  app.add_option("--influx-password-file", f.influx_password_file, "InfluxDB 1.x password: first line of FILE")
      ->type_name("FILE")->group(influx);
  app.add_option("--influx-org", f.influx_org, "InfluxDB 2.x organisation")->group(influx);
  app.add_option("--influx-bucket", f.influx_bucket, "InfluxDB 2.x bucket; token from MQTK_INFLUX_TOKEN")
      ->group(influx);
  app.add_option("--influx-token-file", f.influx_token_file, "InfluxDB 2.x token: first line of FILE")
      ->type_name("FILE")->group(influx);
  app.add_option("--influx-cafile", f.influx_cafile, "Trust these CA certificates for an https URL")
      ->type_name("FILE")->group(influx);
  app.add_flag("--influx-insecure", f.influx_insecure, "Do not check InfluxDB's https certificate")->group(influx);
  app.add_flag("--influx-wait", f.influx_wait, "Start even if InfluxDB does not answer yet (points wait in the spool)")
      ->group(influx);
  app.add_option("--batch-size", f.batch_size, "Points per request (default 5000)")
      ->type_name("N")->check(CLI::Range(std::size_t{1}, std::size_t{1000000}))->group(influx);
  app.add_option("--batch-interval", f.batch_interval, "Send at least this often (default 1s)")->type_name("DURATION")->group(influx);
  app.add_option("--spool", f.spool, "Spool directory (default ~/.local/state/mqtk/spool/CLIENT-ID)")
      ->type_name("DIR")->group(influx);
  app.add_option("--spool-max", f.spool_max, "Stop taking messages while more than this waits (default 1GiB)")
      ->type_name("SIZE")->group(influx);

  const char* points = "Points (line protocol)";
  app.add_option("--measurement", f.measurement, "Measurement name (default: the topic)")->type_name("NAME")->group(points);
  app.add_option("--topic-tag", f.topic_tag, "Tag holding the whole topic, e.g. topic")->type_name("NAME")->group(points);
  app.add_option("--topic-tags", f.topic_tags, "Tags from topic levels: site/+site/+device/#")->type_name("PATTERN")->group(points);
  app.add_flag("--integers", f.integers, "Keep JSON integers as integers (default: all numbers are floats)")
      ->group(points);
  app.add_flag("--skip-text", f.skip_text, "Skip non-JSON text payloads (default: string field value)")
      ->group(points);
  app.add_option("--time-field", f.time_field, "Take the point's time from this JSON field")->type_name("NAME")->group(points);
  app.add_option("--time-unit", f.time_unit, "Unit of a numeric --time-field (default s)")
      ->type_name("{s,ms,us,ns}")->group(points);
  app.add_option("--max-depth", f.max_depth, "JSON nested deeper is recorded as text in field value (default 32)")
      ->type_name("N")->check(CLI::Range(1, 10000))->group(points);
  app.add_option("--max-fields", f.max_fields, "JSON with more fields is recorded as text in field value (default 1000)")
      ->type_name("N")->check(CLI::Range(1, 1000000))->group(points);
}

// The file wins over the variable, which is taken out of the environment
// either way (see take_secret_variable).
std::optional<std::string> secret(const std::optional<std::string>& file, const char* flag, const char* variable) {
  std::optional<std::string> from_environment = mqtk::take_secret_variable(variable);
  if (file) return mqtk::read_password_file(*file, flag);
  return from_environment;
}

std::string default_spool(const std::string& client_id) {
  const char* state = std::getenv("XDG_STATE_HOME");
  const char* home = std::getenv("HOME");
  if (state && *state) return std::string(state) + "/mqtk/spool/" + client_id;
  if (home && *home) return std::string(home) + "/.local/state/mqtk/spool/" + client_id;
  return "mqtk-spool-" + client_id;
}

mqtk::RecordingOptions recording_options(const RecordFlags& f) {
  mqtk::RecordingOptions options;
  std::optional<mqtk::RecordFormat> chosen;
  if (f.format) chosen = mqtk::parse_record_format(*f.format);
  for (const std::string& path : f.outputs) options.outputs.push_back({path, mqtk::format_for(path, chosen)});
  if (f.rotate) {
    bool is_time = f.rotate->find_first_of("smhd") != std::string::npos &&
                   f.rotate->find_first_of("bB") == std::string::npos;
    if (is_time) {
      options.rotate_every = mqtk::parse_duration(*f.rotate, "--rotate");
    } else {
      options.rotate_bytes = mqtk::parse_size(*f.rotate, "--rotate");
    }
  }
  options.durability = mqtk::parse_durability(f.fsync);

  mqtk::PointOptions& points = options.points;
  points.measurement = f.measurement;
  if (f.measurement && f.measurement->empty()) throw mqtk::UsageError("--measurement: the name must not be empty");
  points.topic_tag = f.topic_tag;
  if (f.topic_tags) points.topic_tags.emplace(*f.topic_tags);
  points.fields.integers = f.integers;
  points.skip_text = f.skip_text;
  points.fields.time_field = f.time_field;
  const std::map<std::string, mqtk::TimeUnit> units{{"s", mqtk::TimeUnit::kSeconds},
                                                    {"ms", mqtk::TimeUnit::kMilliseconds},
                                                    {"us", mqtk::TimeUnit::kMicroseconds},
                                                    {"ns", mqtk::TimeUnit::kNanoseconds}};
  if (!units.contains(f.time_unit)) throw mqtk::UsageError("--time-unit: must be s, ms, us or ns");
  points.fields.time_unit = units.at(f.time_unit);
  points.fields.max_depth = f.max_depth;
  points.fields.max_fields = f.max_fields;

  bool influx_flags = f.influx_db || f.influx_user || f.influx_org || f.influx_bucket || f.influx_token_file ||
                      f.influx_password_file || f.influx_cafile || f.influx_insecure || f.influx_wait;
  if (!f.influx_url) {
    if (influx_flags) throw mqtk::UsageError("--influx-*: needs --influx URL");
    return options;
  }
  mqtk::InfluxOptions influx;
  influx.url = *f.influx_url;
  while (influx.url.ends_with('/')) influx.url.pop_back();
  if (!influx.url.starts_with("http://") && !influx.url.starts_with("https://")) {
    throw mqtk::UsageError("--influx: the URL must start with http:// or https://, not '" + mqtk::redact_url(influx.url) + "'");
  }
  if (influx.url.find('@') != std::string::npos) {
    throw mqtk::UsageError("--influx: give credentials with --influx-user and MQTK_INFLUX_PASSWORD, not in the URL");
  }
  if (f.influx_bucket) {
    if (f.influx_db || f.influx_user) throw mqtk::UsageError("--influx-bucket (2.x) and --influx-db/--influx-user (1.x) do not mix");
    if (!f.influx_org) throw mqtk::UsageError("--influx-bucket: needs --influx-org");
    influx.bucket = *f.influx_bucket;
    influx.org = *f.influx_org;
    influx.token = secret(f.influx_token_file, "--influx-token-file", "MQTK_INFLUX_TOKEN");
    if (!influx.token) throw mqtk::UsageError("--influx-bucket: needs a token: MQTK_INFLUX_TOKEN or --influx-token-file");
  } else {
    if (!f.influx_db) throw mqtk::UsageError("--influx: needs --influx-db (1.x) or --influx-org and --influx-bucket (2.x)");
    influx.database = *f.influx_db;
    mqtk::influxql_identifier(influx.database, "--influx-db");  // a name InfluxQL can express
    influx.username = f.influx_user;
    influx.password = secret(f.influx_password_file, "--influx-password-file", "MQTK_INFLUX_PASSWORD");
    if (influx.password && !influx.username) throw mqtk::UsageError("MQTK_INFLUX_PASSWORD: needs --influx-user");
  }
  influx.batch_size = f.batch_size;
  influx.batch_interval = mqtk::parse_duration(f.batch_interval, "--batch-interval");
  influx.cafile = f.influx_cafile.value_or("");
  influx.insecure = f.influx_insecure;
  influx.wait = f.influx_wait;
  options.influx = influx;
  options.spool_max_bytes = mqtk::parse_size(f.spool_max, "--spool-max");
  return options;
}

}  // namespace

int main(int argc, char** argv) {
  const mqtk::ToolInfo tool{"mqtk-record", "mqtk-record [-h host] -t filter... {-o file | --influx url ...} [options]",
                            "record",
                            {"mqtk-record -h broker -t 'sensors/#' -o sensors.jsonl --rotate 1d",
                             "MQTK_INFLUX_PASSWORD=... mqtk-record -t 'sensors/#' --influx http://db:8086 \\",
                             "    --influx-db plant --influx-user writer --topic-tags '+site/+device/#'",
                             "mqtk-record -t 'site/#' -o - | jq .payload          # to standard output"}};
  return mqtk::run_tool(tool, [&](mqtk::ToolContext& context) {
    mqtk::Reporter& reporter = context.reporter;
    mqtk::CommandLine command_line(tool, "Record MQTT messages durably into files and InfluxDB.");
    RecordFlags flags;
    add_record_flags(command_line.app(), flags);
    command_line.connect_flags().disable_clean_session = true;  // a recorder keeps its session by default
    if (auto status = command_line.parse(argc, argv, reporter)) return *status;

    mqtk::RecordingOptions options = recording_options(flags);
    mqtk::ConnectFlags& connect = command_line.connect_flags();
    if (flags.clean_session) connect.disable_clean_session = false;
    if (!connect.id && !connect.id_prefix) connect.id = mqtk::client_id_for(options.identity());
    if (options.influx) options.spool_directory = flags.spool.value_or(default_spool(connect.id.value_or("mqtk-record")));
    mqtk::ConnectSetup setup = command_line.connect_setup();
    if (setup.options.protocol_version == mqtk::kMqtt5) setup.options.receive_maximum = mqtk::kReceiveMaximum;

    mqtk::SubscribeOptions subscribe;
    subscribe.topics = flags.topics;
    if (setup.url_topic) subscribe.topics.insert(subscribe.topics.begin(), *setup.url_topic);
    if (subscribe.topics.empty()) throw mqtk::UsageError("-t: give at least one topic to record");
    for (const std::string& t : subscribe.topics) mqtk::check_topic_filter(t, "-t");
    for (const std::string& t : flags.filter_out) mqtk::check_topic_filter(t, "-T");
    subscribe.filter_out = flags.filter_out;
    subscribe.qos = flags.qos;
    subscribe.skip_retained = flags.skip_retained;
    subscribe.read_batching = mqtk::kBatchedReading;
    subscribe.stop_on_hangup = true;
    subscribe.interrupted_connecting_status = mqtk::kExitSuccess;

    for (const auto& output : options.outputs) {
      if (output.path == "-") context.streams.require(STDOUT_FILENO, "-o - records there");
    }
    mqtk::Recording recording(options, reporter);
    mqtk::Subscriber subscriber(setup.options, subscribe, recording, reporter, [](std::string_view line) {
      std::fprintf(stdout, "%.*s\n", static_cast<int>(line.size()), line.data());
    });
    bool live_status = !reporter.quiet() && isatty(STDERR_FILENO) == 1;
    if (live_status) {
      // The rate since the previous refresh: what arrives now, down to 0/s
      // when the stream stops (an average since start-up would linger).
      subscriber.set_ticker(kStatusPeriod, [&, last_time = std::chrono::steady_clock::now(), last_received = 0L]() mutable {
        auto now = std::chrono::steady_clock::now();
        double seconds = std::chrono::duration<double>(now - last_time).count();
        long received = subscriber.received();
        double rate = seconds > 0 ? static_cast<double>(received - last_received) / seconds : 0;
        last_time = now;
        last_received = received;
        std::fprintf(stderr, "\r\033[K%s", recording.status(received, rate).c_str());
      });
    }
    int status;
    try {
      status = subscriber.run();
    } catch (const mqtk::OutputClosed& e) {
      status = e.exit_code();
    } catch (const mqtk::Error& e) {
      // A failed write ends the run; what was recorded is still summed up.
      if (live_status) std::fprintf(stderr, "\r\033[K");
      reporter.always(e.what());
      status = e.exit_code();
    }
    recording.finish(kDrainGrace);
    if (live_status) std::fprintf(stderr, "\r\033[K");
    for (const std::string& line : recording.summary(subscriber.received())) reporter.error(line);
    return status;
  });
}
