// mqtk-record's own flags: as typed (RecordFlags, defined for CLI11 by
// add_record_flags), then checked together into what a run does
// (RecordSetup). The checks are free of CLI11, so they can be tested alone.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "mqtk/cli/connect_flags.hpp"
#include "mqtk/cli/payload_flags.hpp"
#include "mqtk/cli/subscription_flags.hpp"
#include "mqtk/record/recorder.hpp"

namespace CLI {
class App;
}

namespace mqtk {

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
  bool follow_symlinks = false;
  std::optional<std::string> rotate_clock;
  std::optional<std::string> compress;
  std::optional<std::string> keep;
  bool no_status = false;
  SubscriptionFlags subscription;  // --retain-handling, --reconnect-*
  PayloadFlags payload;            // --decode, --proto-path
  bool list = false;
  bool forget = false;
  bool resend_rejected = false;
};

void add_record_flags(CLI::App& app, RecordFlags& flags);

using RecordSetup = RecorderSetup;

// Where state lives: $XDG_STATE_HOME and $HOME, as the environment has them.
struct StateHome {
  const char* xdg_state_home = nullptr;
  const char* home = nullptr;
};

// Checks the flags together, and fills in the connection flags that the
// recording decides: the client id (-i, or one made from what is recorded),
// a kept session and, for MQTT v5, its expiry (a week unless -x). Secrets
// are taken from the environment (and wiped there). The messages of jq's
// `debug` go to `jq_debug` (nowhere when empty). Throws UsageError.
RecordSetup build_record_setup(const RecordFlags& flags, ConnectFlags& connect, StateHome home,
                               WarningCallback jq_debug = {});

}  // namespace mqtk
