// The files a rotating FileSink has finished: compressed (--compress gzip
// or zstd) in a thread of their own, so that receiving never waits for it,
// and the oldest removed past --keep (a number of files, or an age).
//
// A compressed file is written aside (name.gz.tmp), synced and renamed
// before the original is removed, so a crash leaves one whole copy; what a
// crash or a stop left uncompressed is compressed at the next start.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "mqtk/base/compression.hpp"
#include "mqtk/base/reporter.hpp"

namespace mqtk {

struct Retention {
  std::optional<std::size_t> files;              // keep this many finished files
  std::optional<std::chrono::milliseconds> age;  // or those written this recently
  bool any() const { return files || age; }
};

// Parses --keep: a whole number of files, or an age ("7d"). Throws
// UsageError naming --keep.
Retention parse_retention(std::string_view text);

class FinishedFiles {
 public:
  // `output` is the -o path the rotated names are made from. Queues what
  // an earlier run left uncompressed.
  FinishedFiles(std::string output, Compression compression, Retention retention, const Reporter& reporter);
  ~FinishedFiles();
  FinishedFiles(const FinishedFiles&) = delete;
  FinishedFiles& operator=(const FinishedFiles&) = delete;

  // The file being written now: never touched.
  void set_current(const std::string& path);
  // `path` is finished: compress it (if asked) and apply the retention.
  void add(const std::string& path);

  // Stopping: the queue is worked off (begin_finish) until finished(), or
  // stop_now() ends it after the file in hand; what is left is compressed
  // at the next start.
  void begin_finish();
  bool finished();
  void stop_now();

  long compressed() const;
  long removed() const;

 private:
  void run();
  void apply_retention();
  std::vector<std::string> rotated_files() const;

  std::string output_;
  Compression compression_;
  Retention retention_;
  const Reporter& reporter_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::string> queue_;
  std::string current_;
  bool finishing_ = false;
  bool stop_now_ = false;
  bool done_ = false;
  long compressed_ = 0;
  long removed_ = 0;
  std::thread thread_;
};

// Whether `name` (a file name, no directory) is a rotated file of the
// output whose file name is `base` (name-STAMP.ext, compressed or not).
bool is_rotated_name(std::string_view name, std::string_view base);

}  // namespace mqtk
