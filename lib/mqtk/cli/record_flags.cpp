#include "mqtk/cli/record_flags.hpp"

#include <CLI/CLI.hpp>
#include <map>

#include "mqtk/base/compression.hpp"
#include "mqtk/base/error.hpp"
#include "mqtk/base/units.hpp"
#include "mqtk/cli/credentials.hpp"
#include "mqtk/cli/mqtt_url.hpp"
#include "mqtk/mqtt/topic.hpp"
#include "mqtk/record/influx_client.hpp"
#include "mqtk/record/recorder_state.hpp"
#include "mqtk/record/recording_identity.hpp"

namespace mqtk {

void add_record_flags(CLI::App& app, RecordFlags& f) {
  const char* what = "Subscription";
  app.add_option("-t,--topic", f.topics, "Topic filter to record; repeat for more ($share/GROUP/... to share)")
      ->type_name("FILTER")
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->group(what);
  app.add_option("-T,--filter-out", f.filter_out, "Do not record topics matching this filter; repeatable")
      ->type_name("FILTER")
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->group(what);
  app.add_option("-q,--qos", f.qos, "Subscription QoS (default 1; QoS 2 can lose a message in a crash)")
      ->check(CLI::Range(0, 2))
      ->type_name("{0,1,2}")
      ->group(what);
  app.add_flag("-R", f.skip_retained, "Do not record retained (stale) messages")->group(what);
  add_retain_handling_flag(app, f.subscription, what);
  app.add_flag("--clean-session", f.clean_session, "Do not keep a session: what is published while away is lost")
      ->group(what);

  const char* out = "Output";
  app.add_option("-o,--output", f.outputs, "Record into FILE (.jsonl, .csv, .lp), or - for standard output")
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->type_name("FILE")
      ->group(out);
  app.add_option("--format", f.format, "Format of -o files without a known extension")
      ->type_name("{jsonl,csv,lp}")
      ->group(out);
  app.add_option("--rotate", f.rotate, "Start a new timestamped file after SIZE (100MB) or TIME (1h)")
      ->type_name("LIMIT")
      ->group(out);
  app.add_option("--rotate-clock", f.rotate_clock, "Rotate by TIME on the clock: every 1h on the hour, 1d at midnight")
      ->type_name("{utc,local}")
      ->group(out);
  app.add_option("--compress", f.compress, "Compress each finished rotated file")->type_name("{gzip,zstd}")->group(out);
  app.add_option("--keep", f.keep, "Keep only the newest N finished rotated files, or those younger than an AGE")
      ->type_name("N|AGE")
      ->group(out);
  app.add_flag("--follow-symlinks", f.follow_symlinks,
               "Record through a symbolic link at -o or --spool (refused otherwise)")
      ->group(out);
  app.add_option("--fsync", f.fsync, "Sync files: batch (before acknowledging; default), DURATION, or never")
      ->type_name("WHEN")
      ->group(out);

  const char* run = "Running";
  app.add_flag("--no-status", f.no_status, "No live status line on the terminal (--quiet: no messages but errors)")
      ->group(run);
  add_reconnect_flags(app, f.subscription, run);
  app.add_flag("--list", f.list, "List the recordings kept on this machine: id, broker, filters, outputs, spool")
      ->group(run);
  app.add_flag("--forget", f.forget, "Remove this recording's broker session and state (same -t, -o, -i)")->group(run);
  app.add_flag("--resend-rejected", f.resend_rejected, "Send the points InfluxDB refused (rejected.lp) again")
      ->group(run);

  const char* influx = "InfluxDB";
  app.add_option("--influx", f.influx_url, "Send points to InfluxDB (or compatible) at this http(s) URL")
      ->type_name("URL")
      ->group(influx);
  app.add_option("--influx-db", f.influx_db, "InfluxDB 1.x database (created if missing)")
      ->type_name("DB")
      ->group(influx);
  app.add_option("--influx-user", f.influx_user, "InfluxDB 1.x user; password from MQTK_INFLUX_PASSWORD")
      ->group(influx);
  app.add_option("--influx-password-file", f.influx_password_file, "InfluxDB 1.x password: first line of FILE")
      ->type_name("FILE")
      ->group(influx);
  app.add_option("--influx-org", f.influx_org, "InfluxDB 2.x organisation")->group(influx);
  app.add_option("--influx-bucket", f.influx_bucket, "InfluxDB 2.x bucket; token from MQTK_INFLUX_TOKEN")
      ->group(influx);
  app.add_option("--influx-token-file", f.influx_token_file, "InfluxDB 2.x token: first line of FILE")
      ->type_name("FILE")
      ->group(influx);
  app.add_option("--influx-cafile", f.influx_cafile, "Trust these CA certificates for an https URL")
      ->type_name("FILE")
      ->group(influx);
  app.add_flag("--influx-insecure", f.influx_insecure, "Do not check InfluxDB's https certificate")->group(influx);
  app.add_flag("--influx-wait", f.influx_wait, "Start even if InfluxDB does not answer yet (points wait in the spool)")
      ->group(influx);
  app.add_option("--batch-size", f.batch_size, "Points per request (default 5000)")
      ->type_name("N")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1000000}))
      ->group(influx);
  app.add_option("--batch-interval", f.batch_interval, "Send at least this often (default 1s)")
      ->type_name("DURATION")
      ->group(influx);
  app.add_option("--spool", f.spool, "Spool directory (default ~/.local/state/mqtk/spool/CLIENT-ID)")
      ->type_name("DIR")
      ->group(influx);
  app.add_option("--spool-max", f.spool_max, "Stop taking messages while more than this waits (default 1GiB)")
      ->type_name("SIZE")
      ->group(influx);

  // --decode changes JSON lines and CSV records too, but belongs by the
  // flags that make points of what it decodes.
  const char* points = "Payloads and points (line protocol)";
  add_decode_flags(app, f.payload, points);
  app.add_option("--jq", f.payload.jq,
                 "Record what this jq program makes of each message's JSON record: its outputs beside the exact "
                 "payload in files, a point each; no output: the message is not recorded")
      ->type_name("EXPR")
      ->group(points);
  app.add_option("--measurement", f.measurement, "Measurement name (default: the topic)")
      ->type_name("NAME")
      ->group(points);
  app.add_option("--topic-tag", f.topic_tag, "Tag holding the whole topic, e.g. topic")
      ->type_name("NAME")
      ->group(points);
  app.add_option("--topic-tags", f.topic_tags, "Tags from topic levels: site/+site/+device/#")
      ->type_name("PATTERN")
      ->group(points);
  app.add_flag("--integers", f.integers, "Keep JSON integers as integers (default: all numbers are floats)")
      ->group(points);
  app.add_flag("--skip-text", f.skip_text, "Skip non-JSON text payloads (default: string field value)")->group(points);
  app.add_option("--time-field", f.time_field, "Take the point's time from this JSON field")
      ->type_name("NAME")
      ->group(points);
  app.add_option("--time-unit", f.time_unit, "Unit of a numeric --time-field (default s)")
      ->type_name("{s,ms,us,ns}")
      ->group(points);
  app.add_option("--max-depth", f.max_depth, "JSON nested deeper is recorded as text in field value (default 32)")
      ->type_name("N")
      ->check(CLI::Range(1, 10000))
      ->group(points);
  app.add_option("--max-fields", f.max_fields,
                 "JSON with more fields is recorded as text in field value (default 1000)")
      ->type_name("N")
      ->check(CLI::Range(1, 1000000))
      ->group(points);
}

