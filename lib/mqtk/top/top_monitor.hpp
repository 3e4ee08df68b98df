// mqtk-top's run: subscribes, counts every message into a TopicTable, and
// shows the table: on the full screen (redrawn in place, driven by keys),
// or as snapshots on standard output for scripts (text or JSON lines, once
// or every interval). It only observes: it never publishes.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>

#include "mqtk/base/output_buffer.hpp"
#include "mqtk/base/reporter.hpp"
#include "mqtk/base/signal_watch.hpp"
#include "mqtk/client/monotonic_clock.hpp"
#include "mqtk/client/subscriber.hpp"
#include "mqtk/mqtt/connect_options.hpp"
#include "mqtk/top/payload_evaluation.hpp"
#include "mqtk/top/topic_view.hpp"

namespace mqtk {

enum class TopOutput {
  kScreen,  // the full screen
  kText,    // the table as text
  kJson,    // one JSON object a row (top_json.hpp)
};

struct TopOptions {
  TopOutput output = TopOutput::kScreen;
  // Text and JSON: a snapshot every `interval`; without one, a single
  // snapshot `after` the start (or when a signal ends the run earlier).
  std::optional<std::chrono::milliseconds> interval;
  std::chrono::milliseconds after{std::chrono::seconds(5)};
  // The screen's refresh.
  std::chrono::milliseconds refresh{std::chrono::seconds(1)};
  ViewSettings view;
  std::size_t max_topics = 100'000;
  bool color = true;        // on the screen
  bool unicode = true;      // sparklines in block characters
  std::size_t width = 120;  // of text snapshots
};

// Runs until q, a signal, or the last snapshot; returns the exit status.
// Throws Error (a terminal that cannot be driven, the broker refusing).
int run_top(const ConnectOptions& connect, const SubscribeOptions& subscribe, const TopOptions& options,
            PayloadEvaluation& evaluation, const Reporter& reporter, SignalWatch& signals, OutputBuffer& out);

}  // namespace mqtk
