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
#include <vector>

#include "mqtk/base/error.hpp"

namespace mqtk {
namespace {

// A new segment is started past this size, so sent data can be deleted.
constexpr std::uint64_t kSegmentBytes = 16 * 1024 * 1024;

[[noreturn]] void fail(const std::string& what, const std::string& path, int error) {
  throw Error("spool: cannot " + what + " " + path + ": " + std::strerror(error));
}

void sync_directory(const std::string& directory) {
  int fd = open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    fsync(fd);
    close(fd);
  }
}

std::uint64_t count_lines(int fd, std::uint64_t from, std::uint64_t to) {
  std::uint64_t lines = 0;
  char buffer[65536];
  while (from < to) {
    ssize_t n = pread(fd, buffer, std::min<std::uint64_t>(sizeof buffer, to - from), static_cast<off_t>(from));
    if (n <= 0) break;
    lines += static_cast<std::uint64_t>(std::count(buffer, buffer + n, '\n'));
    from += static_cast<std::uint64_t>(n);
  }
  return lines;
}

}  // namespace

std::string Spool::segment_path(std::uint64_t id) const {
  char name[32];
  std::snprintf(name, sizeof name, "/%016llu.lp", static_cast<unsigned long long>(id));
  return directory_ + name;
}

Spool::Spool(std::string directory, std::uint64_t max_bytes, Durability durability)
    : directory_(std::move(directory)), max_bytes_(max_bytes), sync_(durability) {
  // Create the directory and its parents.
  for (std::size_t slash = directory_.find('/', 1); ; slash = directory_.find('/', slash + 1)) {
    std::string part = directory_.substr(0, slash);
    if (mkdir(part.c_str(), 0700) != 0 && errno != EEXIST) fail("create", part, errno);
    if (slash == std::string::npos) break;
  }
  std::string lock = directory_ + "/lock";
  lock_fd_ = open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lock_fd_ < 0) fail("open", lock, errno);
  if (flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    throw Error("spool " + directory_ + " is in use by another mqtk-record; give each recorder its own --spool");
  }

  std::vector<std::uint64_t> ids;
  if (DIR* dir = opendir(directory_.c_str())) {
    while (dirent* entry = readdir(dir)) {
      std::string name = entry->d_name;
      if (name.size() == 19 && name.ends_with(".lp") &&
          name.find_first_not_of("0123456789") == 16) {
        ids.push_back(std::stoull(name.substr(0, 16)));
      }
    }
    closedir(dir);
  }
  std::sort(ids.begin(), ids.end());

  std::FILE* file = std::fopen((directory_ + "/checkpoint").c_str(), "r");
  if (file) {
    unsigned long long segment = 0, offset = 0;
    if (std::fscanf(file, "%llu %llu", &segment, &offset) == 2) checkpoint_ = {segment, offset};
    std::fclose(file);
  }
  if (ids.empty()) ids.push_back(std::max<std::uint64_t>(checkpoint_.segment, 1));
  if (checkpoint_.segment < ids.front()) checkpoint_ = {ids.front(), 0};

  for (std::uint64_t id : ids) {
    if (id < checkpoint_.segment) {
      std::remove(segment_path(id).c_str());  // sent before a crash cut the clean-up short
      continue;
    }
    segments_.push_back({id, 0});
  }
  open_segment(segments_.back().id);
  for (Segment& segment : segments_) {
    int fd = segment.id == segments_.back().id ? write_fd_ : open(segment_path(segment.id).c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) fail("open", segment_path(segment.id), errno);
    struct stat info {};
    fstat(fd, &info);
    segment.size = static_cast<std::uint64_t>(info.st_size);
    if (segment.id == segments_.back().id) {
      // Drop a torn last line: its message was never acknowledged.
      std::uint64_t keep = segment.size;
      char c = '\n';
      while (keep > 0 && pread(fd, &c, 1, static_cast<off_t>(keep - 1)) == 1 && c != '\n') --keep;
      if (keep != segment.size && ftruncate(fd, static_cast<off_t>(keep)) != 0) fail("repair", segment_path(segment.id), errno);
      segment.size = keep;
    }
    std::uint64_t from = segment.id == checkpoint_.segment ? std::min(checkpoint_.offset, segment.size) : 0;
    pending_lines_ += count_lines(fd, from, segment.size);
    pending_bytes_ += segment.size - from;
    if (fd != write_fd_) close(fd);
  }
}

Spool::~Spool() {
  if (write_fd_ >= 0) {
    if (unsynced_) fdatasync(write_fd_);
    close(write_fd_);
  }
  if (lock_fd_ >= 0) close(lock_fd_);
}

