#include "mqtk/record/influx_writer.hpp"

#include <curl/curl.h>
#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <random>
#include <vector>

#include "mqtk/base/error.hpp"

namespace mqtk {
namespace {

using Clock = std::chrono::steady_clock;

// InfluxDB 1.x refuses bodies over 25,000,000 bytes by default.
constexpr std::size_t kMaxBodyBytes = 8 * 1024 * 1024;
constexpr std::chrono::milliseconds kFirstRetry{500};
constexpr std::chrono::milliseconds kMaxRetry{30000};
constexpr int kNetworkError = -1;

std::size_t collect(char* data, std::size_t size, std::size_t count, void* target) {
  static_cast<std::string*>(target)->append(data, size * count);
  return size * count;
}

// InfluxDB explains a refusal as {"error":"..."}.
std::string reason_from(const std::string& body) {
  auto json = nlohmann::json::parse(body, nullptr, false);
  if (json.is_object() && json.contains("error") && json["error"].is_string()) return json["error"].get<std::string>();
  if (json.is_object() && json.contains("message") && json["message"].is_string()) {
    return json["message"].get<std::string>();  // InfluxDB 2
  }
  return body.empty() ? "no reason given" : body.substr(0, 200);
}

}  // namespace

std::string InfluxOptions::describe() const {
  return url + (version2() ? " " + org + "/" + bucket : " db=" + database);
}

// One libcurl handle, kept for the connection's reuse.
struct InfluxWriter::Http {
  CURL* curl = curl_easy_init();
  std::string body;
  std::string error_text;
  long retry_after_seconds = 0;

  ~Http() { curl_easy_cleanup(curl); }

  std::string escape(const std::string& text) {
    char* escaped = curl_easy_escape(curl, text.c_str(), static_cast<int>(text.size()));
    std::string result = escaped ? escaped : "";
    curl_free(escaped);
    return result;
  }

  // POSTs `data`; the HTTP status, or kNetworkError with error_text set.
  int post(const InfluxOptions& options, const std::string& url, std::string_view data, bool form) {
    body.clear();
    retry_after_seconds = 0;
    char error[CURL_ERROR_SIZE] = "";
    curl_slist* headers = nullptr;
    headers = curl_slist_append(headers, form ? "Content-Type: application/x-www-form-urlencoded"
                                              : "Content-Type: text/plain; charset=utf-8");
    std::string authorization;
    if (options.token) {
      authorization = "Authorization: Token " + *options.token;
      headers = curl_slist_append(headers, authorization.c_str());
    }
    curl_easy_reset(curl);
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, data.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(data.size()));
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(options.timeout.count()));
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options.timeout.count()));
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    if (options.username) {
      curl_easy_setopt(curl, CURLOPT_USERNAME, options.username->c_str());
      curl_easy_setopt(curl, CURLOPT_PASSWORD, options.password.value_or("").c_str());
    }
    if (!options.cafile.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, options.cafile.c_str());
    if (options.insecure) {
      curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L);
      curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    CURLcode rc = curl_easy_perform(curl);
    curl_slist_free_all(headers);
    if (rc != CURLE_OK) {
      error_text = error[0] ? error : curl_easy_strerror(rc);
      return kNetworkError;
    }
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    curl_off_t retry_after = 0;
    if (curl_easy_getinfo(curl, CURLINFO_RETRY_AFTER, &retry_after) == CURLE_OK) {
      retry_after_seconds = static_cast<long>(retry_after);
    }
    return static_cast<int>(status);
  }
};

InfluxWriter::InfluxWriter(InfluxOptions options, Spool& spool, Warn warn)
    : options_(std::move(options)), spool_(spool), warn_(std::move(warn)), http_(std::make_unique<Http>()) {
  if (!http_->curl) throw Error("--influx: cannot start libcurl");
  // The thread must not take SIGINT/SIGTERM (the main thread reads them from
  // a SignalWatch): start it with every signal blocked.
  sigset_t all, previous;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, &previous);
  thread_ = std::thread([this] { run(); });
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
}

InfluxWriter::~InfluxWriter() { finish(std::chrono::milliseconds(0)); }

void InfluxWriter::finish(std::chrono::milliseconds grace) {
  if (!thread_.joinable()) return;
  finish_by_ = (Clock::now() + grace).time_since_epoch().count();
  stopping_ = true;
  spool_.wake();
  thread_.join();
}

std::string InfluxWriter::last_error() const {
  std::lock_guard lock(error_mutex_);
  return last_error_;
}

void InfluxWriter::note_error(const std::string& error) {
  bool first = !failing_.exchange(true);
  {
    std::lock_guard lock(error_mutex_);
    if (!first && error == last_error_) return;  // say it once, not at every retry
    last_error_ = error;
  }
  warn_("InfluxDB at " + options_.describe() + ": " + error + "; keeping points spooled and retrying");
}

