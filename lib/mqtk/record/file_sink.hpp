// mqtk-record's file output: records appended to a file (an AppendLog:
// never truncated, no torn record after a failed write or a crash), each
// commit written with one write() and synced as --fsync says. Optionally
// rotated by size or age into timestamped files
// (name-20261125T030000.000000Z.jsonl), by age also on the clock's
// boundaries (every hour on the hour, every day at midnight).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mqtk/base/append_log.hpp"
#include "mqtk/output/message_format.hpp"
#include "mqtk/output/message_sink.hpp"
#include "mqtk/record/durability.hpp"
#include "mqtk/record/finished_files.hpp"

namespace mqtk {

// Where a file output stood when a run last wrote it, kept across runs (see
// RecorderState), so that after a crash only the recorder's own torn record
// is cut off, never a line that somebody else wrote.
struct FileMark {
  std::string file;  // the file written (a rotated name, or the output itself)
  FileIdentity identity;
  std::uint64_t from = 0;  // where the run began writing (a record boundary)
  bool open = true;        // still being written: the run did not end cleanly
  std::uint64_t size = 0;  // when not open: the size it ended at (synced)
};

class FileMarks {
 public:
  virtual ~FileMarks() = default;
  virtual std::optional<FileMark> mark(const std::string& output) const = 0;
  // Saved durably before the run writes past it.
  virtual void set_mark(const std::string& output, const FileMark& mark) = 0;
};

enum class RotationClock { kNone, kUtc, kLocal };

struct FileSinkOptions {
  std::string path;    // absolute
  std::string header;  // written first into an empty file (CSV)
  // Why an output that already holds records (the file of a run before,
  // not rotated) cannot take this run's, e.g. other columns
  // (record_columns.hpp); nothing when it can. Given the file and its size,
  // which ends a line.
  std::function<std::optional<std::string>(int fd, std::uint64_t size)> refuse_existing;
  std::optional<std::uint64_t> rotate_bytes;
  std::optional<std::chrono::milliseconds> rotate_every;
  RotationClock rotate_clock = RotationClock::kNone;  // align rotate_every to the clock
  Durability durability;
  bool follow_symlinks = false;
  // Where the last whole record in a stretch of the file ends.
  AppendLog::LastBoundary last_boundary = last_line_end;
  // Told of each rotated file as it is started and finished (compression,
  // retention); none when nothing is done with finished files.
  FinishedFiles* finished_files = nullptr;
};

class FileSink final : public MessageSink {
 public:
  // Repairs what a crashed earlier run left, and opens the file (a rotated
  // file only once there is something to write). Throws Error naming the
  // path: unwritable, a symbolic link, or a file that ends inside a record
  // the recorder did not write.
  FileSink(FileSinkOptions options, std::unique_ptr<MessageFormat> format, FileMarks& marks);
  // The rotated file a crashed earlier run was writing: its torn record
  // cut off and marked finished, as the run would have done, or removed if
  // no record is left in it. Done by the constructor too; a recording does
  // it first, before its finished files are looked at for compression.
  static void finish_crashed_file(const FileSinkOptions& options, FileMarks& marks);
  // Syncs and closes the file, marking it as cleanly finished.
  ~FileSink() override;
  FileSink(const FileSink&) = delete;
  FileSink& operator=(const FileSink&) = delete;

  bool write(const Message& message) override;
  // Writes what is pending, syncs as the policy says, rotates when due.
  // Throws Error naming the path (disk full, unwritable), leaving the file
  // as it was before the commit.
  void commit(bool before_acknowledgements) override;
  std::size_t uncommitted() const override { return pending_.size(); }
  // Syncs and closes the file (as the destructor does): nothing more is
  // written. Throws Error naming the path.
  void close() { close_file(); }

  struct Written {
    std::string path;
    long records = 0;
  };
  // Every file this run wrote to, in order, with its records.
  const std::vector<Written>& written() const { return written_; }
  long records_written() const { return records_written_; }
  const std::string& current_path() const;

 private:
  bool rotating() const { return options_.rotate_bytes || options_.rotate_every; }
  void open_file(std::chrono::system_clock::time_point now);
  void close_file();
  bool due_by_time(std::chrono::system_clock::time_point now) const;
  void start_file_for(const Message& message);
  void append_pending();
  void write_framed(const Message& message);
  std::string rotated_name(std::chrono::system_clock::time_point now) const;
  FileMark mark_of(bool open) const;

  FileSinkOptions options_;
  std::unique_ptr<MessageFormat> format_;
  FileMarks& marks_;
  SyncSchedule sync_;
  std::string pending_;
  PayloadFrame frame_;
  long pending_records_ = 0;
  long records_written_ = 0;
  std::optional<AppendLog> file_;
  std::uint64_t started_at_ = 0;  // where this run began writing the file
  std::uint64_t marked_at_ = 0;   // the mark's offset, moved on as the file grows
  bool unsynced_ = false;
  std::chrono::system_clock::time_point opened_{};
  std::chrono::system_clock::time_point next_boundary_{};  // rotate_clock: when the file is due
  std::vector<Written> written_;
};

// The next time after `now` that is a whole number of `period`s after
// midnight (UTC, or local time), where a clock-aligned rotation happens.
std::chrono::system_clock::time_point next_clock_boundary(std::chrono::system_clock::time_point now,
                                                          std::chrono::milliseconds period, RotationClock clock);

}  // namespace mqtk
