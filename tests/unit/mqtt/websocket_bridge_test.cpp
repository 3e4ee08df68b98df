#include "mqtk/mqtt/websocket_bridge.hpp"

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <string>

#include <doctest/doctest.h>

#include "mqtk/base/fd.hpp"

namespace {

// A connection to the bridge's socket, as libmosquitto makes it.
mqtk::Fd connect_to(const std::string& path) {
  mqtk::Fd fd(socket(AF_UNIX, SOCK_STREAM, 0));
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
  REQUIRE(connect(fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  return fd;
}

// Waits (up to 30 s) for the bridge to close the connection; true if it did.
bool closed_by_bridge(int fd) {
  pollfd p{fd, POLLIN, 0};
  if (poll(&p, 1, 30000) != 1) return false;
  char byte = 0;
  return read(fd, &byte, 1) <= 0;
}

// A loopback TCP listener; `port` is where it listens.
struct Listener {
  mqtk::Fd fd{socket(AF_INET, SOCK_STREAM, 0)};
  int port = 0;
  Listener() {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof address;
    REQUIRE(bind(fd.get(), reinterpret_cast<sockaddr*>(&address), size) == 0);
    REQUIRE(listen(fd.get(), 4) == 0);
    REQUIRE(getsockname(fd.get(), reinterpret_cast<sockaddr*>(&address), &size) == 0);
    port = ntohs(address.sin_port);
  }
};

}  // namespace

TEST_SUITE("websocket_bridge") {
  TEST_CASE("the socket is in a directory only we can enter, gone with the bridge") {
    std::string path;
    {
      mqtk::WebSocketBridge bridge({"127.0.0.1", 1, "/mqtt", "", false}, nullptr);
      path = bridge.socket_path();
      struct stat info {};
      std::string directory = path.substr(0, path.rfind('/'));
      REQUIRE(stat(directory.c_str(), &info) == 0);
      CHECK((info.st_mode & 0777) == 0700);
      CHECK(stat(path.c_str(), &info) == 0);
      CHECK(bridge.failure().empty());
    }
    struct stat info {};
    CHECK(stat(path.c_str(), &info) != 0);
  }

  TEST_CASE("a refused TCP connection closes the client's connection, saying why") {
    int port = 0;
    {
      Listener closed;  // a port nothing listens on once this goes
      port = closed.port;
    }
    mqtk::WebSocketBridge bridge({"127.0.0.1", port, "/mqtt", "", false}, nullptr);
    mqtk::Fd client = connect_to(bridge.socket_path());
    CHECK(closed_by_bridge(client.get()));
    CHECK(bridge.failure() == "Connection refused");
  }

  TEST_CASE("a server that closes without answering the upgrade is no WebSocket endpoint") {
    Listener server;
    mqtk::WebSocketBridge bridge({"127.0.0.1", server.port, "/mqtt", "", false}, nullptr);
    mqtk::Fd client = connect_to(bridge.socket_path());
    mqtk::Fd accepted(accept(server.fd.get(), nullptr, nullptr));
    REQUIRE(accepted.valid());
    std::string text;
    while (text.find("\r\n\r\n") == std::string::npos) {
      char request[4096];
      ssize_t n = read(accepted.get(), request, sizeof request);
      REQUIRE(n > 0);
      text.append(request, static_cast<std::size_t>(n));
    }
    CHECK(text.starts_with("GET /mqtt HTTP/1.1\r\n"));
    CHECK(text.find("Sec-WebSocket-Protocol: mqtt\r\n") != std::string::npos);
    accepted.reset();
    CHECK(closed_by_bridge(client.get()));
    CHECK(bridge.failure() ==
          "the server closed the connection without answering the WebSocket upgrade (is it a WebSocket endpoint?)");
  }
}