namespace {

// A secret from its file, else from its environment variable.
std::optional<std::string> secret(const std::optional<std::string>& file, const char* flag,
                                  std::optional<std::string> from_environment) {
  if (file) return read_password_file(*file, flag);
  return from_environment;
}

// -o: each path made absolute, with its format.
std::vector<RecordingOptions::Output> outputs(const RecordFlags& f) {
  std::optional<RecordFormat> chosen;
  if (f.format) chosen = parse_record_format(*f.format);
  std::vector<RecordingOptions::Output> outputs;
  for (const std::string& path : f.outputs) {
    if (path.size() > 1 && path.front() == '-') {
      throw UsageError("-o: '" + path + "' looks like a flag; to name a file so, write ./" + path);
    }
    if (compression_of(path) != Compression::kNone) {
      throw UsageError("-o: '" + path + "' would hold plain text under a compressed name; name the plain file (" +
                       "--rotate with --compress compresses the finished ones)");
    }
    bool named = format_for(path, RecordFormat::kCsv) == format_for(path, RecordFormat::kLineProtocol);
    outputs.push_back({absolute_output_path(path), format_for(path, chosen), path != "-" && !named && !chosen});
  }
  return outputs;
}

// --rotate, --rotate-clock, --compress and --keep.
void add_rotation(const RecordFlags& f, RecordingOptions& options) {
  if (f.rotate) {
    bool is_time =
        f.rotate->find_first_of("smhd") != std::string::npos && f.rotate->find_first_of("bB") == std::string::npos;
    if (is_time) {
      options.rotate_every = parse_duration(*f.rotate, "--rotate");
    } else {
      options.rotate_bytes = parse_size(*f.rotate, "--rotate");
    }
  }
  if (f.rotate_clock) {
    if (!options.rotate_every) throw UsageError("--rotate-clock: needs --rotate with a time, such as 1h or 1d");
    if (*f.rotate_clock != "utc" && *f.rotate_clock != "local") {
      throw UsageError("--rotate-clock: must be utc or local, not '" + *f.rotate_clock + "'");
    }
    options.rotate_clock = *f.rotate_clock == "utc" ? RotationClock::kUtc : RotationClock::kLocal;
  }
  bool rotating = options.rotate_every || options.rotate_bytes;
  if (f.compress) {
    if (!rotating) throw UsageError("--compress: compresses finished rotated files; needs --rotate");
    auto compression = compression_from_name(*f.compress);
    if (!compression) throw UsageError("--compress: must be gzip or zstd, not '" + *f.compress + "'");
    options.compress = *compression;
    load_compression_library(*compression);
  }
  if (f.keep) {
    if (!rotating) throw UsageError("--keep: removes old rotated files; needs --rotate");
    options.keep = parse_retention(*f.keep);
  }
}

// How messages become points.
PointOptions point_options(const RecordFlags& f) {
  PointOptions points;
  points.measurement = f.measurement;
  if (f.measurement && f.measurement->empty()) throw UsageError("--measurement: the name must not be empty");
  points.topic_tag = f.topic_tag;
  if (f.topic_tags) points.topic_tags.emplace(*f.topic_tags);
  points.fields.integers = f.integers;
  points.skip_text = f.skip_text;
  points.fields.time_field = f.time_field;
  const std::map<std::string, TimeUnit> units{{"s", TimeUnit::kSeconds},
                                              {"ms", TimeUnit::kMilliseconds},
                                              {"us", TimeUnit::kMicroseconds},
                                              {"ns", TimeUnit::kNanoseconds}};
  if (!units.contains(f.time_unit)) throw UsageError("--time-unit: must be s, ms, us or ns");
  points.fields.time_unit = units.at(f.time_unit);
  points.fields.max_depth = f.max_depth;
  points.fields.max_fields = f.max_fields;
  return points;
}

// --influx URL, checked: http(s), no credentials in it.
std::string influx_url(std::string url) {
  while (url.ends_with('/')) url.pop_back();
  if (!url.starts_with("http://") && !url.starts_with("https://")) {
    throw UsageError("--influx: the URL must start with http:// or https://, not '" + redact_url(url) + "'");
  }
  if (url.find('@') != std::string::npos) {
    throw UsageError("--influx: give credentials with --influx-user and MQTK_INFLUX_PASSWORD, not in the URL");
  }
  return url;
}

// Where points go: InfluxDB 1.x (database, user) or 2.x (org, bucket,
// token), or nowhere. Both secret variables leave the environment (see
// take_secret_variable), the one of the other version too.
std::optional<InfluxOptions> influx_options(const RecordFlags& f) {
  std::optional<std::string> token_variable = take_secret_variable("MQTK_INFLUX_TOKEN");
  std::optional<std::string> password_variable = take_secret_variable("MQTK_INFLUX_PASSWORD");
  bool influx_flags = f.influx_db || f.influx_user || f.influx_org || f.influx_bucket || f.influx_token_file ||
                      f.influx_password_file || f.influx_cafile || f.influx_insecure || f.influx_wait;
  if (!f.influx_url) {
    if (influx_flags) throw UsageError("--influx-*: needs --influx URL");
    return std::nullopt;
  }
  InfluxOptions influx;
  influx.url = influx_url(*f.influx_url);
  if (f.influx_bucket) {
    if (f.influx_db || f.influx_user) {
      throw UsageError("--influx-bucket (2.x) and --influx-db/--influx-user (1.x) do not mix");
    }
    if (!f.influx_org) throw UsageError("--influx-bucket: needs --influx-org");
    influx.bucket = *f.influx_bucket;
    influx.org = *f.influx_org;
    influx.token = secret(f.influx_token_file, "--influx-token-file", token_variable);
    if (!influx.token) throw UsageError("--influx-bucket: needs a token: MQTK_INFLUX_TOKEN or --influx-token-file");
  } else {
    if (!f.influx_db) throw UsageError("--influx: needs --influx-db (1.x) or --influx-org and --influx-bucket (2.x)");
    influx.database = *f.influx_db;
    influxql_identifier(influx.database, "--influx-db");  // a name InfluxQL can express
    influx.username = f.influx_user;
    influx.password = secret(f.influx_password_file, "--influx-password-file", password_variable);
    if (influx.password && !influx.username) throw UsageError("MQTK_INFLUX_PASSWORD: needs --influx-user");
  }
  influx.batch_size = f.batch_size;
  influx.batch_interval = parse_duration(f.batch_interval, "--batch-interval");
  influx.cafile = f.influx_cafile.value_or("");
  influx.insecure = f.influx_insecure;
  influx.wait = f.influx_wait;
  load_libcurl();
  return influx;
}

RecordingOptions recording_options(const RecordFlags& f, WarningCallback jq_debug) {
  RecordingOptions options;
  options.outputs = outputs(f);
  add_rotation(f, options);
  options.follow_symlinks = f.follow_symlinks;
  options.durability = parse_durability(f.fsync);
  options.points = point_options(f);
  options.influx = influx_options(f);
  options.spool_max_bytes = parse_size(f.spool_max, "--spool-max");
  PayloadSetup payload = check_payload_flags(f.payload, std::move(jq_debug));
  if (!payload.decoders.empty()) options.decoders = std::make_shared<const DecoderChoice>(std::move(payload.decoders));
  if (payload.jq) options.jq = std::make_shared<JqProgram>(std::move(*payload.jq));
  return options;
}

// A recording only to standard output keeps nothing once written there, so
// by default it neither keeps a session at the broker nor state: a second
// one side by side must not share (and fight over) the first one's
// session. With -i it keeps a session under that id.
bool only_standard_output(const RecordingOptions& recording) {
  if (recording.influx) return false;
  for (const auto& output : recording.outputs) {
    if (output.path != "-") return false;
  }
  return true;
}

}  // namespace

