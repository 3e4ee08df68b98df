#include "mqtk/client/replay.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include "mqtk/base/error.hpp"
#include "mqtk/client/publisher.hpp"

namespace mqtk {

std::string progress_line(ReplaySource& source, double speed, std::chrono::steady_clock::duration elapsed) {
  long done = source.published();
  auto seconds = [](double s) {
    long t = static_cast<long>(s + 0.5);
    char text[32];
    std::snprintf(text, sizeof text, "%02ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
    return std::string(text);
  };
  double spent = std::chrono::duration<double>(elapsed).count();
  std::optional<long> total = source.total();
  if (!total || *total == 0) return std::to_string(done) + " published  " + seconds(spent);
  constexpr int kWidth = 30;
  int filled = static_cast<int>(kWidth * std::min(1.0, static_cast<double>(done) / static_cast<double>(*total)));
  double left = speed > 0 ? std::chrono::duration<double>(source.span() - source.position()).count() / speed
                          : (done > 0 ? spent * static_cast<double>(*total - done) / static_cast<double>(done) : 0);
  return "[" + std::string(static_cast<std::size_t>(filled), '#') +
         std::string(static_cast<std::size_t>(kWidth - filled), '.') + "] " + std::to_string(done) + "/" +
         std::to_string(*total) + "  " + seconds(spent) + "  ETA " + seconds(std::max(left, 0.0));
}

int run_replay(const ReplayOptions& options, ConnectOptions connect, const Reporter& reporter) {
  // Each message leaves when it is due. With Nagle's algorithm a small
  // publish waits for the acknowledgement of the one before it (a delayed
  // ACK: 40 ms on Linux), which bunches messages the recording spaced apart.
  connect.tcp_nodelay = true;
  bool progress = !reporter.quiet() && isatty(STDERR_FILENO) == 1;
  ReplaySource source(options, [&reporter](const std::string& warning) { reporter.warning(warning); });
  Publisher publisher(connect, source, reporter, [](std::string_view line) {
    std::fwrite(line.data(), 1, line.size(), stdout);
    std::fputc('\n', stdout);
  });
  auto started = std::chrono::steady_clock::now();
  if (progress) {
    source.total();  // counted now, not in the middle of the replay's timing
    publisher.set_ticker(std::chrono::milliseconds(200), [&] {
      reporter.show_status(progress_line(source, options.speed, std::chrono::steady_clock::now() - started));
    });
  }
  int status;
  try {
    status = publisher.run();
  } catch (const Error&) {
    reporter.clear_status();
    throw;
  }
  reporter.clear_status();
  if (connect.debug) {
    std::printf("Replayed %ld messages; worst lag behind the recording's timing: %.3f ms\n", source.published(),
                static_cast<double>(source.worst_lag().count()) / 1000.0);
  }
  if (source.skipped() > 0) reporter.warning(std::to_string(source.skipped()) + " malformed records skipped");
  if (source.failure()) {
    throw Error(*source.failure() + " (stopped there; " + std::to_string(source.published()) +
                " messages before it were published; --skip-bad goes on past such records)");
  }
  return status;
}

}  // namespace mqtk
