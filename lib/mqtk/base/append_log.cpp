#include "mqtk/base/append_log.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "mqtk/base/error.hpp"

namespace mqtk {
namespace {

[[noreturn]] void fail(const std::string& what, const std::string& path, int error) {
  throw Error("cannot " + what + " " + path + ": " + std::strerror(error));
}

}  // namespace

void sync_parent_directory(const std::string& path) {
  std::size_t slash = path.rfind('/');
  std::string directory = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
  Fd fd(open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.valid()) fsync(fd.get());
}

AppendLog::AppendLog(std::string path, Options options) : path_(std::move(path)) {
  int flags = O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC | (options.follow_symlinks ? 0 : O_NOFOLLOW);
  if (options.create_new) flags |= O_EXCL;
  // Whether this open creates the file: try without O_CREAT first.
  fd_.reset(options.create_new ? -1 : open(path_.c_str(), flags & ~O_CREAT));
  if (!fd_.valid()) {
    if (!options.create_new && errno != ENOENT) {
      if (errno == ELOOP) throw SymbolicLinkRefused(path_);
      fail("open", path_, errno);
    }
    fd_.reset(open(path_.c_str(), flags, options.mode));
    if (!fd_.valid()) fail(errno == EEXIST ? "create (it exists already)" : "open", path_, errno);
    created_ = true;
  }
  struct stat info {};
  if (fstat(fd_.get(), &info) != 0) fail("inspect", path_, errno);
  if (!S_ISREG(info.st_mode)) throw Error("cannot record into " + path_ + ": it is not a regular file");
  size_ = static_cast<std::uint64_t>(info.st_size);
  identity_ = {static_cast<std::uint64_t>(info.st_dev), static_cast<std::uint64_t>(info.st_ino)};
  if (created_) sync_parent_directory(path_);
}

std::uint64_t AppendLog::repair(std::uint64_t ours_from, const LastBoundary& last_boundary) {
  if (ours_from >= size_) return 0;
  std::uint64_t keep = last_boundary(fd_.get(), ours_from, size_);
  if (keep >= size_) return 0;
  if (ftruncate(fd_.get(), static_cast<off_t>(keep)) != 0) fail("repair", path_, errno);
  std::uint64_t removed = size_ - keep;
  size_ = keep;
  return removed;
}

void AppendLog::append(std::string_view bytes) {
  write_or_cut_back(bytes, size_);
  size_ += bytes.size();
}

void AppendLog::append_pieces(const std::function<void(const std::function<void(std::string_view)>&)>& record) {
  std::uint64_t start = size_;
  std::uint64_t end = size_;
  record([&](std::string_view piece) {
    write_or_cut_back(piece, start);
    end += piece.size();
  });
  size_ = end;
}

void AppendLog::write_or_cut_back(std::string_view bytes, std::uint64_t start) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd_.get(), bytes.data() + done, bytes.size() - done);
    if (n > 0) {
      done += static_cast<std::size_t>(n);
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else {
      int error = n < 0 ? errno : ENOSPC;
      // Cut back to the last whole record: the caller acknowledges nothing.
      if (ftruncate(fd_.get(), static_cast<off_t>(start)) != 0) fail("write to (and could not repair)", path_, error);
      fail("write to", path_, error);
    }
  }
}

void AppendLog::sync() {
  if (fdatasync(fd_.get()) != 0) fail("sync", path_, errno);
}

std::uint64_t last_line_end(int fd, std::uint64_t from, std::uint64_t size) {
  char buffer[65536];
  std::uint64_t end = size;
  while (end > from) {
    std::uint64_t start = end - from > sizeof buffer ? end - sizeof buffer : from;
    ssize_t n = pread(fd, buffer, end - start, static_cast<off_t>(start));
    if (n != static_cast<ssize_t>(end - start))
      throw Error(std::string("cannot read back: ") + std::strerror(n < 0 ? errno : EIO));
    for (ssize_t i = n; i > 0; --i) {
      if (buffer[i - 1] == '\n') return start + static_cast<std::uint64_t>(i);
    }
    end = start;
  }
  return from;
}

}  // namespace mqtk
