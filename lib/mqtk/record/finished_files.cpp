#include "mqtk/record/finished_files.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <memory>

#include "mqtk/base/append_log.hpp"
#include "mqtk/base/directory_stream.hpp"
#include "mqtk/base/error.hpp"
#include "mqtk/base/units.hpp"

namespace mqtk {
namespace {

// "out" and ".jsonl" of "/data/out.jsonl", as FileSink names rotated files.
std::pair<std::string, std::string> stem_and_extension(std::string_view file_name) {
  std::size_t dot = file_name.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return {std::string(file_name), ""};
  return {std::string(file_name.substr(0, dot)), std::string(file_name.substr(dot))};
}

std::string directory_of(const std::string& path) {
  std::size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
}

std::string name_of(const std::string& path) {
  std::size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

bool all_digits(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

}  // namespace

bool is_rotated_name(std::string_view name, std::string_view base) {
  auto [stem, extension] = stem_and_extension(base);
  // stem-20261125T030000.123456Z.ext[.gz|.zst]
  if (!name.starts_with(stem + "-")) return false;
  std::string_view rest = name.substr(stem.size() + 1);
  constexpr std::size_t kStamp = 23;  // 20261125T030000.123456Z
  if (rest.size() < kStamp || !all_digits(rest.substr(0, 8)) || rest[8] != 'T' || !all_digits(rest.substr(9, 6)) ||
      rest[15] != '.' || !all_digits(rest.substr(16, 6)) || rest[22] != 'Z') {
    return false;
  }
  rest.remove_prefix(kStamp);
  if (!rest.starts_with(extension)) return false;
  rest.remove_prefix(extension.size());
  return rest.empty() || rest == ".gz" || rest == ".zst";
}

Retention parse_retention(std::string_view text) {
  Retention retention;
  std::size_t files = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), files);
  if (ec == std::errc() && end == text.data() + text.size()) {
    if (files == 0) throw UsageError("--keep: keep at least 1 file (or give an age, such as 7d)");
    retention.files = files;
    return retention;
  }
  try {
    retention.age = parse_duration(text, "--keep");
  } catch (const UsageError&) {
    throw UsageError("--keep: expected a number of files (30) or an age (7d, 12h), not '" + std::string(text) + "'");
  }
  return retention;
}

FinishedFiles::FinishedFiles(std::string output, Compression compression, Retention retention, const Reporter& reporter)
    : output_(std::move(output)), compression_(compression), retention_(retention), reporter_(reporter) {
  for (const std::string& path : rotated_files()) {
    if (path.ends_with(".tmp")) {
      std::remove(path.c_str());  // a compression a crash cut short; the original is still there
    } else if (compression_ != Compression::kNone && compression_of(path) == Compression::kNone) {
      queue_.push_back(path);
    }
  }
  // The thread must not take the stop signals (see InfluxWriter).
  sigset_t all, previous;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, &previous);
  thread_ = std::thread([this] { run(); });
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
}

FinishedFiles::~FinishedFiles() {
  stop_now();
  if (thread_.joinable()) thread_.join();
}

// This output's rotated files, oldest first (their names sort by time);
// temporary files of a compression too.
std::vector<std::string> FinishedFiles::rotated_files() const {
  std::string directory = directory_of(output_);
  std::string base = name_of(output_);
  std::vector<std::string> files;
  DirectoryStream dir = open_directory(directory);
  if (!dir) return files;
  while (dirent* entry = readdir(dir.get())) {
    std::string name = entry->d_name;
    bool temporary = name.ends_with(".tmp") && is_rotated_name(name.substr(0, name.size() - 4), base);
    if (temporary || is_rotated_name(name, base)) files.push_back(directory + "/" + name);
  }
  std::sort(files.begin(), files.end());
  return files;
}

void FinishedFiles::set_current(const std::string& path) {
  std::lock_guard lock(mutex_);
  current_ = path;
}

void FinishedFiles::add(const std::string& path) {
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(path);
  }
  wake_.notify_all();
}

void FinishedFiles::begin_finish() {
  {
    std::lock_guard lock(mutex_);
    finishing_ = true;
  }
  wake_.notify_all();
}

bool FinishedFiles::finished() {
  std::lock_guard lock(mutex_);
  return done_;
}

void FinishedFiles::stop_now() {
  {
    std::lock_guard lock(mutex_);
    finishing_ = stop_now_ = true;
  }
  wake_.notify_all();
}

long FinishedFiles::compressed() const {
  std::lock_guard lock(mutex_);
  return compressed_;
}

long FinishedFiles::removed() const {
  std::lock_guard lock(mutex_);
  return removed_;
}

void FinishedFiles::run() {
  apply_retention();
  while (true) {
    std::string path;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return !queue_.empty() || finishing_; });
      if (stop_now_ || (queue_.empty() && finishing_)) break;
      path = queue_.front();
      queue_.pop_front();
    }
    struct stat status {};
    if (stat(path.c_str(), &status) == 0 && status.st_size == 0) {
      // Started by a run killed before its first record reached it (or
      // before it was marked as started): nothing to keep.
      std::remove(path.c_str());
    } else if (compression_ != Compression::kNone && compression_of(path) == Compression::kNone) {
      std::string target = path + std::string(compression_suffix(compression_));
      std::string temporary = target + ".tmp";
      try {
        bool done = compress_file(path, temporary, compression_, [this] {
          std::lock_guard lock(mutex_);
          return stop_now_;
        });
        if (done) {
          // Never over a file that is there: an earlier run's, of the same name.
          if (renameat2(AT_FDCWD, temporary.c_str(), AT_FDCWD, target.c_str(), RENAME_NOREPLACE) != 0) {
            int error = errno;
            std::remove(temporary.c_str());
            throw Error(error == EEXIST ? target + " is there already" : "cannot rename to " + target);
          }
          sync_parent_directory(target);
          std::remove(path.c_str());
          std::lock_guard lock(mutex_);
          ++compressed_;
        }
      } catch (const Error& e) {
        reporter_.warning(std::string(e.what()) + "; " + path + " stays uncompressed");
      }
    }
    apply_retention();
  }
  std::lock_guard lock(mutex_);
  done_ = true;
}

// Removes the oldest finished files past the retention (never the one
// being written, nor one still to be compressed).
void FinishedFiles::apply_retention() {
  if (!retention_.any()) return;
  std::vector<std::string> finished;
  {
    std::lock_guard lock(mutex_);
    for (const std::string& path : rotated_files()) {
      if (path == current_ || path.ends_with(".tmp")) continue;
      if (std::find(queue_.begin(), queue_.end(), path) != queue_.end()) continue;
      finished.push_back(path);
    }
  }
  std::size_t remove = 0;
  if (retention_.files && finished.size() > *retention_.files) remove = finished.size() - *retention_.files;
  if (retention_.age) {
    auto oldest = std::chrono::system_clock::now() - *retention_.age;
    for (std::size_t i = remove; i < finished.size(); ++i) {
      struct stat info {};
      if (stat(finished[i].c_str(), &info) != 0) continue;
      auto written = std::chrono::system_clock::time_point(std::chrono::seconds(info.st_mtim.tv_sec));
      if (written < oldest) remove = i + 1;
    }
  }
  for (std::size_t i = 0; i < remove; ++i) {
    if (std::remove(finished[i].c_str()) == 0) {
      std::lock_guard lock(mutex_);
      ++removed_;
    }
  }
}

}  // namespace mqtk
