// A file that records are appended to without ever leaving a torn one:
//
//  - append() writes its bytes whole or not at all: a write that fails or
//    stops short (a full disk) is cut back to where it began, and an Error
//    names the file and the cause;
//  - a crash can still leave a record cut short at the end (the process
//    died inside write(), or the machine lost power before the data was
//    synced); repair() cuts that tail off, from an offset the caller knows
//    it wrote itself, so that a file somebody else wrote is never cut;
//  - a new file is made durable with its directory, as syncing a file does
//    not sync the entry that names it.
//
// mqtk-record's files and the InfluxDB spool are both AppendLogs.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "mqtk/base/error.hpp"
#include "mqtk/base/fd.hpp"

namespace mqtk {

// Which file this is, whatever its name: a file replaced by another under
// the same name has another identity.
struct FileIdentity {
  std::uint64_t device = 0;
  std::uint64_t inode = 0;
  bool operator==(const FileIdentity&) const = default;
};

// The path is a symbolic link and Options::follow_symlinks is off: a link
// planted there could send the writes anywhere.
class SymbolicLinkRefused : public Error {
 public:
  explicit SymbolicLinkRefused(const std::string& path)
      : Error("cannot open " + path + ": it is a symbolic link, and links are not followed") {}
};

class AppendLog {
 public:
  struct Options {
    bool create_new = false;       // the file must not exist yet (a rotated file)
    bool follow_symlinks = false;  // otherwise a symbolic link at the path is refused
    mode_t mode = 0644;
  };
  // Where the last whole record in [from, size) ends, `from` itself being
  // the end of a record: the format's rule.
  using LastBoundary = std::function<std::uint64_t(int fd, std::uint64_t from, std::uint64_t size)>;

  // Opens (creates) the file for appending. Throws Error naming the path: a
  // symbolic link (unless followed), not a regular file, no permission...
  AppendLog(std::string path, Options options);

  // Cuts off what follows the last whole record at or after `ours_from`
  // (an offset at which this program began writing). Returns the number of
  // bytes removed. Throws Error naming the path.
  std::uint64_t repair(std::uint64_t ours_from, const LastBoundary& last_boundary);
  // Appends `bytes`, all of them or none. Throws Error naming the path.
  void append(std::string_view bytes);
  // Appends one record given in pieces (`record` hands each to the writer
  // it is given, so a large one need not be put together in memory): all
  // of it or none. Throws Error naming the path.
  void append_pieces(const std::function<void(const std::function<void(std::string_view)>&)>& record);
  // Forces what was appended to disk. Throws Error naming the path.
  void sync();

  const std::string& path() const { return path_; }
  std::uint64_t size() const { return size_; }
  FileIdentity identity() const { return identity_; }
  // Whether the file was created by this open.
  bool created() const { return created_; }
  int fd() const { return fd_.get(); }

 private:
  // Writes `bytes` at the end; on a failure cuts the file back to `start`
  // and throws.
  void write_or_cut_back(std::string_view bytes, std::uint64_t start);

  std::string path_;
  Fd fd_;
  std::uint64_t size_ = 0;
  FileIdentity identity_;
  bool created_ = false;
};

// The boundary rule of line-based formats (JSON lines, line protocol), where
// a raw newline only ever ends a record: just after the last '\n'.
std::uint64_t last_line_end(int fd, std::uint64_t from, std::uint64_t size);

// Syncs the directory holding `path`, so that a new entry in it survives a
// power loss. Best effort: some file systems cannot sync a directory.
void sync_parent_directory(const std::string& path);

}  // namespace mqtk
