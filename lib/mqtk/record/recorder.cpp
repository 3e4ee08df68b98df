#include "mqtk/record/recorder.hpp"

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>

#include "mqtk/base/counts.hpp"
#include "mqtk/base/error.hpp"
#include "mqtk/base/output_buffer.hpp"
#include "mqtk/record/recorder_state.hpp"

namespace mqtk {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// How long a stop waits for InfluxDB to take what is spooled; the rest
// stays in the spool for the next run.
constexpr auto kDrainGrace = 10s;
constexpr auto kStatusPeriod = 500ms;
constexpr auto kWriterCheckPeriod = 1000ms;

std::string joined(const std::vector<std::string>& items, std::string_view separator = ", ") {
  std::string text;
  for (const std::string& item : items) text += (text.empty() ? "" : std::string(separator)) + item;
  return text;
}

// The filters an earlier run left in the broker session that this run no
// longer asks for.
std::vector<std::string> stale_filters(const std::vector<std::string>& subscribed,
                                       const std::vector<std::string>& wanted) {
  std::vector<std::string> stale;
  for (const std::string& filter : subscribed) {
    if (std::find(wanted.begin(), wanted.end(), filter) == wanted.end()) stale.push_back(filter);
  }
  return stale;
}

RecordingDescription describe(const RecorderSetup& setup, const ConnectOptions& connect) {
  RecordingDescription description;
  description.client_id = setup.recording_id;
  description.broker = connect.describe_server();
  description.filters = setup.subscribe.topics;
  for (const auto& output : setup.recording.outputs) description.outputs.push_back(output.path);
  if (setup.recording.influx) description.influx = setup.recording.influx->describe();
  description.spool = setup.recording.spool_directory;
  description.persistent = setup.persistent;
  return description;
}

// Other recordings kept here that wrote into one of our files: their
// sessions still collect messages at the broker.
void note_earlier_recordings(const RecorderSetup& setup, const Reporter& reporter) {
  for (const RecorderState::Listed& other : RecorderState::list(setup.state_root)) {
    const RecordingDescription& them = other.recording.description;
    if (them.client_id == setup.recording_id || !them.persistent) continue;
    for (const auto& output : setup.recording.outputs) {
      if (output.path == "-" ||
          std::find(them.outputs.begin(), them.outputs.end(), output.path) == them.outputs.end()) {
        continue;
      }
      reporter.note("an earlier recording into " + output.path + " (client id " + them.client_id + ", filters " +
                    joined(them.filters) + ") keeps a session at " + them.broker + "; 'mqtk-record --forget -i " +
                    them.client_id + " -t ... -o ...' removes it");
      break;
    }
  }
}

std::string start_line(const RecorderSetup& setup, const ConnectOptions& connect) {
  std::string line = "recording " + joined(setup.subscribe.topics) + " from " + connect.describe_server();
  if (setup.persistent) {
    line += " as client id " + connect.client_id + " (session kept at the broker)";
  } else {
    line += " with a clean session (nothing waits at the broker while stopped)";
  }
  if (setup.state_directory) line += "; state in " + *setup.state_directory;
  if (setup.recording.influx) line += "; spool " + setup.recording.spool_directory;
  return line;
}

// The stop: what is spooled goes to InfluxDB for a while, unless a second
// signal says to stop now.
void drain(Recording& recording, const Reporter& reporter, SignalWatch& signals) {
  recording.begin_finish(kDrainGrace);
  if (std::uint64_t left = recording.spooled(); left > 0 && !recording.finished()) {
    reporter.info("sending " + count_of(static_cast<long long>(left), "spooled point") + " to InfluxDB, for up to " +
                  std::to_string(std::chrono::duration_cast<std::chrono::seconds>(kDrainGrace).count()) +
                  " s; Ctrl-C again to stop now (they wait for the next run)");
  }
  while (!recording.finished()) {
    pollfd signal{signals.fd(), POLLIN, 0};
    if (poll(&signal, 1, 100) > 0 && signals.take() != 0) recording.stop_now();
  }
}

// The live status line on a terminal, with the rate since the previous
// refresh: what arrives now, down to 0/s when the stream stops (an average
// since start-up would linger).
void show_status_line(Subscriber& subscriber, const Recording& recording, const Reporter& reporter) {
  subscriber.set_ticker(kStatusPeriod, [&, last_time = Clock::now(), last_received = 0L]() mutable {
    auto now = Clock::now();
    double seconds = std::chrono::duration<double>(now - last_time).count();
    long received = subscriber.received();
    double rate = seconds > 0 ? static_cast<double>(received - last_received) / seconds : 0;
    last_time = now;
    last_received = received;
    reporter.show_status(recording.status(received, rate));
  });
}

// The filters an earlier run of this recording left in its session that
// this run does not ask for: unsubscribed, with a note.
void drop_stale_filters(const RecorderState& state, const ConnectOptions& connect, const Reporter& reporter,
                        SubscribeOptions& subscribe) {
  subscribe.unsubscribe = stale_filters(state.saved().subscribed, subscribe.topics);
  if (!subscribe.unsubscribe.empty()) {
    reporter.note("no longer recording " + joined(subscribe.unsubscribe) + " (subscribed by an earlier run of " +
                  connect.client_id + "): unsubscribing, so the broker stops keeping them");
  }
}

}  // namespace

