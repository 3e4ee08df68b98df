#include "mqtk/record/file_sink.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>

#include "mqtk/base/error.hpp"

namespace mqtk {
namespace {

[[noreturn]] void fail(const std::string& what, const std::string& path, int error) {
  throw Error("cannot " + what + " " + path + ": " + std::strerror(error));
}

void sync_directory(const std::string& path) {
  std::string directory = path.find('/') == std::string::npos ? "." : path.substr(0, path.rfind('/') + 1);
  int fd = open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    fsync(fd);
    close(fd);
  }
}

// A crash can leave a last line without its end: cut it off, since its
// message was never acknowledged and will come again.
std::uint64_t drop_torn_tail(int fd, const std::string& path) {
  struct stat info {};
  if (fstat(fd, &info) != 0) fail("inspect", path, errno);
  std::uint64_t size = static_cast<std::uint64_t>(info.st_size);
  std::uint64_t end = size;
  char buffer[4096];
  while (end > 0) {
    std::uint64_t start = end > sizeof buffer ? end - sizeof buffer : 0;
    ssize_t n = pread(fd, buffer, end - start, static_cast<off_t>(start));
    if (n != static_cast<ssize_t>(end - start)) fail("read", path, n < 0 ? errno : EIO);
    for (ssize_t i = n; i > 0; --i) {
      if (buffer[i - 1] == '\n') {
        std::uint64_t keep = start + static_cast<std::uint64_t>(i);
        if (keep != size && ftruncate(fd, static_cast<off_t>(keep)) != 0) fail("repair", path, errno);
        return keep;
      }
    }
    end = start;
  }
  // No line end at all: the whole file is one torn line.
  if (size != 0 && ftruncate(fd, 0) != 0) fail("repair", path, errno);
  return 0;
}

}  // namespace

FileSink::FileSink(FileSinkOptions options, std::unique_ptr<MessageFormat> format)
    : options_(std::move(options)), format_(std::move(format)), sync_(options_.durability) {
  open_file(std::chrono::system_clock::now());
}

FileSink::~FileSink() { close_file(); }

// name-20261125T030000.123456Z.ext: names sort in the order they were made.
std::string FileSink::rotated_name(std::chrono::system_clock::time_point now) const {
  const std::string& path = options_.path;
  std::size_t slash = path.rfind('/');
  std::size_t dot = path.rfind('.');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash) || dot == slash + 1) dot = path.size();
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count();
  while (true) {
    std::time_t seconds = static_cast<std::time_t>(micros / 1000000);
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    char stamp[48];
    std::size_t length = std::strftime(stamp, sizeof stamp, "-%Y%m%dT%H%M%S", &tm);
    std::snprintf(stamp + length, sizeof stamp - length, ".%06dZ", static_cast<int>(micros % 1000000));
    std::string name = path.substr(0, dot) + stamp + path.substr(dot);
    // A rotation starts a file of its own (the first file may be appended to).
    if (current_path_.empty() || access(name.c_str(), F_OK) != 0) return name;
    ++micros;
  }
}

void FileSink::open_file(std::chrono::system_clock::time_point now) {
  bool rotating = options_.rotate_bytes || options_.rotate_every;
  current_path_ = rotating ? rotated_name(now) : options_.path;
  fd_ = open(current_path_.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd_ < 0) fail("open", current_path_, errno);
  size_ = drop_torn_tail(fd_, current_path_);
  opened_ = std::chrono::steady_clock::now();
  if (size_ == 0 && !options_.header.empty()) pending_.insert(0, options_.header);
  sync_directory(current_path_);
}

void FileSink::close_file() {
  if (fd_ < 0) return;
  if (unsynced_) fdatasync(fd_);
  close(fd_);
  fd_ = -1;
}

void FileSink::write(const Message& message) {
  std::size_t before = pending_.size();
  format_->render(message, pending_);
  if (pending_.size() != before) ++pending_records_;
}

void FileSink::commit(bool before_acknowledgements) {
  auto now = std::chrono::steady_clock::now();
  if (!pending_.empty()) {
    std::size_t done = 0;
    while (done < pending_.size()) {
      ssize_t n = ::write(fd_, pending_.data() + done, pending_.size() - done);
      if (n > 0) {
        done += static_cast<std::size_t>(n);
      } else if (n < 0 && errno == EINTR) {
        continue;
      } else {
        int error = n < 0 ? errno : ENOSPC;
        // Cut back to the last whole record: those messages were not acknowledged.
        if (ftruncate(fd_, static_cast<off_t>(size_)) != 0) {
          fail("write to (and could not repair)", current_path_, error);
        }
        fail("write to", current_path_, error);
      }
    }
    size_ += done;
    records_written_ += pending_records_;
    pending_records_ = 0;
    pending_.clear();
    unsynced_ = true;
  }
  if (unsynced_ && sync_.due(now, before_acknowledgements)) {
    if (fdatasync(fd_) != 0) fail("sync", current_path_, errno);
    unsynced_ = false;
  }
  bool full = options_.rotate_bytes && size_ >= *options_.rotate_bytes;
  bool old = options_.rotate_every && now - opened_ >= *options_.rotate_every;
  if ((full || old) && size_ > 0) {
    close_file();
    open_file(std::chrono::system_clock::now());
  }
}

}  // namespace mqtk
