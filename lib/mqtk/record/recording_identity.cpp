#include "mqtk/record/recording_identity.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "mqtk/base/c_memory.hpp"
#include "mqtk/base/error.hpp"

namespace mqtk {
namespace {

// FNV-1a: stable across runs and builds, unlike std::hash.
std::uint64_t fnv1a(const std::string& text) {
  std::uint64_t hash = 1469598103934665603ULL;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  return hash;
}

std::vector<std::string> sorted_unique(std::vector<std::string> items) {
  std::sort(items.begin(), items.end());
  items.erase(std::unique(items.begin(), items.end()), items.end());
  return items;
}

}  // namespace

std::string absolute_output_path(const std::string& path) {
  if (path == "-") return path;
  std::size_t slash = path.rfind('/');
  std::string directory = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
  std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  if (name.empty() || name == "." || name == "..") throw Error("-o " + path + ": give a file, not a directory");
  CMemory<char> resolved(realpath(directory.c_str(), nullptr));
  if (!resolved) throw Error("-o " + path + ": cannot use the directory " + directory + ": " + std::strerror(errno));
  std::string absolute = resolved.get();
  return (absolute == "/" ? "" : absolute) + "/" + name;
}

std::string recording_client_id(const std::vector<std::string>& filters, const std::vector<std::string>& outputs,
                                const std::string& influx) {
  std::string meaning = "filters:";
  for (const std::string& filter : sorted_unique(filters)) meaning += filter + '\0';
  meaning += "outputs:";
  for (const std::string& output : sorted_unique(outputs)) meaning += output + '\0';
  meaning += "influx:" + influx;
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(fnv1a(meaning)));
  return "mqtk-record-" + std::string(hex, 11);
}

}  // namespace mqtk
