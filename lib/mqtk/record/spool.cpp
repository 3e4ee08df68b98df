#include "mqtk/record/spool.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

#include "mqtk/base/directory_stream.hpp"
#include "mqtk/base/error.hpp"
#include "mqtk/base/newlines.hpp"
#include "mqtk/base/whole_file.hpp"

namespace mqtk {
namespace {

// A new segment is started past this size, so sent data can be deleted.
constexpr std::uint64_t kSegmentBytes = 16 * 1024 * 1024;
// How the spool's segments and rejected.lp are opened: existing ones kept,
// links refused, readable by their owner only.
constexpr AppendLog::Options kSpoolFile{.create_new = false, .follow_symlinks = false, .mode = 0600};

[[noreturn]] void fail(const std::string& what, const std::string& path, int error) {
  throw Error("spool: cannot " + what + " " + path + ": " + std::strerror(error));
}

std::uint64_t count_lines(int fd, std::uint64_t from, std::uint64_t to) {
  std::uint64_t lines = 0;
  char buffer[65536];
  while (from < to) {
    ssize_t n = pread(fd, buffer, std::min<std::uint64_t>(sizeof buffer, to - from), static_cast<off_t>(from));
    if (n <= 0) break;
    lines += count_newlines(std::string_view(buffer, static_cast<std::size_t>(n)));
    from += static_cast<std::uint64_t>(n);
  }
  return lines;
}

// Creates `directory` and its parents (0700), and checks that it is ours:
// points written there are sent to the database, so nobody else may add any.
void make_private_directory(const std::string& directory, bool follow_symlinks) {
  for (std::size_t slash = directory.find('/', 1);; slash = directory.find('/', slash + 1)) {
    std::string part = directory.substr(0, slash);
    if (mkdir(part.c_str(), 0700) != 0 && errno != EEXIST) fail("create", part, errno);
    if (slash == std::string::npos) break;
  }
  struct stat info {};
  if (lstat(directory.c_str(), &info) != 0) fail("inspect", directory, errno);
  if (S_ISLNK(info.st_mode)) {
    if (!follow_symlinks) {
      throw Error("spool " + directory +
                  " is a symbolic link, and links are not followed; give the directory "
                  "itself, or --follow-symlinks");
    }
    if (stat(directory.c_str(), &info) != 0) fail("inspect", directory, errno);
  }
  if (!S_ISDIR(info.st_mode)) throw Error("spool " + directory + " is not a directory");
  if (info.st_uid != geteuid() || (info.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
    throw Error("spool " + directory + " belongs to another user or others may write to it; run chmod 700 " +
                directory + " (as its owner), or give another --spool");
  }
}

// The segment ids in `directory`, in order.
std::vector<std::uint64_t> segment_ids(const std::string& directory) {
  std::vector<std::uint64_t> ids;
  DirectoryStream dir = open_directory(directory);
  if (!dir) return ids;
  while (dirent* entry = readdir(dir.get())) {
    std::string name = entry->d_name;
    if (name.size() == 19 && name.ends_with(".lp") && name.find_first_not_of("0123456789") == 16) {
      ids.push_back(std::stoull(name.substr(0, 16)));
    }
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

std::optional<Spool::Position> read_checkpoint(const std::string& directory) {
  std::optional<std::string> text = read_whole_file(directory + "/checkpoint", "spool checkpoint", 4096, true);
  unsigned long long segment = 0, offset = 0;
  if (text && std::sscanf(text->c_str(), "%llu %llu", &segment, &offset) == 2) return Spool::Position{segment, offset};
  return std::nullopt;
}

// Where the spool at `directory` keeps the points the database refused.
std::string rejected_path(const std::string& directory) { return directory + "/rejected.lp"; }

// The file of segment `id` in the spool at `directory`.
std::string segment_path(const std::string& directory, std::uint64_t id) {
  char name[32];
  std::snprintf(name, sizeof name, "/%016llu.lp", static_cast<unsigned long long>(id));
  return directory + name;
}

}  // namespace

Spool::Spool(std::string directory, std::uint64_t max_bytes, Durability durability, bool follow_symlinks)
    : directory_(std::move(directory)), max_bytes_(max_bytes), sync_(durability) {
  make_private_directory(directory_, follow_symlinks);
  std::string lock = directory_ + "/lock";
  lock_.reset(open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (!lock_.valid()) fail("open", lock, errno);
  if (flock(lock_.get(), LOCK_EX | LOCK_NB) != 0) {
    throw Error("spool " + directory_ + " is in use by another mqtk-record; give each recorder its own --spool");
  }
  take_over();
}

// Takes the spool over from a previous run: segments sent before a crash cut
// the clean-up short are deleted, a torn line at the end of a segment is cut
// off (its message was never acknowledged; in an earlier segment it can only
// be damage, and left there it would stop the sending), and what waits is
// counted.
void Spool::take_over() {
  checkpoint_ = read_checkpoint(directory_).value_or(Position{});
  for (std::uint64_t id : segment_ids(directory_)) {
    if (id < checkpoint_.segment) {
      std::remove(segment_path(directory_, id).c_str());
    } else {
      segments_.push_back({id, 0});
    }
  }
  if (segments_.empty()) segments_.push_back({std::max<std::uint64_t>(checkpoint_.segment, 1), 0});
  if (checkpoint_.segment < segments_.front().id) checkpoint_ = {segments_.front().id, 0};
  open_segment(segments_.back().id);
  for (Segment& segment : segments_) {
    std::optional<AppendLog> earlier;
    if (segment.id != segments_.back().id) {
      earlier.emplace(segment_path(directory_, segment.id), kSpoolFile);
    }
    AppendLog& log = earlier ? *earlier : *segment_;
    log.repair(0, last_line_end);  // the spool is all ours
    segment.size = log.size();
    if (segment.id == checkpoint_.segment && checkpoint_.offset > segment.size) {
      // The segment lost a tail that was sent but not yet synced when the
      // machine went down: all it holds now was sent, and what comes next
      // is appended from here.
      checkpoint_.offset = segment.size;
    }
    std::uint64_t from = segment.id == checkpoint_.segment ? checkpoint_.offset : 0;
    pending_lines_ += count_lines(log.fd(), from, segment.size);
    pending_bytes_ += segment.size - from;
  }
}

std::optional<std::uint64_t> Spool::count_pending(const std::string& directory) {
  struct stat info {};
  if (stat(directory.c_str(), &info) != 0 || !S_ISDIR(info.st_mode)) return std::nullopt;
  Position checkpoint = read_checkpoint(directory).value_or(Position{});
  std::uint64_t lines = 0;
  for (std::uint64_t id : segment_ids(directory)) {
    if (id < checkpoint.segment) continue;
    Fd fd(open(segment_path(directory, id).c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    if (!fd.valid() || fstat(fd.get(), &info) != 0) continue;
    std::uint64_t size = static_cast<std::uint64_t>(info.st_size);
    lines += count_lines(fd.get(), id == checkpoint.segment ? std::min(checkpoint.offset, size) : 0, size);
  }
  return lines;
}

Spool::~Spool() {
  if (segment_ && unsynced_) {
    try {
      segment_->sync();
    } catch (const Error&) {
      // What was not synced was never acknowledged either.
    }
  }
}

void Spool::open_segment(std::uint64_t id) { segment_.emplace(segment_path(directory_, id), kSpoolFile); }

void Spool::append(std::string_view lines) {
  if (lines.empty()) return;
  if (segment_->size() >= kSegmentBytes) {
    segment_->sync();
    std::uint64_t next = segments_.back().id + 1;
    open_segment(next);
    std::lock_guard lock(mutex_);
    segments_.push_back({next, 0});
  }
  segment_->append(lines);  // whole lines or nothing; throws naming the file
  unsynced_ = true;
  {
    std::lock_guard lock(mutex_);
    segments_.back().size = segment_->size();
    pending_bytes_ += lines.size();
    pending_lines_ += count_newlines(lines);
    last_append_ = std::chrono::steady_clock::now();
  }
  changed_.notify_all();
}

void Spool::sync(bool before_acknowledgements) {
  if (unsynced_ && sync_.due(std::chrono::steady_clock::now(), before_acknowledgements)) {
    segment_->sync();
    unsynced_ = false;
  }
}

bool Spool::full() const {
  std::lock_guard lock(mutex_);
  return pending_bytes_ > max_bytes_;
}

std::uint64_t Spool::pending_lines() const {
  std::lock_guard lock(mutex_);
  return pending_lines_;
}

std::uint64_t Spool::pending_bytes() const {
  std::lock_guard lock(mutex_);
  return pending_bytes_;
}

void Spool::wait(std::uint64_t min_lines, std::uint64_t min_bytes, std::chrono::steady_clock::time_point deadline,
                 std::chrono::steady_clock::duration pause) {
  using Clock = std::chrono::steady_clock;
  std::unique_lock lock(mutex_);
  while (!woken_ && pending_lines_ < min_lines && pending_bytes_ < min_bytes) {
    Clock::time_point now = Clock::now(), until = deadline;
    if (pending_lines_ > 0 && pause != Clock::duration::max()) {
      Clock::time_point paused = last_append_ + pause;
      if (now >= paused) break;
      until = std::min(until, paused);
    }
    if (now >= deadline) break;
    changed_.wait_until(lock, until);
  }
  woken_ = false;
}

void Spool::wake() {
  {
    std::lock_guard lock(mutex_);
    woken_ = true;
  }
  changed_.notify_all();
}

Spool::Batch Spool::read(std::size_t max_lines, std::size_t max_bytes) const {
  std::deque<Segment> segments;
  Position position;
  {
    std::lock_guard lock(mutex_);
    segments = segments_;
    position = checkpoint_;
  }
  Batch batch;
  batch.start = position;
  batch.end = position;
  for (const Segment& segment : segments) {
    if (segment.id < position.segment) continue;
    const bool last = segment.id == segments.back().id;
    const std::uint64_t offset = segment.id == position.segment ? position.offset : 0;
    if (offset >= segment.size) {
      if (last) break;
      batch.end = {segment.id + 1, 0};  // a finished segment, sent to its end: step over it
      continue;
    }
    // `segment.size` ends a line, and the segment only grows: what is
    // mapped stays in the file.
    const std::string path = segment_path(directory_, segment.id);
    Fd file(open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    if (!file.valid()) fail("open", path, errno);
    const std::uint64_t remaining = segment.size - offset;
    auto window = static_cast<std::size_t>(std::min<std::uint64_t>(remaining, std::max<std::size_t>(max_bytes, 1)));
    // What a full batch would leave of a finished segment comes too: a
    // sliver is a request of its own, and the database's cost of a request
    // (a sync of its log) does not shrink with it.
    if (!last && remaining - window < max_bytes / 4) window = static_cast<std::size_t>(remaining);
    batch.pages = MappedRegion(file.get(), offset, window, path);
    WholeLines whole = first_whole_lines(batch.pages.bytes(), max_lines);
    if (whole.count == 0 && window < remaining) {
      // A line longer than the window: it comes alone.
      batch.pages = MappedRegion(file.get(), offset, static_cast<std::size_t>(remaining), path);
      whole = first_whole_lines(batch.pages.bytes(), 1);
    }
    if (whole.count == 0 && !last) {
      // No whole line is left in a finished segment (it was damaged after
      // it was taken over): step over the rest rather than stop here.
      batch.pages = {};
      batch.end = {segment.id + 1, 0};
      continue;
    }
    batch.lines = batch.pages.bytes().substr(0, whole.bytes);
    batch.count = whole.count;
    batch.end = {segment.id, offset + whole.bytes};
    if (batch.end.offset >= segment.size && !last) batch.end = {segment.id + 1, 0};
    break;
  }
  return batch;
}

void Spool::write_checkpoint(Position position) {
  std::string path = directory_ + "/checkpoint";
  std::string temporary = path + ".new";
  char text[64];
  int length = std::snprintf(text, sizeof text, "%llu %llu\n", static_cast<unsigned long long>(position.segment),
                             static_cast<unsigned long long>(position.offset));
  {
    Fd fd(open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600));
    if (!fd.valid()) fail("write", temporary, errno);
    if (::write(fd.get(), text, static_cast<std::size_t>(length)) != length || fdatasync(fd.get()) != 0) {
      fail("write", temporary, errno);
    }
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) fail("write", path, errno);
  sync_parent_directory(path);
}

void Spool::consume(const Batch& batch) {
  if (batch.count == 0 && batch.end == checkpoint_) return;
  write_checkpoint(batch.end);
  std::vector<std::uint64_t> finished;
  {
    std::lock_guard lock(mutex_);
    checkpoint_ = batch.end;
    pending_lines_ -= std::min<std::uint64_t>(pending_lines_, batch.count);
    pending_bytes_ -= std::min<std::uint64_t>(pending_bytes_, batch.lines.size());
    while (segments_.size() > 1 && segments_.front().id < checkpoint_.segment) {
      finished.push_back(segments_.front().id);
      segments_.pop_front();
    }
  }
  for (std::uint64_t id : finished) std::remove(segment_path(directory_, id).c_str());
}

bool Spool::reject(std::string_view line, std::string_view reason) {
  std::string point(line);
  if (point.empty() || point.back() != '\n') point.push_back('\n');
  std::lock_guard lock(rejected_mutex_);
  if (!rejected_) {
    rejected_.emplace();
    try {
      for (std::string& kept : rejected_points(directory_)) rejected_->insert(std::move(kept));
    } catch (const Error&) {
      // Unreadable: every refusal is kept, as before there was a check.
    }
  }
  if (!rejected_->insert(point).second) return false;
  std::string record = "# " + std::string(reason) + "\n" + point;
  try {
    AppendLog rejected(rejected_path(directory_), kSpoolFile);
    rejected.append(record);
    rejected.sync();
  } catch (const Error&) {
    // Best effort: the point and the reason are also reported on standard error.
  }
  return true;
}

std::vector<std::string> Spool::rejected_points(const std::string& directory) {
  std::string path = rejected_path(directory);
  std::optional<std::string> text = read_whole_file(path, path, std::size_t{1} << 32, true);
  std::vector<std::string> points;
  if (!text) return points;
  std::size_t start = 0;
  while (start < text->size()) {
    std::size_t end = text->find('\n', start);
    if (end == std::string::npos) end = text->size();
    if (end > start && (*text)[start] != '#') points.push_back(text->substr(start, end - start + 1));
    start = end + 1;
  }
  return points;
}

}  // namespace mqtk
