#include "mqtk/record/influx_writer.hpp"

#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <exception>
#include <random>

#include "mqtk/base/error.hpp"
#include "mqtk/base/newlines.hpp"
#include "mqtk/record/point_partition.hpp"

namespace mqtk {
namespace {

using Clock = std::chrono::steady_clock;

// InfluxDB 1.x refuses bodies over 25,000,000 bytes by default.
constexpr std::size_t kMaxBodyBytes = 8 * 1024 * 1024;
// A batch this large goes as kRequestsAtOnce requests at once. A smaller one
// takes InfluxDB a few milliseconds: cutting it gains nothing.
constexpr std::size_t kSplitBytes = 1024 * 1024;
constexpr std::size_t kRequestsAtOnce = 2;
// Lines wait for a full batch while messages keep coming; once they pause
// for this share of --batch-interval, what waits is sent: the end of a
// burst, or a lone reading, is in the database a moment later, not up to a
// whole interval. A long interval (fewer requests to a remote database)
// keeps a long pause, so a trickle of messages is still sent in batches.
constexpr int kPauseShareOfInterval = 20;
constexpr std::chrono::milliseconds kFirstRetry{500};
constexpr std::chrono::milliseconds kMaxRetry{30000};

// Where the first half of `lines` (by line count) ends.
std::size_t middle_of(std::string_view lines, std::size_t count) { return first_whole_lines(lines, count / 2).bytes; }

bool refusal(int status) { return status == 400 || status == 422 || status == 413; }

}  // namespace

std::string refusal_hint(const std::string& reason, bool integers) {
  // InfluxDB 1.x: 'field type conflict: input field "v" on measurement "t"
  // is type float, already exists as type integer'.
  if (!integers && reason.find("is type float, already exists as type integer") != std::string::npos) {
    return "the field already holds integers: record with --integers, then --resend-rejected";
  }
  if (integers && reason.find("is type integer, already exists as type float") != std::string::npos) {
    return "the field already holds floats: record without --integers, then --resend-rejected";
  }
  return "";
}

bool LineDelivery::deliver(std::string_view lines, std::size_t& settled, const Refused& refused) {
  // Ranges still to send, in order from the back: each a run of whole lines.
  std::vector<std::string_view> pending{lines.substr(std::min(settled, lines.size()))};
  auto settle = [&](std::string_view done) {
    settled = static_cast<std::size_t>(done.data() + done.size() - lines.data());
  };
  while (!pending.empty()) {
    std::string_view part = pending.back();
    pending.pop_back();
    std::size_t count = count_newlines(part);
    InfluxClient::Answer answer = client_.write(part);
    if (answer.ok()) {
      sent_ += static_cast<long>(count);
      settle(part);
      continue;
    }
    if (refusal(answer.status) && count > 1) {
      // Find the bad lines: split in halves (sending good lines again is harmless).
      std::size_t middle = middle_of(part, count);
      pending.push_back(part.substr(middle));
      pending.push_back(part.substr(0, middle));
      continue;
    }
    if (refusal(answer.status)) {
      settle(part);
      if (refused(part, answer.reason)) ++refused_;
      continue;
    }
    const InfluxOptions& options = client_.options();
    if (answer.status == 404 && !options.version2() && answer.reason.find("database not found") != std::string::npos &&
        !database_created_.exchange(true)) {
      InfluxClient::Answer created = client_.create_database();
      if (created.ok()) {
        reporter_.note("InfluxDB at " + options.url + " had no database \"" + options.database + "\": created it");
        pending.push_back(part);
        continue;
      }
      answer.reason = "the database is missing and creating it failed: " + created.describe();
    }
    failure_ = answer;
    return false;
  }
  return true;
}

InfluxWriter::InfluxWriter(InfluxOptions options, Spool& spool, const Reporter& reporter, bool integers,
                           const SignalWatch* signals)
    : options_(std::move(options)), spool_(spool), reporter_(reporter), integers_(integers) {
  for (std::size_t i = 0; i < kRequestsAtOnce; ++i) {
    senders_.push_back(std::make_unique<Sender>(options_, reporter_, database_created_));
  }
  if (!options_.wait) {
    client().check(reporter_, signals);
    server_taking_ = true;
  }
  // The thread must not take SIGINT/SIGTERM (the main thread reads them from
  // a SignalWatch): start it with every signal blocked.
  sigset_t all, previous;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, &previous);
  thread_ = std::thread([this] {
    try {
      run();
    } catch (const Error& e) {
      // The spool cannot be read (a segment deleted under us): the run
      // ends with the error (see stopped_by()); what waits stays spooled.
      std::lock_guard lock(stopped_by_mutex_);
      stopped_by_ = e.what();
    }
    done_ = true;
  });
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
}

InfluxWriter::~InfluxWriter() { finish(std::chrono::milliseconds(0)); }

void InfluxWriter::begin_finish(std::chrono::milliseconds grace) {
  if (stopping_) return;
  // The clients' deadline is the stop's: a request under way ends with the
  // grace too. Set before stopping_, which the thread reads first.
  for (auto& sender : senders_) sender->client.cancel_at(Clock::now() + grace);
  stopping_ = true;
  spool_.wake();
}

long InfluxWriter::points_sent() const {
  long sent = 0;
  for (const auto& sender : senders_) sent += sender->delivery.sent();
  return sent;
}

long InfluxWriter::points_rejected() const {
  long refused = 0;
  for (const auto& sender : senders_) refused += sender->delivery.refused_count();
  return refused;
}

std::optional<std::string> InfluxWriter::stopped_by() const {
  if (!done_) return std::nullopt;
  std::lock_guard lock(stopped_by_mutex_);
  return stopped_by_;
}

