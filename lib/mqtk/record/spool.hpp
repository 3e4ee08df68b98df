// mqtk-record's local spool for a database sink: line-protocol lines are
// appended (and synced, as --fsync says) before their messages are
// acknowledged, and a writer thread sends them on at its own pace, moving a
// durable checkpoint forward as the database accepts them. Nothing waits for
// the database, and nothing accepted from the broker is lost while it is
// down: the spool grows (up to a bound) and drains when it is back.
//
// On disk: segment files NNNNNNNNNNNNNNNN.lp, a "checkpoint" file (segment
// and offset of the first unsent byte), "rejected.lp" for points the
// database refused, and "lock" against a second recorder on the same spool.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "mqtk/base/append_log.hpp"
#include "mqtk/base/fd.hpp"
#include "mqtk/base/mapped_region.hpp"
#include "mqtk/record/durability.hpp"

namespace mqtk {

class Spool {
 public:
  struct Position {
    std::uint64_t segment = 0;
    std::uint64_t offset = 0;
    bool operator==(const Position&) const = default;
  };
  // Lines of one segment, read where they lie: the segment's pages are
  // mapped, not copied (8 MB batches were a fresh 8 MB to zero and fill).
  struct Batch {
    std::string_view lines;  // whole lines, each ending in '\n', in `pages`
    std::size_t count = 0;
    Position start;
    Position end;
    MappedRegion pages;
  };

  // Opens (creates) the spool and takes it over from a previous run,
  // dropping a torn last line. Throws Error naming the directory: in use by
  // another recorder, a symbolic link (unless `follow_symlinks`), or a
  // directory that others may write to.
  Spool(std::string directory, std::uint64_t max_bytes, Durability durability, bool follow_symlinks = false);
  ~Spool();
  Spool(const Spool&) = delete;
  Spool& operator=(const Spool&) = delete;

  // -- the receiving thread --
  // Appends whole lines. Throws Error naming the file (disk full...),
  // leaving no partial line.
  void append(std::string_view lines);
  // Syncs what was appended, as the durability policy says (see SyncSchedule).
  void sync(bool before_acknowledgements);
  // More than the bound is waiting to be sent.
  bool full() const;

  // -- the sending thread --
  // Waits until `min_lines` lines or `min_bytes` bytes are waiting (a full
  // batch either way), lines are waiting and none has come for `pause` (the
  // messages paused: holding those lines gains nothing), `deadline` passes
  // or wake() is called.
  void wait(std::uint64_t min_lines, std::uint64_t min_bytes, std::chrono::steady_clock::time_point deadline,
            std::chrono::steady_clock::duration pause = std::chrono::steady_clock::duration::max());
  void wake();
  // Up to `max_lines` / about `max_bytes` of the lines after the checkpoint,
  // in one segment: a line longer than `max_bytes` comes alone, and the last
  // quarter of `max_bytes` of a segment with the lines before it.
  Batch read(std::size_t max_lines, std::size_t max_bytes) const;
  // The database has the batch: move the checkpoint past it (durably) and
  // delete segments left behind.
  void consume(const Batch& batch);
  // Keeps a refused line, with the reason, in rejected.lp; false when the
  // same line is kept there already (a batch sent again after a restart is
  // refused again; the same line is the same point, kept once).
  bool reject(std::string_view line, std::string_view reason);

  std::uint64_t pending_lines() const;
  std::uint64_t pending_bytes() const;
  const std::string& directory() const { return directory_; }

  // The lines waiting in the spool at `directory`, read without taking it
  // over (for mqtk-record --list); nothing when there is no spool there.
  static std::optional<std::uint64_t> count_pending(const std::string& directory);
  // The point lines kept in `directory`/rejected.lp (each after its "# reason" line).
  static std::vector<std::string> rejected_points(const std::string& directory);

 private:
  struct Segment {
    std::uint64_t id;
    std::uint64_t size;
  };
  void open_segment(std::uint64_t id);
  void take_over();
  void write_checkpoint(Position position);

  std::string directory_;
  std::uint64_t max_bytes_;
  SyncSchedule sync_;
  Fd lock_;
  std::optional<AppendLog> segment_;  // the segment being written
  bool unsynced_ = false;

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Segment> segments_;  // oldest first; the last is being written
  Position checkpoint_;
  std::uint64_t pending_lines_ = 0;
  std::uint64_t pending_bytes_ = 0;
  std::chrono::steady_clock::time_point last_append_;
  bool woken_ = false;
  std::mutex rejected_mutex_;
  std::optional<std::unordered_set<std::string>> rejected_;  // rejected.lp's lines, read at the first refusal
};

}  // namespace mqtk
