#include "mqtk/mqtt/socket_read_ahead.hpp"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <memory>
#include <string>

#include <doctest/doctest.h>

namespace {

// Both ends of a connected pair of stream sockets, closed at the end.
struct SocketPair {
  int reader = -1;
  int writer = -1;
  SocketPair() {
    int fds[2];
    REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == 0);
    reader = fds[0];
    writer = fds[1];
  }
  ~SocketPair() {
    if (reader >= 0) close(reader);
    if (writer >= 0) close(writer);
  }
  void send(const std::string& bytes) const {
    REQUIRE(write(writer, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size()));
  }
  // What read() gives for a request of `count` bytes.
  std::string receive(std::size_t count) const {
    std::string bytes(count, '\0');
    ssize_t n = read(reader, bytes.data(), count);
    REQUIRE(n >= 0);
    bytes.resize(static_cast<std::size_t>(n));
    return bytes;
  }
  // Bytes still in the kernel, not read by anyone.
  int unread_in_kernel() const {
    int available = 0;
    REQUIRE(ioctl(reader, FIONREAD, &available) == 0);
    return available;
  }
};

}  // namespace

TEST_SUITE("socket_read_ahead") {
  TEST_CASE("a small read of the socket takes all that is there, and later reads are served from it") {
    SocketPair pair;
    REQUIRE(mqtk::start_read_ahead(pair.reader));
    pair.send("0123456789");
    CHECK(pair.receive(1) == "0");
    CHECK(pair.unread_in_kernel() == 0);
    CHECK(mqtk::read_ahead_buffered(pair.reader) == 9);
    pair.send("abc");                     // arrives after the buffer was filled
    CHECK(pair.receive(4) == "1234");     // from the buffer
    CHECK(pair.receive(100) == "56789");  // what is buffered only: a short read
    CHECK(pair.receive(100) == "abc");    // then the kernel again
    CHECK(mqtk::read_ahead_buffered(pair.reader) == 0);
  }

  TEST_CASE("other descriptors are read as libc reads them") {
    SocketPair followed;
    SocketPair other;
    REQUIRE(mqtk::start_read_ahead(followed.reader));
    other.send("0123456789");
    CHECK(other.receive(1) == "0");
    CHECK(other.unread_in_kernel() == 9);
    CHECK(mqtk::read_ahead_buffered(other.reader) == 0);
  }

  TEST_CASE("one socket at a time") {
    auto first = std::make_unique<SocketPair>();
    SocketPair second;
    REQUIRE(mqtk::start_read_ahead(first->reader));
    CHECK(mqtk::start_read_ahead(first->reader));  // again: the same socket, its buffer kept
    CHECK_FALSE(mqtk::start_read_ahead(second.reader));
    CHECK_FALSE(mqtk::start_read_ahead(-1));
    first.reset();  // closed: free for another
    CHECK(mqtk::start_read_ahead(second.reader));
  }

  TEST_CASE("a read as large as the buffer goes straight into the caller's") {
    SocketPair pair;
    REQUIRE(mqtk::start_read_ahead(pair.reader));
    std::string big(20000, 'x');
    pair.send(big);
    std::size_t received = pair.receive(big.size()).size();
    CHECK(received + static_cast<std::size_t>(pair.unread_in_kernel()) == big.size());
    CHECK(mqtk::read_ahead_buffered(pair.reader) == 0);
  }

  TEST_CASE("the end of the stream and EAGAIN come as they came") {
    SocketPair pair;
    REQUIRE(mqtk::start_read_ahead(pair.reader));
    REQUIRE(fcntl(pair.reader, F_SETFL, O_NONBLOCK) == 0);
    char byte = 0;
    errno = 0;
    CHECK(read(pair.reader, &byte, 1) == -1);
    CHECK(errno == EAGAIN);
    pair.send("xy");
    close(pair.writer);
    pair.writer = -1;
    CHECK(pair.receive(1) == "x");
    CHECK(pair.receive(1) == "y");
    CHECK(read(pair.reader, &byte, 1) == 0);
  }

  TEST_CASE("closing the socket drops what was read ahead, before its number is given out again") {
    auto pair = std::make_unique<SocketPair>();
    REQUIRE(mqtk::start_read_ahead(pair->reader));
    pair->send("stale bytes");
    CHECK(pair->receive(1) == "s");
    int number = pair->reader;
    pair.reset();
    SocketPair next;  // the lowest free number: the one just closed
    REQUIRE(next.reader == number);
    CHECK(mqtk::read_ahead_buffered(number) == 0);
    next.send("fresh");
    CHECK(next.receive(1) == "f");
    CHECK(next.unread_in_kernel() == 4);  // no longer read ahead
    CHECK(mqtk::start_read_ahead(next.reader));
  }
}
