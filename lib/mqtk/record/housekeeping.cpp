#include "mqtk/record/housekeeping.hpp"

#include <poll.h>

#include <atomic>
#include <cstdio>
#include <filesystem>

#include "mqtk/base/append_log.hpp"
#include "mqtk/base/counts.hpp"
#include "mqtk/base/error.hpp"
#include "mqtk/base/whole_file.hpp"
#include "mqtk/mqtt/session.hpp"
#include "mqtk/record/influx_writer.hpp"
#include "mqtk/record/recorder_state.hpp"
#include "mqtk/record/spool.hpp"

namespace mqtk {
namespace {

namespace fs = std::filesystem;

std::string joined(const std::vector<std::string>& items) {
  std::string text;
  for (const std::string& item : items) text += (text.empty() ? "" : ", ") + item;
  return text;
}

// Connects with a clean session under the recording's client id and leaves
// again: the broker discards the session it kept (MQTT v5: clean start,
// with no expiry).
class SessionClearing final : private SessionEvents {
 public:
  SessionClearing(const ConnectOptions& connect, SignalWatch& signals) : options_(clean(connect)), signals_(signals) {}

  void run() {
    Session session(options_, *this);
    session.connect();
    while (!connected_) turn(session);
    session.disconnect();
    while (session.state() != SessionState::kClosed && session.state() != SessionState::kLost) turn(session);
  }

 private:
  static ConnectOptions clean(const ConnectOptions& connect) {
    ConnectOptions options = connect;
    options.clean_session = true;
    options.session_expiry_interval.reset();
    return options;
  }

  void turn(Session& session) {
    pollfd signal{signals_.fd(), POLLIN, 0};
    session.run_once(100, std::span(&signal, 1));
    if ((signal.revents & POLLIN) && signals_.take() != 0) throw Error("interrupted: nothing was removed");
  }

  void on_connected(bool) override { connected_ = true; }

  ConnectOptions options_;
  SignalWatch& signals_;
  bool connected_ = false;
};

}  // namespace

int list_recordings(const RecorderSetup& setup) {
  std::vector<RecorderState::Listed> recordings = RecorderState::list(setup.state_root);
  for (const RecorderState::Listed& item : recordings) {
    const SavedRecording& saved = item.recording;
    const RecordingDescription& recording = saved.description;
    std::printf("%s  %s%s\n", recording.client_id.c_str(), recording.broker.c_str(), item.running ? "  running" : "");
    std::vector<std::string> outputs = recording.outputs;
    if (!recording.influx.empty()) outputs.push_back("InfluxDB " + recording.influx);
    std::printf("  filters:  %s\n  outputs:  %s\n", joined(recording.filters).c_str(), joined(outputs).c_str());
    std::string last_run = saved.last_started + " to " +
                           (item.running                 ? std::string("now")
                            : saved.last_stopped.empty() ? std::string("a crash")
                                                         : saved.last_stopped);
    std::printf("  last run: %s\n", last_run.c_str());
    if (!recording.spool.empty()) {
      std::optional<std::uint64_t> spooled = Spool::count_pending(recording.spool);
      std::printf("  spooled:  %s in %s\n", count_of(static_cast<long long>(spooled.value_or(0)), "point").c_str(),
                  recording.spool.c_str());
    }
    std::printf("  session:  %s\n  state:    %s\n",
                recording.persistent ? "kept at the broker" : "none (clean session)", item.directory.c_str());
  }
  std::printf("%s kept in %s\n", count_of(static_cast<long long>(recordings.size()), "recording").c_str(),
              setup.state_root.c_str());
  return kExitSuccess;
}

int forget_recording(const RecorderSetup& setup, const ConnectOptions& connect, const Reporter& reporter,
                     SignalWatch& signals) {
  const std::string& directory = *setup.state_directory;
  std::optional<RecorderState> state;
  if (fs::exists(directory)) state.emplace(directory);  // takes the lock: not while it runs
  std::string spool = state && !state->saved().description.spool.empty() ? state->saved().description.spool
                                                                         : setup.recording.spool_directory;
  reporter.info("forgetting " + setup.recording_id + ": its session at " + connect.describe_server() +
                (state ? " and its state in " + directory : " (no state is kept here for it)"));
  if (!spool.empty()) {
    std::uint64_t waiting = Spool::count_pending(spool).value_or(0);
    std::size_t refused = Spool::rejected_points(spool).size();
    if (waiting + refused > 0) {
      reporter.warning("also removing " + spool + ": " + count_of(static_cast<long long>(waiting), "point") +
                       " not yet sent to InfluxDB and " + count_of(static_cast<long long>(refused), "refused point"));
    }
  }
  SessionClearing(connect, signals).run();
  std::error_code ignored;
  if (!spool.empty()) fs::remove_all(spool, ignored);
  state.reset();
  fs::remove_all(directory, ignored);
  reporter.info("forgot " + setup.recording_id);
  return kExitSuccess;
}

int resend_rejected(const RecorderSetup& setup, const Reporter& reporter) {
  RecorderState state(*setup.state_directory);  // not while the recording runs
  const InfluxOptions& influx = *setup.recording.influx;
  std::string path = setup.recording.spool_directory + "/rejected.lp";
  std::vector<std::string> points = Spool::rejected_points(setup.recording.spool_directory);
  if (points.empty()) {
    reporter.info("no refused points in " + path);
    return kExitSuccess;
  }
  InfluxClient client(influx);
  client.check(reporter);
  std::atomic<bool> database_created{false};
  LineDelivery delivery(client, reporter, database_created);
  std::string again;  // refused again, with the reasons
  std::string lines;
  for (const std::string& point : points) lines += point;
  std::size_t settled = 0;
  bool delivered = delivery.deliver(lines, settled, [&](std::string_view line, const std::string& reason) {
    again += "# " + reason + "\n" + std::string(line);
    return true;
  });
  if (!delivered)
    throw Error("InfluxDB at " + influx.describe() + ": " + delivery.failure().describe() +
                "; rejected.lp is left as it was");
  if (again.empty()) {
    std::remove(path.c_str());
  } else {
    std::string temporary = path + ".new";
    std::remove(temporary.c_str());
    {
      AppendLog rewritten(temporary, {.create_new = true, .follow_symlinks = false, .mode = 0600});
      rewritten.append(again);
      rewritten.sync();
    }
    if (std::rename(temporary.c_str(), path.c_str()) != 0) throw Error("cannot replace " + path);
  }
  sync_parent_directory(path);
  reporter.info("sent " + count_of(delivery.sent(), "point") + " of " +
                count_of(static_cast<long long>(points.size()), "refused point") + " to InfluxDB at " +
                influx.describe());
  if (delivery.refused_count() > 0) {
    reporter.warning(count_of(delivery.refused_count(), "point") + " refused again, kept in " + path);
    return kExitPointsRefused;
  }
  return kExitSuccess;
}

}  // namespace mqtk
