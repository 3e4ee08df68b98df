// mqtk-pub --replay: a recording published again through a Publisher, with
// the progress bar on a terminal (kept below any message) and the account
// of what was skipped or where it stopped.
#pragma once

#include <chrono>
#include <string>

#include "mqtk/base/reporter.hpp"
#include "mqtk/client/replay_source.hpp"
#include "mqtk/mqtt/connect_options.hpp"

namespace mqtk {

// Publishes the recording; returns the exit status. Throws Error naming
// the record where a malformed one stopped it.
int run_replay(const ReplayOptions& options, ConnectOptions connect, const Reporter& reporter);

// The progress bar: "[######........] 120/400  00:00:12  ETA 00:00:28".
std::string progress_line(ReplaySource& source, double speed, std::chrono::steady_clock::duration elapsed);

}  // namespace mqtk
