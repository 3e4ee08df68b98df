#include "mqtk/base/reporter.hpp"

#include <cstdio>

namespace mqtk {
namespace {

constexpr std::string_view kClearLine = "\r\033[K";

}  // namespace

// One write per message, status line included, so that lines from two
// threads never interleave.
void Reporter::print(std::string_view prefix, std::string_view message) const {
  std::lock_guard lock(mutex_);
  std::string text;
  if (!status_.empty()) text += kClearLine;
  text += program_;
  text += ": ";
  text += prefix;
  text += message;
  text += '\n';
  text += status_;
  std::fwrite(text.data(), 1, text.size(), stderr);
  std::fflush(stderr);
}

void Reporter::always(std::string_view message) const { print("", message); }

void Reporter::error(std::string_view message) const {
  if (!quiet_errors_) print("", message);
}

void Reporter::warning(std::string_view message) const {
  if (!quiet_) print("warning: ", message);
}

void Reporter::note(std::string_view message) const {
  if (!quiet_) print("note: ", message);
}

void Reporter::info(std::string_view message) const {
  if (!quiet_) print("", message);
}

void Reporter::show_status(std::string line) const {
  std::lock_guard lock(mutex_);
  status_ = std::move(line);
  std::string text = std::string(kClearLine) + status_;
  std::fwrite(text.data(), 1, text.size(), stderr);
  std::fflush(stderr);
}

void Reporter::clear_status() const {
  std::lock_guard lock(mutex_);
  if (status_.empty()) return;
  status_.clear();
  std::fwrite(kClearLine.data(), 1, kClearLine.size(), stderr);
  std::fflush(stderr);
}

}  // namespace mqtk