namespace {

// Whether -V asks for MQTT v5 (a recorder's default is 3.1.1).
bool asks_for_mqtt5(const ConnectFlags& connect) {
  return connect.protocol_version && parse_protocol_version(*connect.protocol_version) == kMqtt5;
}

RecordMode mode_of(const RecordFlags& f) {
  if (f.list + f.forget + f.resend_rejected > 1)
    throw UsageError("choose one of --list, --forget and --resend-rejected");
  if (f.list) return RecordMode::kList;
  if (f.forget) return RecordMode::kForget;
  return f.resend_rejected ? RecordMode::kResendRejected : RecordMode::kRecord;
}

// The subscription: -t (and -L's topic), -T, -q, -R, reconnecting.
SubscribeOptions subscription(const RecordFlags& f, const ConnectFlags& connect) {
  SubscribeOptions subscribe;
  subscribe.topics = f.topics;
  if (connect.url) {
    std::string url_topic = parse_mqtt_url(*connect.url).topic;
    if (!url_topic.empty()) subscribe.topics.insert(subscribe.topics.begin(), url_topic);
  }
  if (subscribe.topics.empty()) throw UsageError("-t: give at least one topic to record");
  for (const std::string& t : subscribe.topics) check_topic_filter(t, "-t");
  for (const std::string& t : f.filter_out) check_topic_filter(t, "-T");
  subscribe.filter_out = f.filter_out;
  subscribe.qos = f.qos;
  subscribe.skip_retained = f.skip_retained;
  subscribe.read_batching = kBatchedReading;
  subscribe.interrupted_connecting_status = kExitSuccess;
  subscribe.stop_on_takeover = true;
  apply_subscription_flags(f.subscription, asks_for_mqtt5(connect), subscribe);
  return subscribe;
}

void check_destinations(const RecordingOptions& recording) {
  if (recording.outputs.empty() && !recording.influx) {
    throw UsageError("nothing to record into: give -o FILE (or -o - for standard output) or --influx URL");
  }
  auto standard_output = [](const auto& output) { return output.path == "-"; };
  if (std::count_if(recording.outputs.begin(), recording.outputs.end(), standard_output) > 1) {
    throw UsageError("-o: standard output can be given only once");
  }
}

// Which recording this is, whether it keeps a session and where its state
// is; fills in the connection flags that follow from it.
void choose_identity(const RecordFlags& f, ConnectFlags& connect, RecordSetup& setup) {
  std::vector<std::string> outputs;
  for (const auto& output : setup.recording.outputs) outputs.push_back(output.path);
  std::string influx = setup.recording.influx ? setup.recording.influx->describe() : "";
  if (connect.id_prefix) throw UsageError("-I: a recorder needs the same client id on every run; give -i, or neither");
  bool fixed_id = connect.id.has_value();
  bool only_stdout = only_standard_output(setup.recording);
  setup.recording_id = fixed_id ? *connect.id : recording_client_id(setup.subscribe.topics, outputs, influx);
  setup.persistent = !f.clean_session && (fixed_id || !only_stdout);
  connect.disable_clean_session = setup.persistent;
  if (setup.persistent) {
    connect.id = setup.recording_id;
    if (asks_for_mqtt5(connect) && !connect.session_expiry) connect.session_expiry = kRecorderSessionExpiry;
  }
  if (setup.persistent || !only_stdout || fixed_id) setup.state_directory = setup.state_root + "/" + setup.recording_id;
}

}  // namespace

RecordSetup build_record_setup(const RecordFlags& f, ConnectFlags& connect, StateHome home, WarningCallback jq_debug) {
  RecordSetup setup;
  setup.mode = mode_of(f);
  setup.state_root = RecorderState::root_directory(home.xdg_state_home, home.home);
  setup.no_status = f.no_status;
  if (setup.mode == RecordMode::kList) return setup;
  setup.subscribe = subscription(f, connect);
  setup.recording = recording_options(f, std::move(jq_debug));
  check_destinations(setup.recording);
  choose_identity(f, connect, setup);
  if (setup.recording.influx) setup.recording.spool_directory = f.spool.value_or(*setup.state_directory + "/spool");
  if (setup.mode != RecordMode::kRecord && !setup.state_directory) {
    throw UsageError("a recording only to standard output keeps no state: nothing to forget or resend");
  }
  if (setup.mode == RecordMode::kResendRejected && !setup.recording.influx) {
    throw UsageError("--resend-rejected: give the recording's --influx flags");
  }
  return setup;
}

}  // namespace mqtk
