// MQTT over WebSockets for libmosquitto 2.0, which only speaks TCP and unix
// sockets: libmosquitto connects to a private unix socket, and the bridge
// relays the bytes of each connection made there over a fresh WebSocket
// connection to the broker (binary frames, subprotocol "mqtt"), in a thread
// of its own.
//
// The bridge only relays bytes, in order and without holding any back, so
// what the session acknowledges when (session.hpp) is unchanged. When the
// WebSocket side fails or closes, the bridge first notes why (failure()) and
// then closes the unix connection, so libmosquitto sees a lost connection
// and the session can say what happened.
//
// Boost.Beast (Debian's 1.74, header-only) does the WebSocket protocol, and
// not libwebsockets 4.1: Beast runs over asio::ssl on our own SSL_CTX
// (TlsContext), so every TLS flag and certificate message of mqtt(s)://
// applies to wss:// unchanged; its asynchronous operations fit a relay of two
// byte streams in one small thread, where libwebsockets wants to own the
// event loop and be driven through a protocol callback; and it needs no
// library to link. What it costs is compile time, about a minute for the
// .cpp, which is why its headers stay there and out of this one.
#pragma once

#include <memory>
#include <string>

namespace mqtk {

class TlsContext;

struct WebSocketEndpoint {
  std::string host;
  int port = 80;
  std::string path = "/mqtt";  // the HTTP request target, query included
  std::string bind_address;    // the local address to connect from; empty: any
  bool tcp_nodelay = false;
};

class WebSocketBridge {
 public:
  // `tls` (wss://) must outlive the bridge; null for ws://. Throws Error when
  // the local socket cannot be made.
  WebSocketBridge(const WebSocketEndpoint& endpoint, TlsContext* tls);
  ~WebSocketBridge();  // closes every connection and joins the thread
  WebSocketBridge(const WebSocketBridge&) = delete;
  WebSocketBridge& operator=(const WebSocketBridge&) = delete;

  // The unix socket to connect libmosquitto to (port 0).
  const std::string& socket_path() const;

  // Why the WebSocket side of the latest connection failed or closed, for the
  // user ("the server refused the WebSocket upgrade: 404 Not Found"); empty
  // while it is up or when our side closed it. Noted before the unix
  // connection is closed, so it is there once libmosquitto sees the close.
  std::string failure() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mqtk