bool InfluxWriter::sleep_for(std::chrono::milliseconds delay) {
  auto until = Clock::now() + delay;
  auto limit = Clock::time_point(Clock::duration(finish_by_.load()));
  spool_.wait(UINT64_MAX, std::min(until, stopping_ ? limit : until));
  return !(stopping_ && Clock::now() >= limit);
}

void InfluxWriter::run() {
  std::chrono::milliseconds retry = kFirstRetry;
  std::mt19937 jitter(std::random_device{}());
  while (true) {
    auto limit = Clock::time_point(Clock::duration(finish_by_.load()));
    if (stopping_ && (spool_.pending_lines() == 0 || Clock::now() >= limit)) return;
    if (!stopping_) spool_.wait(options_.batch_size, Clock::now() + options_.batch_interval);
    if (spool_.pending_lines() == 0) continue;
    Spool::Batch batch = spool_.read(options_.batch_size, kMaxBodyBytes);
    if (batch.count == 0) {
      spool_.consume(batch);  // only stepped over an empty segment
      continue;
    }
    if (send_batch(batch)) {
      spool_.consume(batch);
      retry = kFirstRetry;
      continue;
    }
    long retry_after = http_->retry_after_seconds;
    auto delay = retry_after > 0 ? std::chrono::milliseconds(retry_after * 1000)
                                 : retry + std::chrono::milliseconds(jitter() % (retry.count() / 4 + 1));
    retry = std::min(retry * 2, kMaxRetry);
    if (!sleep_for(delay)) return;
  }
}

int InfluxWriter::send_lines(std::string_view lines, std::size_t) {
  std::string url;
  if (options_.version2()) {
    url = options_.url + "/api/v2/write?org=" + http_->escape(options_.org) + "&bucket=" +
          http_->escape(options_.bucket) + "&precision=ns";
  } else {
    url = options_.url + "/write?db=" + http_->escape(options_.database);  // no precision: nanoseconds
  }
  return http_->post(options_, url, lines, false);
}

// Sends a batch; true once every line is in the database or set aside as
// refused, false to try the whole batch again later.
bool InfluxWriter::send_batch(const Spool::Batch& batch) {
  std::string_view all = batch.lines;
  if (settled_.start == batch.start) all.remove_prefix(std::min(settled_.bytes, all.size()));
  settled_ = {batch.start, batch.lines.size() - all.size()};
  // Ranges still to send, in order from the back: each a run of whole lines.
  std::vector<std::string_view> pending{all};
  auto settle = [&](std::string_view lines) {
    settled_.bytes = static_cast<std::size_t>(lines.data() + lines.size() - batch.lines.data());
  };
  while (!pending.empty()) {
    std::string_view lines = pending.back();
    pending.pop_back();
    std::size_t count = static_cast<std::size_t>(std::count(lines.begin(), lines.end(), '\n'));
    int status = send_lines(lines, count);
    if (status >= 200 && status < 300) {
      sent_ += static_cast<long>(count);
      settle(lines);
      if (failing_.exchange(false)) warn_("InfluxDB at " + options_.describe() + " is accepting points again");
      continue;
    }
    std::string reason = status == kNetworkError ? http_->error_text : reason_from(http_->body);
    bool refused = status == 400 || status == 422 || status == 413;
    if (refused && count > 1) {
      // Find the bad lines: split in halves (sending good lines again is harmless).
      std::size_t middle = 0;
      for (std::size_t i = 0, seen = 0; i < lines.size(); ++i) {
        if (lines[i] == '\n' && ++seen == count / 2) {
          middle = i + 1;
          break;
        }
      }
      pending.push_back(lines.substr(middle));
      pending.push_back(lines.substr(0, middle));
      continue;
    }
    if (refused) {
      ++rejected_;
      settle(lines);
      spool_.reject(lines, reason);
      std::string_view shown = lines.substr(0, std::min<std::size_t>(lines.size() - 1, 300));
      warn_("InfluxDB refused a point (" + reason + "): " + std::string(shown) + " (kept in " +
            spool_.directory() + "/rejected.lp)");
      continue;
    }
    if (status == 404 && !options_.version2() && !created_database_ &&
        reason.find("database not found") != std::string::npos) {
      created_database_ = true;
      std::string query = "q=" + http_->escape("CREATE DATABASE \"" + options_.database + "\"");
      int created = http_->post(options_, options_.url + "/query", query, true);
      if (created >= 200 && created < 300) {
        warn_("InfluxDB at " + options_.url + " had no database \"" + options_.database + "\": created it");
        pending.push_back(lines);
        continue;
      }
    }
    note_error(status == kNetworkError ? reason : "HTTP " + std::to_string(status) + ": " + reason);
    return false;
  }
  settled_ = {};
  return true;
}

}  // namespace mqtk
