// Every topic mqtk-top has seen, with what it shows of each: how many
// messages and bytes, how fast they come (RateHistory), the last payload and
// how it was delivered, and what that payload means once evaluated (--decode,
// --jq: the text shown and, when it is a number, recent values).
//
// Memory is bounded whatever the broker sends: at most `max_topics` topics
// are kept (messages on further topics are counted in the totals and as
// dropped, which the header says), a payload is kept up to kKeptPayload
// bytes, and every history is a fixed ring. A table that evaluates keeps
// each payload whole until it is evaluated (a decoder or a jq program needs
// all of it), within a budget for all payloads waiting to be.
//
// Time comes in as a parameter (MonotonicClock's time points), so the tests
// move it by hand.
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "mqtk/client/monotonic_clock.hpp"
#include "mqtk/top/rate_history.hpp"

namespace mqtk {

using TopTime = MonotonicClock::time_point;

// Recent numeric values of a topic, oldest first once read with at().
class ValueHistory {
 public:
  static constexpr int kValues = 8;
  void add(double value);
  int size() const { return size_; }
  // The i-th value, 0 the oldest kept.
  double at(int i) const;

 private:
  std::array<float, kValues> values_{};  // float: a sparkline needs no more
  int next_ = 0;
  int size_ = 0;
};

// What a payload shows once evaluated (decoded, through --jq).
struct Evaluation {
  std::string text;             // what --decode or --jq made of it
  bool as_payload = false;      // nothing made anything of it: the payload shows as it is (text is empty)
  double value = std::nan("");  // the number it is, NaN when it is none
};

struct TopicStats {
  long long count = 0;
  long long bytes = 0;    // of every payload
  std::size_t size = 0;   // of the last payload
  std::string payload;    // the last payload: whole until evaluated, if the
                          // budget allowed, and then its first kKeptPayload bytes
  int qos = 0;            // the last message's
  bool retained = false;  // the last message's retain flag
  TopTime first_seen{};
  TopTime last_seen{};
  RateHistory rates;
  bool evaluated = false;  // `shown` is of the last payload
  Evaluation shown;
  ValueHistory values;  // one value an evaluation that gave a number

  // The text the payload column shows.
  std::string_view shown_text() const { return !evaluated || shown.as_payload ? payload : shown.text; }
};

class TopicTable {
 public:
  // Bytes of a payload kept for showing: a line on a screen shows far
  // fewer (the size column says how long the payload was).
  static constexpr std::size_t kKeptPayload = 1024;

  // `start` is the table's time zero (its seconds are counted from there).
  // With an `evaluation_budget`, payloads are kept whole until evaluated
  // while those kept so total at most that many bytes beyond kKeptPayload
  // each; later ones are cut to kKeptPayload (TopicStats::size says so).
  TopicTable(TopTime start, std::size_t max_topics, std::size_t evaluation_budget = 0)
      : start_(start), max_topics_(max_topics), evaluation_budget_(evaluation_budget) {}

  // A message on `topic`, at `now`.
  void add(std::string_view topic, std::string_view payload, int qos, bool retained, TopTime now);

  // Evaluates the last payload of every topic that got a message since it
  // was last evaluated (at most once a topic a call, however many messages
  // it got), adding numbers to the topic's values, and cuts the payload to
  // kKeptPayload bytes.
  using Evaluator = std::function<Evaluation(std::string_view topic, const TopicStats& stats)>;
  void evaluate_changed(const Evaluator& evaluate);

  std::size_t size() const { return topics_.size(); }
  std::size_t max_topics() const { return max_topics_; }
  const TopicStats* find(std::string_view topic) const;
  // Every topic, in no particular order.
  template <class Visit>
  void for_each(Visit visit) const {
    for (const auto& [topic, stats] : topics_) visit(std::string_view(topic), stats);
  }

  long long messages() const { return messages_; }
  long long bytes() const { return bytes_; }
  // Messages on topics beyond max_topics, not shown one by one.
  long long dropped_messages() const { return dropped_messages_; }
  const RateHistory& total_rates() const { return total_rates_; }

  // Seconds from the table's start to `when`, and the whole second it is in.
  double seconds(TopTime when) const { return std::chrono::duration<double>(when - start_).count(); }
  std::int64_t second(TopTime when) const { return static_cast<std::int64_t>(std::floor(seconds(when))); }
  TopTime start() const { return start_; }

  // Messages per second of `stats`, and of all topics, at `now`.
  double rate(const TopicStats& stats, TopTime now) const;
  double total_rate(TopTime now) const;

 private:
  // Lookups by string_view without making a std::string per message.
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  TopTime start_;
  std::size_t max_topics_;
  std::size_t evaluation_budget_;
  std::size_t kept_whole_ = 0;  // bytes beyond kKeptPayload of the payloads kept whole
  std::unordered_map<std::string, TopicStats, Hash, std::equal_to<>> topics_;
  long long messages_ = 0;
  long long bytes_ = 0;
  long long dropped_messages_ = 0;
  RateHistory total_rates_;
};

}  // namespace mqtk
