#include "mqtk/tool.hpp"

#include <mosquitto.h>
#include <signal.h>

#include <cstdio>
#include <exception>

#include "mqtk/error.hpp"

namespace mqtk {

void Reporter::always(std::string_view message) const {
  std::fprintf(stderr, "%s: %.*s\n", program_.c_str(), static_cast<int>(message.size()), message.data());
}

void Reporter::error(std::string_view message) const {
  if (!quiet_) always(message);
}

void Reporter::warning(std::string_view message) const {
  if (!quiet_) always(std::string("warning: ") + std::string(message));
}

namespace {

// mosquitto_lib_init/cleanup for the life of one tool run.
struct MosquittoLibrary {
  MosquittoLibrary() { mosquitto_lib_init(); }
  ~MosquittoLibrary() { mosquitto_lib_cleanup(); }
  MosquittoLibrary(const MosquittoLibrary&) = delete;
  MosquittoLibrary& operator=(const MosquittoLibrary&) = delete;
};

}  // namespace

int run_tool(const ToolInfo& tool, const std::function<int(Reporter&)>& body) {
  // A closed reader is noticed as EPIPE where output is written, not by dying.
  signal(SIGPIPE, SIG_IGN);
  MosquittoLibrary library;
  Reporter reporter(tool.name);
  try {
    return body(reporter);
  } catch (const UsageError& e) {
    reporter.always(e.what());
    std::fprintf(stderr, "Usage: %s\nRun '%s --help' for all options.\n", tool.synopsis.c_str(), tool.name.c_str());
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
