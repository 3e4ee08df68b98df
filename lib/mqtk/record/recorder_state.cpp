#include "mqtk/record/recorder_state.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <memory>
#include <nlohmann/json.hpp>

#include "mqtk/base/append_log.hpp"
#include "mqtk/base/directory_stream.hpp"
#include "mqtk/base/error.hpp"
#include "mqtk/base/rfc3339.hpp"
#include "mqtk/base/whole_file.hpp"

namespace mqtk {

void to_json(nlohmann::json& json, const FileMark& mark) {
  json = {{"file", mark.file},
          {"device", mark.identity.device},
          {"inode", mark.identity.inode},
          {"from", mark.from},
          {"open", mark.open},
          {"size", mark.size}};
}

void from_json(const nlohmann::json& json, FileMark& mark) {
  mark.file = json.at("file").get<std::string>();
  mark.identity.device = json.at("device").get<std::uint64_t>();
  mark.identity.inode = json.at("inode").get<std::uint64_t>();
  mark.from = json.at("from").get<std::uint64_t>();
  mark.open = json.at("open").get<bool>();
  mark.size = json.at("size").get<std::uint64_t>();
}

void to_json(nlohmann::json& json, const RecordingDescription& d) {
  json = {{"client_id", d.client_id}, {"broker", d.broker}, {"filters", d.filters},      {"outputs", d.outputs},
          {"influx", d.influx},       {"spool", d.spool},   {"persistent", d.persistent}};
}

void from_json(const nlohmann::json& json, RecordingDescription& d) {
  d.client_id = json.value("client_id", "");
  d.broker = json.value("broker", "");
  d.filters = json.value("filters", std::vector<std::string>{});
  d.outputs = json.value("outputs", std::vector<std::string>{});
  d.influx = json.value("influx", "");
  d.spool = json.value("spool", "");
  d.persistent = json.value("persistent", true);
}

void to_json(nlohmann::json& json, const SavedRecording& s) {
  json = {{"recording", s.description},
          {"subscribed", s.subscribed},
          {"last_started", s.last_started},
          {"last_stopped", s.last_stopped},
          {"files", s.files}};
}

void from_json(const nlohmann::json& json, SavedRecording& s) {
  s.description = json.value("recording", RecordingDescription{});
  s.subscribed = json.value("subscribed", std::vector<std::string>{});
  s.last_started = json.value("last_started", "");
  s.last_stopped = json.value("last_stopped", "");
  s.files = json.value("files", std::map<std::string, FileMark>{});
}

namespace {

constexpr const char* kStateFile = "/state.json";

[[noreturn]] void fail(const std::string& what, const std::string& path, int error) {
  throw Error("cannot " + what + " " + path + ": " + std::strerror(error));
}

std::string now_text() {
  timespec now{};
  clock_gettime(CLOCK_REALTIME, &now);
  Rfc3339Clock clock;
  return std::string(clock.format(now));
}

void make_directories(const std::string& directory) {
  for (std::size_t slash = directory.find('/', 1);; slash = directory.find('/', slash + 1)) {
    std::string part = directory.substr(0, slash);
    if (mkdir(part.c_str(), 0700) != 0 && errno != EEXIST) fail("create", part, errno);
    if (slash == std::string::npos) break;
  }
}

std::optional<SavedRecording> load(const std::string& directory) {
  std::string path = directory + kStateFile;
  std::optional<std::string> text = read_whole_file(path, "recorder state " + path, 16 << 20, true);
  if (!text) return std::nullopt;
  nlohmann::json json = nlohmann::json::parse(*text, nullptr, false);
  try {
    if (json.is_object()) return json.get<SavedRecording>();
  } catch (const nlohmann::json::exception&) {
  }
  throw Error("recorder state " + path +
              " is damaged; move it away (the recording's file marks and filters are "
              "then forgotten)");
}

}  // namespace

std::string RecorderState::root_directory(const char* xdg_state_home, const char* home) {
  if (xdg_state_home && *xdg_state_home == '/') return std::string(xdg_state_home) + "/mqtk/record";
  if (home && *home == '/') return std::string(home) + "/.local/state/mqtk/record";
  throw Error("mqtk-record keeps its state in $XDG_STATE_HOME or $HOME/.local/state, and neither is set");
}

RecorderState::RecorderState(std::string directory) : directory_(std::move(directory)) {
  make_directories(directory_);
  std::string lock = directory_ + "/lock";
  lock_.reset(open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (!lock_.valid()) fail("open", lock, errno);
  if (flock(lock_.get(), LOCK_EX | LOCK_NB) != 0) {
    throw Error("another mqtk-record is running this recording (its state is " + directory_ +
                "); stop it first, or give this one other outputs or -i");
  }
  saved_ = load(directory_).value_or(SavedRecording{});
}

void RecorderState::save() {
  std::string path = directory_ + kStateFile;
  std::string temporary = path + ".new";
  std::string text = nlohmann::json(saved_).dump(2) + "\n";
  {
    Fd fd(open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600));
    if (!fd.valid()) fail("write", temporary, errno);
    if (::write(fd.get(), text.data(), text.size()) != static_cast<ssize_t>(text.size()) || fsync(fd.get()) != 0) {
      fail("write", temporary, errno);
    }
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) fail("write", path, errno);
  sync_parent_directory(path);
}

void RecorderState::begin_run(const RecordingDescription& description) {
  saved_.description = description;
  saved_.last_started = now_text();
  saved_.last_stopped.clear();
  save();
}

void RecorderState::end_run() {
  saved_.last_stopped = now_text();
  save();
}

void RecorderState::set_subscribed(const std::vector<std::string>& filters) {
  if (saved_.subscribed == filters) return;
  saved_.subscribed = filters;
  save();
}

std::optional<FileMark> RecorderState::mark(const std::string& output) const {
  auto found = saved_.files.find(output);
  if (found == saved_.files.end()) return std::nullopt;
  return found->second;
}

void RecorderState::set_mark(const std::string& output, const FileMark& mark) {
  saved_.files[output] = mark;
  save();
}

std::vector<RecorderState::Listed> RecorderState::list(const std::string& root) {
  std::vector<Listed> listed;
  DirectoryStream dir = open_directory(root);
  if (!dir) return listed;
  while (dirent* entry = readdir(dir.get())) {
    std::string name = entry->d_name;
    if (name == "." || name == "..") continue;
    std::string directory = root + "/" + name;
    std::optional<SavedRecording> saved;
    try {
      saved = load(directory);
    } catch (const Error&) {
      continue;  // damaged: a run of that recording says so
    }
    if (!saved) continue;
    Listed item{directory, *saved, false};
    Fd lock(open((directory + "/lock").c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    item.running = lock.valid() && flock(lock.get(), LOCK_SH | LOCK_NB) != 0;
    listed.push_back(std::move(item));
  }
  std::sort(listed.begin(), listed.end(),
            [](const Listed& a, const Listed& b) { return a.recording.last_started > b.recording.last_started; });
  return listed;
}

}  // namespace mqtk
