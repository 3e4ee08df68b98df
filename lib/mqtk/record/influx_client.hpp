// The HTTP side of InfluxDB (and servers that accept its write API): writes
// to 1.x /write or 2.x /api/v2/write, 1.x's CREATE DATABASE, and the check
// made at start-up, over one reused libcurl handle.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "mqtk/base/reporter.hpp"
#include "mqtk/base/signal_watch.hpp"

namespace mqtk {

struct InfluxOptions {
  std::string url;  // http(s)://host:port[/prefix], without the API path
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
  // Start even when the server does not answer (yet): points wait in the
  // spool. Without it, a server that cannot be reached at start is an error.
  bool wait = false;

  bool version2() const { return !bucket.empty(); }
  // "http://host:8086 db=test_mqtt" or "... org/bucket", for messages.
  std::string describe() const;
};

// InfluxQL: `name` as a double-quoted identifier ("my \"db\""). Throws
// UsageError naming `flag` for a name InfluxQL cannot express (empty, or
// holding a line break).
std::string influxql_identifier(std::string_view name, std::string_view flag);

// Loads libcurl now, so that a recording into InfluxDB fails at its start,
// before it sets anything up. Throws Error naming the library.
void load_libcurl();

class InfluxClient {
 public:
  struct Answer {
    static constexpr int kNetworkError = -1;
    int status = kNetworkError;  // the HTTP status, or kNetworkError
    std::string reason;          // one line: the server's error, or libcurl's
    long retry_after_seconds = 0;
    bool ok() const { return status >= 200 && status < 300; }
    // "HTTP 403: authorization failed", or the network error.
    std::string describe() const;
  };

  // Throws Error when libcurl cannot start.
  explicit InfluxClient(const InfluxOptions& options);
  ~InfluxClient();
  InfluxClient(const InfluxClient&) = delete;
  InfluxClient& operator=(const InfluxClient&) = delete;

  const InfluxOptions& options() const { return options_; }

  // POSTs line protocol to the write endpoint.
  Answer write(std::string_view lines);
  // 1.x: CREATE DATABASE for options.database.
  Answer create_database();

  // From another thread: requests end at `deadline`, the one under way
  // within about a second of it (as often as libcurl looks) and any later
  // one at once, as network errors. A stop need not wait out the timeout of
  // a server that does not answer.
  void cancel_at(std::chrono::steady_clock::time_point deadline) { deadline_ = deadline.time_since_epoch().count(); }
  void cancel() { cancel_at(std::chrono::steady_clock::now()); }
  std::chrono::steady_clock::time_point deadline() const {
    return std::chrono::steady_clock::time_point(std::chrono::steady_clock::duration(deadline_.load()));
  }
  bool cancelled() const { return std::chrono::steady_clock::now() >= deadline(); }

  // At start-up: does the URL take writes? A missing 1.x database is
  // created (with a note); a wrong path, refused credentials, an
  // unreachable server or a TLS failure throw Error saying which. A signal
  // `signals` watches (Ctrl-C) ends the wait for an answer within about a
  // second, with an Error.
  void check(const Reporter& reporter, const SignalWatch* signals = nullptr);
  // Whether the request under way is to end now.
  bool stop_now() const { return cancelled() || (stop_signals_ != nullptr && stop_signals_->pending()); }

 private:
  struct Curl;
  Answer post(const std::string& url, std::string_view data, bool form);

  const InfluxOptions& options_;
  std::unique_ptr<Curl> curl_;
  std::string write_url_;
  std::atomic<std::chrono::steady_clock::rep> deadline_ = std::chrono::steady_clock::duration::max().count();
  const SignalWatch* stop_signals_ = nullptr;  // during check() only: the writer's thread is not started yet
};

}  // namespace mqtk
