// What mqtk-record keeps about one recording between runs, in a directory
// of its own, named after the recording's client id:
//   $XDG_STATE_HOME/mqtk/record/<client-id>/  (or ~/.local/state/mqtk/record/...)
//     state.json  what the recording is (broker, filters, outputs, InfluxDB,
//                 spool), the filters its broker session holds, when it
//                 last ran, and where each file output stood (FileMark)
//     lock        held while a recorder runs
//     spool/      the InfluxDB spool, unless --spool names another
// state.json is replaced atomically (written aside, synced, renamed), so a
// crash leaves the old or the new one, never a mix.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "mqtk/base/fd.hpp"
#include "mqtk/record/file_sink.hpp"

namespace mqtk {

// What a recording is, as the command line gave it.
struct RecordingDescription {
  std::string client_id;
  std::string broker;                // "host:port"
  std::vector<std::string> filters;  // -t, in order
  std::vector<std::string> outputs;  // absolute paths, "-" for standard output
  std::string influx;                // InfluxOptions::describe(), or empty
  std::string spool;                 // the spool directory, or empty
  bool persistent = true;            // keeps a session at the broker
};

// One recording's state as saved.
struct SavedRecording {
  RecordingDescription description;
  std::vector<std::string> subscribed;  // what the broker session holds
  std::string last_started;             // RFC 3339
  std::string last_stopped;             // RFC 3339; empty while running or after a crash
  std::map<std::string, FileMark> files;
};

class RecorderState final : public FileMarks {
 public:
  // Where recordings keep their state: $XDG_STATE_HOME/mqtk/record, else
  // $HOME/.local/state/mqtk/record. Throws Error when neither is set.
  static std::string root_directory(const char* xdg_state_home, const char* home);

  // Opens (creates, mode 0700) a recording's state and takes its lock.
  // Throws Error naming the directory: in use by another mqtk-record, or
  // unreadable.
  explicit RecorderState(std::string directory);

  const std::string& directory() const { return directory_; }
  const SavedRecording& saved() const { return saved_; }

  // A run starts: its description and start time are saved.
  void begin_run(const RecordingDescription& description);
  // The run ended cleanly.
  void end_run();
  // The broker session now holds these filters.
  void set_subscribed(const std::vector<std::string>& filters);

  std::optional<FileMark> mark(const std::string& output) const override;
  void set_mark(const std::string& output, const FileMark& mark) override;

  // Every recording's state under `root`, read without taking locks (for
  // --list), with whether a recorder is running it now.
  struct Listed {
    std::string directory;
    SavedRecording recording;
    bool running = false;
  };
  static std::vector<Listed> list(const std::string& root);

 private:
  void save();

  std::string directory_;
  Fd lock_;
  SavedRecording saved_;
};

}  // namespace mqtk