void Spool::open_segment(std::uint64_t id) {
  std::string path = segment_path(id);
  write_fd_ = open(path.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (write_fd_ < 0) fail("open", path, errno);
  sync_directory(directory_);
}

void Spool::append(std::string_view lines) {
  if (lines.empty()) return;
  Segment current;
  {
    std::lock_guard lock(mutex_);
    current = segments_.back();
  }
  if (current.size >= kSegmentBytes) {
    if (fdatasync(write_fd_) != 0) fail("sync", segment_path(current.id), errno);
    close(write_fd_);
    current = {current.id + 1, 0};
    open_segment(current.id);
    std::lock_guard lock(mutex_);
    segments_.push_back(current);
  }
  std::size_t done = 0;
  while (done < lines.size()) {
    ssize_t n = ::write(write_fd_, lines.data() + done, lines.size() - done);
    if (n > 0) {
      done += static_cast<std::size_t>(n);
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else {
      int error = n < 0 ? errno : ENOSPC;
      if (ftruncate(write_fd_, static_cast<off_t>(current.size)) != 0) {
        fail("write to (and could not repair)", segment_path(current.id), error);
      }
      fail("write to", segment_path(current.id), error);
    }
  }
  unsynced_ = true;
  {
    std::lock_guard lock(mutex_);
    segments_.back().size += lines.size();
    pending_bytes_ += lines.size();
    pending_lines_ += static_cast<std::uint64_t>(std::count(lines.begin(), lines.end(), '\n'));
  }
  changed_.notify_all();
}

void Spool::sync(bool before_acknowledgements) {
  if (unsynced_ && sync_.due(std::chrono::steady_clock::now(), before_acknowledgements)) {
    if (fdatasync(write_fd_) != 0) fail("sync", directory_, errno);
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

void Spool::wait(std::uint64_t min_lines, std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(mutex_);
  changed_.wait_until(lock, deadline, [&] { return woken_ || pending_lines_ >= min_lines; });
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
    std::uint64_t offset = segment.id == position.segment ? position.offset : 0;
    if (offset >= segment.size) {
      if (segment.id != segments.back().id) batch.end = {segment.id + 1, 0};
      continue;
    }
    int fd = open(segment_path(segment.id).c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) fail("open", segment_path(segment.id), errno);
    std::size_t room = max_bytes > batch.lines.size() ? max_bytes - batch.lines.size() : 0;
    std::uint64_t remaining = segment.size - offset;
    std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(remaining, std::max<std::size_t>(room, 1 << 16)));
    std::size_t start = batch.lines.size();
    auto read_more = [&](std::size_t bytes) {
      std::size_t at = batch.lines.size();
      batch.lines.resize(at + bytes);
      ssize_t n = pread(fd, batch.lines.data() + at, bytes, static_cast<off_t>(offset + (at - start)));
      batch.lines.resize(at + static_cast<std::size_t>(std::max<ssize_t>(n, 0)));
    };
    read_more(want);
    // A line longer than the window: read on until it is whole.
    if (batch.lines.find('\n', start) == std::string::npos && want < remaining) {
      read_more(static_cast<std::size_t>(remaining - want));
    }
    close(fd);
    // Keep whole lines only, and no more than max_lines.
    std::size_t end = start;
    for (std::size_t i = start; i < batch.lines.size() && batch.count < max_lines; ++i) {
      if (batch.lines[i] == '\n') {
        end = i + 1;
        ++batch.count;
      }
    }
    batch.lines.resize(end);
    batch.end = {segment.id, offset + (end - start)};
    bool segment_done = batch.end.offset >= segment.size && segment.id != segments.back().id;
    if (segment_done) batch.end = {segment.id + 1, 0};
    if (batch.count >= max_lines || batch.lines.size() >= max_bytes || !segment_done) break;
  }
  return batch;
}

void Spool::write_checkpoint(Position position) {
  std::string path = directory_ + "/checkpoint";
  std::string temporary = path + ".new";
  int fd = open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) fail("write", temporary, errno);
  char text[64];
  int length = std::snprintf(text, sizeof text, "%llu %llu\n", static_cast<unsigned long long>(position.segment),
                             static_cast<unsigned long long>(position.offset));
  bool ok = ::write(fd, text, static_cast<std::size_t>(length)) == length && fdatasync(fd) == 0;
  close(fd);
  if (!ok || std::rename(temporary.c_str(), path.c_str()) != 0) fail("write", path, errno);
  sync_directory(directory_);
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
  for (std::uint64_t id : finished) std::remove(segment_path(id).c_str());
}

void Spool::reject(std::string_view line, std::string_view reason) {
  std::string path = directory_ + "/rejected.lp";
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) return;  // best effort: the reason is also reported on standard error
  std::string record = "# " + std::string(reason) + "\n" + std::string(line);
  if (record.back() != '\n') record.push_back('\n');
  (void)!::write(fd, record.data(), record.size());
  close(fd);
}

}  // namespace mqtk