bool InfluxWriter::finished() {
  if (!done_) return false;
  if (thread_.joinable()) thread_.join();
  return true;
}

void InfluxWriter::finish(std::chrono::milliseconds grace) {
  begin_finish(grace);
  if (thread_.joinable()) thread_.join();
}

void InfluxWriter::stop_now() {
  for (auto& sender : senders_) sender->client.cancel();  // a server that does not answer is not waited for
  stopping_ = true;
  spool_.wake();
}

void InfluxWriter::note_failure(const InfluxClient::Answer& answer) {
  failing_ = true;
  std::string text = answer.describe();
  if (text == last_failure_) return;  // said once, not at every retry
  last_failure_ = text;
  reporter_.warning("InfluxDB at " + options_.describe() + ": " + text + "; keeping points spooled and retrying");
}

bool InfluxWriter::sleep_for(std::chrono::milliseconds delay) {
  spool_.wait(UINT64_MAX, UINT64_MAX, std::min(Clock::now() + delay, client().deadline()));
  return !client().cancelled();
}

void InfluxWriter::run() {
  std::chrono::milliseconds retry = kFirstRetry;
  std::mt19937 jitter(std::random_device{}());
  const auto pause = options_.batch_interval / kPauseShareOfInterval;
  while (true) {
    if (stopping_ && (spool_.pending_lines() == 0 || client().cancelled())) return;
    // A batch is full at batch_size points or at the most a request carries:
    // large points fill the second long before the first.
    if (!stopping_) spool_.wait(options_.batch_size, kMaxBodyBytes, Clock::now() + options_.batch_interval, pause);
    if (spool_.pending_lines() == 0) continue;
    Spool::Batch batch = spool_.read(options_.batch_size, kMaxBodyBytes);
    if (batch.count == 0) {
      if (batch.end == batch.start) {
        // Nothing to read where lines are counted: not a reason to spin.
        if (!sleep_for(options_.batch_interval)) return;
      }
      spool_.consume(batch);  // only stepped over an empty segment
      continue;
    }
    if (send(batch)) {
      spool_.consume(batch);
      retry = kFirstRetry;
      continue;
    }
    long retry_after = failure_.retry_after_seconds;
    auto delay = retry_after > 0 ? std::chrono::milliseconds(retry_after * 1000)
                                 : retry + std::chrono::milliseconds(jitter() % (retry.count() / 4 + 1));
    retry = std::min(retry * 2, kMaxRetry);
    if (!sleep_for(delay)) return;
  }
}

// Sends a batch; true once every line is in the database or set aside as
// refused, false to try the whole batch again later.
bool InfluxWriter::send(const Spool::Batch& batch) {
  if (batch_parts_ == 0 || !(batch_start_ == batch.start)) {
    batch_start_ = batch.start;
    batch_parts_ = server_taking_ && batch.lines.size() >= kSplitBytes ? senders_.size() : 1;
    for (auto& sender : senders_) sender->settled = 0;
  }
  std::vector<std::string> parts;
  if (batch_parts_ > 1) parts = partition_by_time(batch.lines, batch_parts_);
  std::vector<std::exception_ptr> errors(batch_parts_);
  std::vector<std::thread> others;
  for (std::size_t i = 1; i < batch_parts_; ++i) {
    // Started from this thread, they block every signal too.
    others.emplace_back([&, i] {
      try {
        deliver(*senders_[i], parts[i]);
      } catch (...) {
        errors[i] = std::current_exception();
      }
    });
  }
  try {
    deliver(*senders_[0], batch_parts_ > 1 ? std::string_view(parts[0]) : batch.lines);
  } catch (...) {
    errors[0] = std::current_exception();
  }
  for (std::thread& other : others) other.join();
  for (const std::exception_ptr& error : errors) {
    if (error) std::rethrow_exception(error);
  }

  // A part that failed: the batch is tried again, after the longest
  // Retry-After any of its parts was given.
  std::optional<InfluxClient::Answer> failure;
  for (std::size_t i = 0; i < batch_parts_; ++i) {
    const InfluxClient::Answer& answer = senders_[i]->delivery.failure();
    if (!senders_[i]->delivered && (!failure || answer.retry_after_seconds > failure->retry_after_seconds)) {
      failure = answer;
    }
  }
  if (failure) {
    server_taking_ = false;
    failure_ = *failure;
    if (!client().cancelled()) note_failure(failure_);
    return false;
  }
  batch_parts_ = 0;
  server_taking_ = true;
  if (failing_.exchange(false)) {
    last_failure_.clear();
    reporter_.note("InfluxDB at " + options_.describe() + " is accepting points again");
  }
  return true;
}

void InfluxWriter::deliver(Sender& sender, std::string_view lines) {
  sender.delivered = sender.settled >= lines.size() ||
                     sender.delivery.deliver(
                         lines, sender.settled,
                         [this](std::string_view line, const std::string& reason) { return set_aside(line, reason); });
}

bool InfluxWriter::set_aside(std::string_view line, const std::string& reason) {
  std::lock_guard lock(set_aside_mutex_);  // one line at a time in rejected.lp and on standard error
  // Already kept (and reported) by an earlier run that sent this batch.
  if (!spool_.reject(line, reason)) return false;
  std::string hint = refusal_hint(reason, integers_);
  std::string_view shown = line.substr(0, std::min<std::size_t>(line.size() - 1, 300));
  reporter_.warning("InfluxDB refused a point (" + reason + "): " + std::string(shown) + " (kept in " +
                    spool_.directory() + "/rejected.lp" + (hint.empty() ? ")" : "; " + hint + ")"));
  return true;
}

}  // namespace mqtk
