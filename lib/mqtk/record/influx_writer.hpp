// Sends the spool to InfluxDB from a thread of its own, in batches, in order.
//
// A batch of more than a megabyte, while the database takes writes, goes as
// two requests at once, cut by point_partition.hpp so that
// of two points with the same series and time the later still stays; the
// checkpoint moves past the batch only when both are in. InfluxDB takes one
// request on about one core: 64 KB points went in about twice as fast.
//
// Answers (as InfluxDB 1.6's /write handler gives them): 2xx moves the
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
#include <string_view>
#include <thread>
#include <vector>

#include "mqtk/base/reporter.hpp"
#include "mqtk/record/influx_client.hpp"
#include "mqtk/record/spool.hpp"

namespace mqtk {

// Sends runs of whole lines, splitting a batch the server refuses until each
// refused line is alone; those are handed to `refused` with the reason,
// which says whether the line is newly set aside (counted) or was already.
class LineDelivery {
 public:
  using Refused = std::function<bool(std::string_view line, const std::string& reason)>;
  // `database_created`: whether a missing database was created already, by
  // this delivery or another of the same run (once per run: a database
  // dropped again and again is an error to report).
  LineDelivery(InfluxClient& client, const Reporter& reporter, std::atomic<bool>& database_created)
      : client_(client), reporter_(reporter), database_created_(database_created) {}

  // Sends `lines` (skipping the first `settled` bytes, already in the
  // database or set aside by an earlier attempt). Returns true once every
  // line is in the database or refused; false with `failure` set when the
  // server cannot take them now. `settled` grows as lines are settled.
  bool deliver(std::string_view lines, std::size_t& settled, const Refused& refused);

  long sent() const { return sent_.load(); }
  long refused_count() const { return refused_.load(); }
  const InfluxClient::Answer& failure() const { return failure_; }

 private:
  InfluxClient& client_;
  const Reporter& reporter_;
  std::atomic<long> sent_{0};
  std::atomic<long> refused_{0};
  std::atomic<bool>& database_created_;
  InfluxClient::Answer failure_;
};

// A hint for a refusal the user can fix: a field type conflict that
// --integers (or its absence) explains. Empty when there is none.
std::string refusal_hint(const std::string& reason, bool integers);

class InfluxWriter {
 public:
  // Checks the server first unless options.wait (see InfluxClient::check;
  // a signal `signals` watches ends the check); throws Error when it cannot
  // take writes. Messages go to `reporter`, from the writer's thread.
  // `integers` is --integers, for hints.
  InfluxWriter(InfluxOptions options, Spool& spool, const Reporter& reporter, bool integers,
               const SignalWatch* signals = nullptr);
  ~InfluxWriter();
  InfluxWriter(const InfluxWriter&) = delete;
  InfluxWriter& operator=(const InfluxWriter&) = delete;

  // Asks the thread to send what is spooled, for at most `grace` (a request
  // still under way then is cancelled), and stop. Whatever is left stays in
  // the spool for the next run.
  void begin_finish(std::chrono::milliseconds grace);
  // Whether the thread has stopped (it is joined once it has).
  bool finished();
  // begin_finish() and wait.
  void finish(std::chrono::milliseconds grace);
  // Stops sending now (a second Ctrl-C): the request under way is cancelled
  // (within about a second) and its points stay spooled.
  void stop_now();

  long points_sent() const;
  long points_rejected() const;
  // Whether the last attempt failed (the database is unreachable or refusing).
  bool failing() const { return failing_.load(); }
  // The error that stopped the thread before it was asked to stop (the
  // spool could not be read), if one did.
  std::optional<std::string> stopped_by() const;
  const InfluxOptions& options() const { return options_; }

 private:
  // One connection to the server, and how much of its part of the batch
  // under way is already in the database or set aside, so that a retry
  // after a failure part-way does not repeat it.
  struct Sender {
    Sender(const InfluxOptions& options, const Reporter& reporter, std::atomic<bool>& database_created)
        : client(options), delivery(client, reporter, database_created) {}
    InfluxClient client;
    LineDelivery delivery;
    std::size_t settled = 0;
    bool delivered = false;
  };

  void run();
  bool send(const Spool::Batch& batch);
  void deliver(Sender& sender, std::string_view lines);
  bool set_aside(std::string_view line, const std::string& reason);
  void note_failure(const InfluxClient::Answer& answer);
  bool sleep_for(std::chrono::milliseconds delay);
  InfluxClient& client() { return senders_.front()->client; }

  InfluxOptions options_;
  Spool& spool_;
  const Reporter& reporter_;
  bool integers_;
  std::atomic<bool> database_created_{false};
  std::vector<std::unique_ptr<Sender>> senders_;  // the first sends a batch that is not split
  std::atomic<bool> stopping_{false};
  std::atomic<bool> failing_{false};
  std::atomic<bool> done_{false};
  mutable std::mutex stopped_by_mutex_;
  std::optional<std::string> stopped_by_;
  std::string last_failure_;      // said once, not at every retry
  InfluxClient::Answer failure_;  // the last attempt's, when it failed
  std::mutex set_aside_mutex_;    // senders refuse lines from their own threads
  // The batch under way: where it starts, and in how many parts it goes. A
  // retry reads it again, with the lines appended since at its end, and cuts
  // it the same way: each sender's part then starts with the part it had.
  Spool::Position batch_start_;
  std::size_t batch_parts_ = 0;
  // The server took the last request (or passed the check at the start):
  // a batch is cut only then, not while it fails or may lack the database.
  bool server_taking_ = false;
  std::thread thread_;
};

}  // namespace mqtk
