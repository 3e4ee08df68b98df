#include "mqtk/top/top_monitor.hpp"

#include <algorithm>
#include <memory>

#include "mqtk/base/rfc3339.hpp"
#include "mqtk/base/stderr_capture.hpp"
#include "mqtk/output/message_sink.hpp"
#include "mqtk/top/screen_controls.hpp"
#include "mqtk/top/top_json.hpp"
#include "mqtk/top/top_screen.hpp"
#include "mqtk/top/top_text.hpp"

namespace mqtk {
namespace {

using std::chrono::milliseconds;

// How often the screen looks for keys: quick enough to feel immediate.
constexpr milliseconds kKeyPoll{50};
// What a snapshot collects before writing it out.
constexpr std::size_t kSnapshotBuffer = 64 * 1024;
// How long a line written to standard error stays in the header.
constexpr auto kMessageShown = std::chrono::seconds(15);
// Payloads waiting for --decode or --jq are kept whole up to this much in
// all (beyond the 1 KiB every topic keeps): a burst of large payloads
// between two refreshes cannot take more memory than this.
constexpr std::size_t kEvaluationBudget = 64 * 1024 * 1024;

// Every message into the table; nothing to commit.
class TableSink final : public MessageSink {
 public:
  TableSink(TopicTable& table, const MonotonicClock& clock) : table_(table), clock_(clock) {}
  bool write(const Message& message) override {
    table_.add(message.topic, message.payload, message.qos, message.retain, clock_.now());
    return true;
  }
  void commit(bool) override {}
  std::size_t uncommitted() const override { return 0; }

 private:
  TopicTable& table_;
  const MonotonicClock& clock_;
};

const char* state_name(SessionState state) {
  switch (state) {
    case SessionState::kNew:
    case SessionState::kConnecting:
      return "connecting";
    case SessionState::kConnected:
      return "connected";
    case SessionState::kDisconnecting:
      return "disconnecting";
    case SessionState::kClosed:
      return "closed";
    case SessionState::kLost:
      return "lost";
    case SessionState::kWaitingToReconnect:
      return "reconnecting";
  }
  return "?";
}

class TopRun {
 public:
  TopRun(const ConnectOptions& connect, const SubscribeOptions& subscribe, const TopOptions& options,
         PayloadEvaluation& evaluation, const Reporter& reporter, SignalWatch& signals, OutputBuffer& out)
      : connect_(connect),
        options_(options),
        evaluation_(evaluation),
        out_(out),
        clock_(steady_clock()),
        table_(clock_.now(), options.max_topics, evaluation.evaluating() ? kEvaluationBudget : 0),
        sink_(table_, clock_),
        subscriber_(connect, subscribe, sink_, reporter, signals, [](std::string_view) {}) {
    state_.view = options.view;
  }

  int run() {
    if (options_.output == TopOutput::kScreen) return run_screen();
    return run_snapshots();
  }

 private:
  TopHeader header() const {
    return TopHeader{.broker = connect_.describe_server(),
                     .state = state_name(subscriber_.state()),
                     .paused = state_.paused,
                     .view = state_.view,
                     .rows = rows_.size()};
  }

  void evaluate() {
    table_.evaluate_changed(
        [this](std::string_view topic, const TopicStats& stats) { return evaluation_.evaluate(topic, stats); });
  }

  // --- snapshots on standard output

  int run_snapshots() {
    milliseconds period = options_.interval.value_or(options_.after);
    // The watch starts once the broker has accepted the connection: a broker
    // that never answers is an error at the connect timeout, not an empty
    // table that looks like a quiet broker.
    next_snapshot_ = MonotonicClock::time_point::max();
    subscriber_.set_ticker(std::min(period, milliseconds(100)), [this, period] {
      if (!watching_) {
        if (subscriber_.state() != SessionState::kConnected) return;
        watching_ = true;
        next_snapshot_ = clock_.now() + period;
      }
      if (clock_.now() < next_snapshot_) return;
      snapshot();
      if (!options_.interval) {
        subscriber_.stop();
        next_snapshot_ = MonotonicClock::time_point::max();
      } else {
        next_snapshot_ += period;
      }
    });
    int status = subscriber_.run();
    if (!options_.interval && snapshots_ == 0) snapshot();  // a signal came first: what was seen so far
    return status;
  }

