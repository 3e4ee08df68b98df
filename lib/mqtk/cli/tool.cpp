#include "mqtk/cli/tool.hpp"

#include <signal.h>

#include <cstdio>
#include <exception>
#include <optional>
#include <span>
#include <vector>

#include <mosquitto.h>

#include "mqtk/base/error.hpp"
#include "mqtk/base/output_buffer.hpp"

namespace mqtk {
namespace {

// mosquitto_lib_init/cleanup for the life of one tool run.
struct MosquittoLibrary {
  MosquittoLibrary() { mosquitto_lib_init(); }
  ~MosquittoLibrary() { mosquitto_lib_cleanup(); }
  MosquittoLibrary(const MosquittoLibrary&) = delete;
  MosquittoLibrary& operator=(const MosquittoLibrary&) = delete;
};

}  // namespace

int run_tool(const ToolInfo& tool, const std::function<int(ToolContext&)>& body) {
  // A closed reader is noticed as EPIPE where output is written, not by dying.
  signal(SIGPIPE, SIG_IGN);
  Reporter reporter(tool.name);
  // The signals stay blocked until the run's end is said: a signal that
  // came while the run was failing (with nothing reading them) ends the
  // process after its error is printed, not before.
  std::optional<SignalWatch> signals;
  try {
    // The closed standard streams are taken before anything opens a
    // descriptor (the signals' own included), then the signals are blocked.
    StandardStreams streams = StandardStreams::reserve();
    std::vector<int> stops{SIGINT, SIGTERM};
    if (tool.stops_on_hangup) stops.push_back(SIGHUP);
    if (tool.stops_on_quit) stops.push_back(SIGQUIT);
    signals.emplace(std::span<const int>(stops));
    MosquittoLibrary library;
    ToolContext context{reporter, streams, *signals};
    return body(context);
  } catch (const OutputClosed&) {
    return kExitBrokenPipe;  // quietly, as a process killed by SIGPIPE
  } catch (const UsageError& e) {
    reporter.always(e.what());
    const std::string& usage = e.usage().empty() ? tool.synopsis : e.usage();
    std::fprintf(stderr, "Usage: %s\nRun '%s --help' for all options.\n", usage.c_str(), tool.name.c_str());
    return e.exit_code();
  } catch (const Error& e) {
    reporter.error(e.what());
    return e.exit_code();
  } catch (const std::exception& e) {
    reporter.always(std::string("internal error: ") + e.what());
    return kExitFailure;
  }
}

}  // namespace mqtk
