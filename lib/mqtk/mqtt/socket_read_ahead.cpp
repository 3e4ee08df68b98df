#include "mqtk/mqtt/socket_read_ahead.hpp"

#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstring>

namespace mqtk {
namespace {

constexpr std::size_t kReadAheadBytes = 16 * 1024;

// The socket read ahead (fd + 1, so that none is zero and the whole object
// lives in .bss, not as 16 KiB of the binary's data) and its unread bytes,
// data[begin, end). Only the thread that reads the socket (the Session's)
// touches the bytes; other threads calling read() or close() only load fd.
struct ReadAhead {
  std::atomic<int> fd_plus_one{0};
  std::size_t begin = 0;
  std::size_t end = 0;
  char data[kReadAheadBytes] = {};

  int fd() const { return fd_plus_one.load(std::memory_order_relaxed) - 1; }
};

constinit ReadAhead read_ahead;

ssize_t system_read(int fd, void* buffer, std::size_t count) { return syscall(SYS_read, fd, buffer, count); }

void drop(int fd) {
  if (fd < 0) return;
  int expected = fd + 1;
  if (read_ahead.fd_plus_one.compare_exchange_strong(expected, 0)) read_ahead.begin = read_ahead.end = 0;
}

}  // namespace

bool start_read_ahead(int fd) {
  int expected = 0;
  return fd >= 0 && (read_ahead.fd_plus_one.compare_exchange_strong(expected, fd + 1) || expected == fd + 1);
}

std::size_t read_ahead_buffered(int fd) {
  return fd >= 0 && read_ahead.fd() == fd ? read_ahead.end - read_ahead.begin : 0;
}

}  // namespace mqtk

// libc's read() and close() for every caller in the process (see the header).
extern "C" ssize_t read(int fd, void* buffer, std::size_t count) {
  using mqtk::read_ahead;
  if (fd < 0 || fd != read_ahead.fd() || count == 0) {
    return mqtk::system_read(fd, buffer, count);
  }
  if (read_ahead.begin == read_ahead.end) {
    // A large read (a big payload) goes straight into the caller's buffer.
    if (count >= mqtk::kReadAheadBytes) return mqtk::system_read(fd, buffer, count);
    ssize_t got = mqtk::system_read(fd, read_ahead.data, sizeof read_ahead.data);
    if (got <= 0) return got;  // the end of the stream, or errno (EAGAIN) as it came
    read_ahead.begin = 0;
    read_ahead.end = static_cast<std::size_t>(got);
  }
  std::size_t n = std::min(count, read_ahead.end - read_ahead.begin);
  std::memcpy(buffer, read_ahead.data + read_ahead.begin, n);
  read_ahead.begin += n;
  return static_cast<ssize_t>(n);
}

extern "C" int close(int fd) {
  // The number may be given to a new descriptor at once: what was read
  // ahead of this one must never be served as the new one's.
  mqtk::drop(fd);
  return static_cast<int>(syscall(SYS_close, fd));
}
