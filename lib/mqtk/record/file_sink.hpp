// mqtk-record's file output: records appended to a file, never truncated,
// each commit written with one write() and synced as --fsync says; a failed
// write is cut back so that no torn line is left. Optionally rotated by size
// or age into timestamped files (name-20261125T030000.000000Z.jsonl).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "mqtk/record/durability.hpp"
#include "mqtk/output/message_format.hpp"
#include "mqtk/output/message_sink.hpp"

namespace mqtk {

struct FileSinkOptions {
  std::string path;
  std::string header;  // written first into an empty file (CSV)
  std::optional<std::uint64_t> rotate_bytes;
  std::optional<std::chrono::milliseconds> rotate_every;
  Durability durability;
};

class FileSink final : public MessageSink {
 public:
  // Opens (creates) the file. Throws Error naming the path.
  FileSink(FileSinkOptions options, std::unique_ptr<MessageFormat> format);
  ~FileSink() override;
  FileSink(const FileSink&) = delete;
  FileSink& operator=(const FileSink&) = delete;

  void write(const Message& message) override;
  // Writes what is pending, syncs as the policy says, rotates when due.
  // Throws Error naming the path (disk full, unwritable), leaving the file
  // as it was before the commit.
  void commit(bool before_acknowledgements) override;
  std::size_t uncommitted() const override { return pending_.size(); }

  // The file being written now.
  const std::string& current_path() const { return current_path_; }
  long records_written() const { return records_written_; }

 private:
  void open_file(std::chrono::system_clock::time_point now);
  void close_file();
  std::string rotated_name(std::chrono::system_clock::time_point now) const;

  FileSinkOptions options_;
  std::unique_ptr<MessageFormat> format_;
  SyncSchedule sync_;
  std::string pending_;
  long pending_records_ = 0;
  long records_written_ = 0;
  int fd_ = -1;
  std::string current_path_;
  std::uint64_t size_ = 0;
  bool unsynced_ = false;
  std::chrono::steady_clock::time_point opened_{};
};

}  // namespace mqtk