  void snapshot() {
    ++snapshots_;
    auto now = clock_.now();
    evaluate();
    rows_ = view_rows(table_, state_.view, now);
    TextStyle style{options_.unicode};
    if (options_.output == TopOutput::kJson) {
      timespec wall{};
      clock_gettime(CLOCK_REALTIME, &wall);
      std::string time(wall_clock_.format(wall));
      std::string text;
      for (const TopicRow& row : rows_) {
        text.clear();
        append_row_json(row, time, evaluation_.evaluating(), text);
        out_.append(text);
        end_line();
      }
    } else {
      if (snapshots_ > 1) out_.put('\n');
      for (const std::string& line : header_lines(header(), table_, now, style, options_.width)) put_line(line);
      put_line(column_titles(options_.width));
      for (const TopicRow& row : rows_) put_line(row_line(row, style, options_.width));
    }
    out_.flush();
    if (options_.output != TopOutput::kScreen) rows_ = {};  // not needed until the next snapshot
  }

  // A line of the text table, cut at the width (a terminal's narrower than
  // the fixed columns, or a wide character's second column).
  void put_line(std::string_view line) {
    out_.append(line.substr(0, fitting_bytes(line, options_.width)));
    out_.put('\n');
    end_line();
  }

  // A snapshot of 100,000 topics is megabytes: written as it is made, not
  // held whole.
  void end_line() {
    out_.end_message();
    if (out_.pending() >= kSnapshotBuffer) out_.flush();
  }

  // --- the full screen

  int run_screen() {
    StderrCapture errors;
    TopScreen screen(options_.color);
    screen_ = &screen;
    errors_ = &errors;
    rebuild();
    subscriber_.set_ticker(kKeyPoll, [this] { screen_turn(); });
    int status = subscriber_.run();
    screen_ = nullptr;
    errors_ = nullptr;
    return status;
  }

  void screen_turn() {
    auto now = clock_.now();
    bool draw = false;
    for (std::string& line : errors_->take_lines()) {
      message_ = std::move(line);
      message_at_ = now;
      draw = true;
    }
    bool build = false;
    for (int key : screen_->keys()) {
      draw = true;
      if (key == kKeyResize) continue;
      build = press_key(state_, key, rows_) || build;
    }
    if (state_.quit) {
      subscriber_.stop();
      return;
    }
    if (now >= next_refresh_) {
      build = build || !state_.paused;
      draw = true;
    }
    if (build) rebuild();
    if (draw) this->draw();
  }

  void rebuild() {
    auto now = clock_.now();
    evaluate();
    rows_ = {};  // the old rows go before the new are made: 100,000 rows are megabytes
    rows_ = view_rows(table_, state_.view, now);
    next_refresh_ = now + options_.refresh;
  }

  void draw() {
    auto now = clock_.now();
    if (now >= next_refresh_) next_refresh_ = now + options_.refresh;
    std::size_t width = screen_->width();
    TextStyle style{options_.unicode};
    std::vector<std::string> head = header_lines(header(), table_, now, style, width);
    if (!message_.empty() && now - message_at_ < kMessageShown) head.push_back(one_line(message_, width, style));
    // The rows that fit between the header and titles and the footer.
    std::size_t used = head.size() + 2;
    std::size_t visible = screen_->height() > used ? screen_->height() - used : 0;
    state_.page = std::max<std::size_t>(visible, 1);
    state_.selected = rows_.empty() ? 0 : std::min(state_.selected, rows_.size() - 1);
    if (state_.selected < first_) first_ = state_.selected;
    if (visible > 0 && state_.selected >= first_ + visible) first_ = state_.selected - visible + 1;
    first_ = std::min(first_, rows_.size() > visible ? rows_.size() - visible : 0);
    std::vector<std::string> lines;  // only the rows on the screen are made into text
    for (std::size_t i = first_; i < rows_.size() && i < first_ + visible; ++i) {
      lines.push_back(row_line(rows_[i], style, width));
    }
    screen_->draw(head, column_titles(width), lines, state_.selected - first_, footer_line(state_));
  }

  const ConnectOptions& connect_;
  const TopOptions& options_;
  PayloadEvaluation& evaluation_;
  OutputBuffer& out_;
  const MonotonicClock& clock_;
  TopicTable table_;
  TableSink sink_;
  Subscriber subscriber_;
  ScreenState state_;
  std::vector<TopicRow> rows_;
  Rfc3339Clock wall_clock_;
  MonotonicClock::time_point next_snapshot_{};
  bool watching_ = false;  // connected once: --after and --interval count from then
  int snapshots_ = 0;
  TopScreen* screen_ = nullptr;
  StderrCapture* errors_ = nullptr;
  MonotonicClock::time_point next_refresh_{};
  std::size_t first_ = 0;  // the first row on the screen
  std::string message_;    // the last line written to standard error
  MonotonicClock::time_point message_at_{};
};

}  // namespace

int run_top(const ConnectOptions& connect, const SubscribeOptions& subscribe, const TopOptions& options,
            PayloadEvaluation& evaluation, const Reporter& reporter, SignalWatch& signals, OutputBuffer& out) {
  TopRun run(connect, subscribe, options, evaluation, reporter, signals, out);
  return run.run();
}

}  // namespace mqtk
