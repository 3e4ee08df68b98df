// mqtk-record's run, once its flags are checked: a Subscriber recording
// into a Recording, with the recording's state (its filters, its files'
// marks), the status line, the two-step stop and the summary. The other
// modes are in housekeeping.hpp.
#pragma once

#include <optional>
#include <string>

#include "mqtk/base/reporter.hpp"
#include "mqtk/base/signal_watch.hpp"
#include "mqtk/client/subscriber.hpp"
#include "mqtk/mqtt/connect_options.hpp"
#include "mqtk/record/recording.hpp"

namespace mqtk {

// mqtk-record's exit status when InfluxDB refused points (kept in
// rejected.lp): the run went on, but not everything reached the database.
// (sysexits' EX_DATAERR; clear of the CONNACK codes 1-5 and 128-162.)
inline constexpr int kExitPointsRefused = 65;

// The default MQTT v5 session expiry of a recorder: long enough for an
// outage over a holiday, short enough that a recorder never seen again does
// not keep its queue at the broker for ever.
inline constexpr const char* kRecorderSessionExpiry = "604800";  // 7 days

enum class RecordMode {
  kRecord,          // record (the default)
  kList,            // --list: the recordings kept on this machine
  kForget,          // --forget: remove a recording's broker session and state
  kResendRejected,  // --resend-rejected: send rejected.lp to InfluxDB again
};

struct RecorderSetup {
  RecordMode mode = RecordMode::kRecord;
  RecordingOptions recording;
  SubscribeOptions subscribe;
  // Names the recording's state: -i, or made from what it records.
  std::string recording_id;
  // A session kept at the broker between runs (what arrives while the
  // recorder is down waits there).
  bool persistent = true;
  // Where the recording keeps its state; none when it needs none (a
  // recording to standard output alone).
  std::optional<std::string> state_directory;
  std::string state_root;  // where every recording's state is (--list)
  bool no_status = false;
};

// Records until stopped; returns the exit status.
int run_recorder(const RecorderSetup& setup, const ConnectOptions& connect, const Reporter& reporter,
                 SignalWatch& signals);

}  // namespace mqtk
