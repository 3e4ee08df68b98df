// Reading the broker's socket ahead of libmosquitto.
//
// libmosquitto reads each packet with three or four read() calls: the
// command byte, each byte of the remaining length, then the rest. A read()
// costs about a microsecond, more than everything else a subscriber does
// with a small message. libmosquitto offers no hook for its reads, but ELF
// does: a program's own definition of read() takes the place of libc's for
// every library the program loads. This file defines read() (and close())
// for mqtk's programs; for the one socket a Session starts here, small reads
// are served from a 16 KiB buffer that a single read() fills. Every other
// descriptor is read exactly as libc would.
//
// Nothing read ahead has reached libmosquitto, so nothing in the buffer has
// been acknowledged: losing it (a crash) is losing what the kernel held.
// The buffer is process-wide because read() has no other place to find it:
// one socket at a time, dropped when that socket is closed.
#pragma once

#include <cstddef>

namespace mqtk {

// Starts reading `fd` ahead, unless another socket is being read ahead
// (returns whether `fd` is; true again for the same fd, whose buffer stays).
bool start_read_ahead(int fd);

// Bytes of `fd` read ahead and not yet read by anyone: a socket with some
// is readable whatever poll() says.
std::size_t read_ahead_buffered(int fd);

}  // namespace mqtk