int run_recorder(const RecorderSetup& setup, const ConnectOptions& connect, const Reporter& reporter,
                 SignalWatch& signals) {
  std::optional<RecorderState> state;
  if (setup.state_directory) state.emplace(*setup.state_directory);
  SubscribeOptions subscribe = setup.subscribe;
  if (state && setup.persistent) {
    drop_stale_filters(*state, connect, reporter, subscribe);
    note_earlier_recordings(setup, reporter);
  }
  if (state) state->begin_run(describe(setup, connect));

  int status = kExitSuccess;
  std::vector<std::string> summary;
  long refused = 0;
  try {
    Recording recording(setup.recording, reporter, state ? &*state : nullptr, &signals);
    reporter.info(start_line(setup, connect));
    for (const auto& output : setup.recording.outputs) {
      if (output.format_assumed) {
        reporter.note(output.path +
                      ": the name says no format (.jsonl, .csv or .lp): recording JSON lines "
                      "(--format chooses another)");
      }
    }
    Subscriber subscriber(connect, subscribe, recording, reporter, signals, [](std::string_view line) {
      std::fprintf(stdout, "%.*s\n", static_cast<int>(line.size()), line.data());
    });
    if (state && setup.persistent) {
      subscriber.set_on_subscribed(
          [&state](const std::vector<std::string>& granted) { state->set_subscribed(granted); });
    }
    if (!setup.no_status && !reporter.quiet() && isatty(STDERR_FILENO) == 1) {
      show_status_line(subscriber, recording, reporter);
    } else if (setup.recording.influx) {
      // The InfluxDB writer can fail between messages (Recording::ended()):
      // a turn at least this often notices, without a message to wait for.
      subscriber.set_ticker(kWriterCheckPeriod, [] {});
    }
    try {
      status = subscriber.run();
    } catch (const OutputClosed& e) {
      status = e.exit_code();
    } catch (const Error& e) {
      // A failed write or a lost session ends the run; what was recorded is
      // still summed up.
      reporter.error(e.what());
      status = e.exit_code();
    }
    drain(recording, reporter, signals);
    reporter.clear_status();
    summary = recording.summary(subscriber.received());
    refused = recording.refused();
  } catch (const Error&) {
    // Refused at its start (an output that is not ours, InfluxDB not there):
    // the run ended, it did not crash, as --list tells.
    if (state) state->end_run();
    throw;
  }  // the files are closed and marked finished here
  if (state) {
    state->end_run();
    summary.push_back((setup.persistent ? "client id " + connect.client_id + "; " : std::string()) + "state in " +
                      state->directory());
  }
  for (const std::string& line : summary) reporter.info(line);
  if (status == kExitSuccess && refused > 0) status = kExitPointsRefused;
  return status;
}

}  // namespace mqtk
