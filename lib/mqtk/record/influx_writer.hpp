// Sends the spool to InfluxDB (1.x /write, 2.x /api/v2/write) from a thread
// of its own, in batches, in order, over HTTP(S) with libcurl.
//
// Answers (research/recorder.md, InfluxDB 1.6's handler): 204 moves the
// checkpoint; 400 (a bad point, a type conflict) splits the batch until the
// bad lines are alone, which are set aside with the reason while the rest is
// kept (sending again is harmless: a point with the same series and time
// replaces itself); 413 splits too; 404 "database not found" creates the
// database (1.x) once; 401/403, 429, 5xx and network errors keep everything
// spooled and retry with a growing delay.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "mqtk/record/spool.hpp"

namespace mqtk {

struct InfluxOptions {
  std::string url;  // http(s)://host:port, without a path
  // InfluxDB 1.x (and compatible servers): database, optional Basic auth.
  std::string database;
  std::optional<std::string> username;
  std::optional<std::string> password;
  // InfluxDB 2.x: organisation, bucket and token.
  std::string org;
  std::string bucket;
  std::optional<std::string> token;
  std::size_t batch_size = 5000;
  std::chrono::milliseconds batch_interval{1000};
  std::chrono::milliseconds timeout{10000};
  std::string cafile;     // for https: extra CA certificates
  bool insecure = false;  // for https: skip certificate checks

  bool version2() const { return !bucket.empty(); }
  // "http://host:8086 db=test_mqtt" or "... org/bucket", for messages.
  std::string describe() const;
};

class InfluxWriter {
 public:
  // Warnings (refused points, retries) go to `warn`, from the writer's thread.
  using Warn = std::function<void(const std::string&)>;

  InfluxWriter(InfluxOptions options, Spool& spool, Warn warn);
  ~InfluxWriter();
  InfluxWriter(const InfluxWriter&) = delete;
  InfluxWriter& operator=(const InfluxWriter&) = delete;

  // Sends what is spooled, for at most `grace`, then stops the thread.
  // Whatever is left stays in the spool for the next run.
  void finish(std::chrono::milliseconds grace);

  long points_sent() const { return sent_.load(); }
  long points_rejected() const { return rejected_.load(); }
  // Whether the last attempt failed (the database is unreachable or refusing).
  bool failing() const { return failing_.load(); }
  std::string last_error() const;

 private:
  struct Http;
  void run();
  bool send_batch(const Spool::Batch& batch);
  int send_lines(std::string_view lines, std::size_t count);
  void note_error(const std::string& error);
  bool sleep_for(std::chrono::milliseconds delay);

  InfluxOptions options_;
  Spool& spool_;
  Warn warn_;
  std::unique_ptr<Http> http_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> failing_{false};
  std::atomic<long> sent_{0};
  std::atomic<long> rejected_{0};
  std::atomic<std::chrono::steady_clock::rep> finish_by_{std::chrono::steady_clock::time_point::max().time_since_epoch().count()};
  mutable std::mutex error_mutex_;
  std::string last_error_;
  bool created_database_ = false;
  // How much of the batch starting at `start` is already in the database or
  // set aside, so that a retry after a failure part-way does not repeat it.
  struct Settled {
    Spool::Position start;
    std::size_t bytes = 0;
  } settled_;
  std::thread thread_;
};

}  // namespace mqtk
