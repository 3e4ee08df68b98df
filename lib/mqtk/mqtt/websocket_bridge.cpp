#include "mqtk/mqtt/websocket_bridge.hpp"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <array>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <optional>
#include <thread>

#include <openssl/ssl.h>

#include "mqtk/base/error.hpp"
#include "mqtk/mqtt/connect_options.hpp"
#include "mqtk/mqtt/tls_context.hpp"

namespace mqtk {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using local = asio::local::stream_protocol;
using error_code = boost::system::error_code;

// Bytes moved per read, each way; an MQTT packet may span several frames.
constexpr std::size_t kChunk = 64 * 1024;

bool is_ip_literal(const std::string& host) {
  error_code ec;
  asio::ip::make_address(host, ec);
  return !ec;
}

// A directory only we can enter, holding the unix socket libmosquitto
// connects to: no other user can reach the broker through our bridge.
class PrivateSocketDirectory {
 public:
  PrivateSocketDirectory() {
    const char* tmp = getenv("TMPDIR");
    std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/mqtk-ws-XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) {
      throw Error("cannot create a directory for the WebSocket bridge in " + pattern.substr(0, pattern.rfind('/')) +
                  ": " + std::strerror(errno));
    }
    directory_ = pattern;
    socket_path_ = directory_ + "/mqtt";
  }
  ~PrivateSocketDirectory() {
    unlink(socket_path_.c_str());
    rmdir(directory_.c_str());
  }
  PrivateSocketDirectory(const PrivateSocketDirectory&) = delete;
  PrivateSocketDirectory& operator=(const PrivateSocketDirectory&) = delete;

  const std::string& socket_path() const { return socket_path_; }

 private:
  std::string directory_;
  std::string socket_path_;
};

// Asio's view of our TlsContext's SSL_CTX, sharing it (one more reference)
// so that every check and callback the TLS flags set up applies to wss://.
// Asio's context takes the SSL_CTX's "app data" for its own and deletes it
// when it goes; ours is the TlsContext (which outlives the bridge), so it is
// kept out of asio's reach then and put back after.
class SharedSslContext {
 public:
  explicit SharedSslContext(TlsContext& tls) : handle_(tls.get()) {
    SSL_CTX_up_ref(handle_);
    context_.emplace(handle_);
  }
  ~SharedSslContext() {
    void* ours = SSL_CTX_get_app_data(handle_);
    SSL_CTX_set_app_data(handle_, nullptr);
    context_.reset();
    SSL_CTX_set_app_data(handle_, ours);
  }
  SharedSslContext(const SharedSslContext&) = delete;
  SharedSslContext& operator=(const SharedSslContext&) = delete;

  asio::ssl::context& get() { return *context_; }

 private:
  SSL_CTX* handle_;
  std::optional<asio::ssl::context> context_;
};

// What the bridge's connections share: where to go, and the latest failure.
struct Shared {
  WebSocketEndpoint endpoint;
  TlsContext* tls = nullptr;
  std::mutex mutex;
  std::string failure;

  void note_failure(const std::string& why) {
    std::lock_guard lock(mutex);
    if (failure.empty()) failure = why;
  }
  void clear_failure() {
    std::lock_guard lock(mutex);
    failure.clear();
  }
};

// Why the WebSocket opening handshake failed.
std::string describe_upgrade_failure(const error_code& ec, const http::response<http::string_body>& response) {
  if (ec == websocket::error::upgrade_declined) {
    std::string status = std::to_string(response.result_int());
    std::string reason(response.reason());
    return "the server refused the WebSocket upgrade: HTTP " + status + (reason.empty() ? "" : " " + reason) +
           " (is the path right?)";
  }
  if (ec == http::error::end_of_stream || ec == asio::error::eof || ec == asio::error::connection_reset) {
    return "the server closed the connection without answering the WebSocket upgrade (is it a WebSocket "
           "endpoint?)";
  }
  if (ec.category() == http::make_error_code(http::error::bad_version).category()) {
    return "the server did not answer the WebSocket upgrade in HTTP (is it a WebSocket endpoint?)";
  }
  return "the WebSocket upgrade failed: " + ec.message();
}

// Why an established WebSocket connection ended.
template <class Stream>
std::string describe_end(const error_code& ec, const websocket::stream<Stream>& ws) {
  if (ec == websocket::error::closed) {
    std::string why = "the broker closed the WebSocket connection";
    const websocket::close_reason& reason = ws.reason();
    if (reason.code != websocket::close_code::none) {
      why += " (code " + std::to_string(reason.code) +
             (reason.reason.empty() ? "" : ": " + std::string(reason.reason.data(), reason.reason.size())) + ")";
    }
    return why;
  }
  if (ec == asio::error::eof || ec == http::error::end_of_stream || ec == asio::ssl::error::stream_truncated) {
    return "the broker closed the connection without closing the WebSocket";
  }
  if (ec == asio::error::connection_reset) return "the connection was reset";
  return "the WebSocket connection failed: " + ec.message();
}

class RelayBase {
 public:
  virtual ~RelayBase() = default;
  virtual void start() = 0;
  // Closes both sides at once: a newer connection replaces this one.
  virtual void abandon() = 0;
};

// One libmosquitto connection relayed over one WebSocket connection. Every
// handler runs on the bridge's single thread, so no locking is needed here.
template <class NextLayer>
class Relay final : public RelayBase, public std::enable_shared_from_this<Relay<NextLayer>> {
 public:
  template <class... Args>
  Relay(local::socket client, Shared& shared, Args&&... next_layer_args)
      : client_(std::move(client)),
        shared_(shared),
        resolver_(client_.get_executor()),
        ws_(std::forward<Args>(next_layer_args)...) {}

  void start() override {
    shared_.clear_failure();
    if (shared_.tls) shared_.tls->clear_failure();
    resolver_.async_resolve(shared_.endpoint.host, std::to_string(shared_.endpoint.port),
                            [self = this->shared_from_this()](const error_code& ec, tcp::resolver::results_type found) {
                              self->on_resolved(ec, std::move(found));
                            });
  }

  void abandon() override {
    abandoned_ = true;
    error_code ignored;
    client_.close(ignored);
    beast::get_lowest_layer(ws_).socket().close(ignored);
  }

 private:
  static constexpr bool kTls = !std::is_same_v<NextLayer, beast::tcp_stream>;

  void fail(const std::string& why) {
    if (!abandoned_) shared_.note_failure(why);
    // Noted first: libmosquitto sees the close, and the session then asks why.
    error_code ignored;
    client_.shutdown(local::socket::shutdown_both, ignored);
    client_.close(ignored);
    beast::get_lowest_layer(ws_).socket().close(ignored);
  }

  void on_resolved(const error_code& ec, const tcp::resolver::results_type& found) {
    if (ec) return fail("cannot resolve " + shared_.endpoint.host + ": " + ec.message());
    beast::get_lowest_layer(ws_).async_connect(
        found, [self = this->shared_from_this()](const error_code& connect_ec, const tcp::endpoint&) {
          self->on_connected(connect_ec);
        });
  }

  void on_connected(const error_code& ec) {
    if (ec) {
      if (ec == asio::error::connection_refused) return fail("Connection refused");
      return fail(ec.message());
    }
    if (shared_.endpoint.tcp_nodelay) {
      error_code ignored;
      beast::get_lowest_layer(ws_).socket().set_option(tcp::no_delay(true), ignored);
    }
    if constexpr (kTls) {
      SSL* ssl = ws_.next_layer().native_handle();
      if (!is_ip_literal(shared_.endpoint.host)) SSL_set_tlsext_host_name(ssl, shared_.endpoint.host.c_str());
      ws_.next_layer().async_handshake(
          asio::ssl::stream_base::client,
          [self = this->shared_from_this()](const error_code& tls_ec) { self->on_tls_ready(tls_ec); });
    } else {
      upgrade();
    }
  }

  void on_tls_ready(const error_code& ec) {
    if (ec) {
      const std::string& verify_failure = shared_.tls->verify_failure();
      return fail(!verify_failure.empty() ? verify_failure : explain_tls_error(ec.message(), shared_.tls->uses_psk()));
    }
    upgrade();
  }

  void upgrade() {
    ws_.set_option(websocket::stream_base::decorator([](websocket::request_type& request) {
      request.set(http::field::sec_websocket_protocol, "mqtt");
      request.set(http::field::user_agent, "mqtk");
    }));
    const WebSocketEndpoint& endpoint = shared_.endpoint;
    ws_.async_handshake(response_, describe_host_port(endpoint.host, endpoint.port), endpoint.path,
                        [self = this->shared_from_this()](const error_code& ec) { self->on_upgraded(ec); });
  }

  void on_upgraded(const error_code& ec) {
    if (ec) return fail(describe_upgrade_failure(ec, response_));
    ws_.binary(true);
    ws_.read_message_max(0);  // no limit: MQTT has its own (256 MB)
    ws_.auto_fragment(false);
    relay_to_broker();
    relay_to_client();
  }

  // libmosquitto -> broker: each read becomes one binary message.
  void relay_to_broker() {
    client_.async_read_some(asio::buffer(up_), [self = this->shared_from_this()](const error_code& ec, std::size_t n) {
      self->on_client_read(ec, n);
    });
  }

  void on_client_read(const error_code& ec, std::size_t n) {
    if (ec) {
      // libmosquitto closed its connection (after DISCONNECT, or giving up):
      // close the WebSocket properly; the broker's close ends the other way.
      closing_ = true;
      if (!abandoned_) {
        ws_.async_close(websocket::close_code::normal, [self = this->shared_from_this()](const error_code&) {});
      }
      return;
    }
    ws_.async_write(asio::buffer(up_.data(), n),
                    [self = this->shared_from_this()](const error_code& write_ec, std::size_t) {
                      if (write_ec) return self->fail(describe_end(write_ec, self->ws_));
                      self->relay_to_broker();
                    });
  }

  // Broker -> libmosquitto, frame boundaries ignored. Beast hands over one
  // frame at a time, and a frame mostly holds one MQTT packet: while more
  // has arrived, it is gathered first, so a burst of messages costs one
  // write to libmosquitto rather than one each.
  void relay_to_client(std::size_t gathered = 0) {
    ws_.async_read_some(asio::buffer(down_.data() + gathered, down_.size() - gathered),
                        [self = this->shared_from_this(), gathered](const error_code& ec, std::size_t n) {
                          self->on_broker_read(ec, gathered + n);
                        });
  }

  void on_broker_read(const error_code& ec, std::size_t gathered) {
    error_code ignored;
    bool more_arrived = beast::get_lowest_layer(ws_).socket().available(ignored) > 0;
    if (!ec && (gathered == 0 || (more_arrived && gathered < down_.size()))) return relay_to_client(gathered);
    if (gathered == 0) return on_broker_end(ec);
    asio::async_write(client_, asio::buffer(down_.data(), gathered),
                      [self = this->shared_from_this(), ec](const error_code& write_ec, std::size_t) {
                        // libmosquitto is gone: its close is seen by the other direction.
                        if (write_ec) return;
                        if (ec) return self->on_broker_end(ec);
                        self->relay_to_client();
                      });
  }

  // The WebSocket ended, after everything that came before was passed on.
  void on_broker_end(const error_code& ec) {
    if (closing_) {
      error_code ignored;
      client_.close(ignored);
      return;
    }
    fail(describe_end(ec, ws_));
  }

  local::socket client_;
  Shared& shared_;
  tcp::resolver resolver_;
  websocket::stream<NextLayer> ws_;
  http::response<http::string_body> response_;
  std::array<char, kChunk> up_{};
  std::array<char, kChunk> down_{};
  bool closing_ = false;
  bool abandoned_ = false;
};

}  // namespace

struct WebSocketBridge::Impl {
  // Declared first, so destroyed last: sockets and relays go before it.
  asio::io_context io;
  Shared shared;
  PrivateSocketDirectory directory;
  std::unique_ptr<SharedSslContext> ssl;
  local::acceptor acceptor{io};
  std::weak_ptr<RelayBase> current;
  std::thread thread;

  void accept_next() {
    acceptor.async_accept([this](const error_code& ec, local::socket client) {
      if (ec) return;  // the acceptor was closed
      if (auto previous = current.lock()) previous->abandon();
      std::shared_ptr<RelayBase> relay;
      if (ssl) {
        relay =
            std::make_shared<Relay<asio::ssl::stream<beast::tcp_stream>>>(std::move(client), shared, io, ssl->get());
      } else {
        relay = std::make_shared<Relay<beast::tcp_stream>>(std::move(client), shared, io);
      }
      current = relay;
      relay->start();
      accept_next();
    });
  }
};

WebSocketBridge::WebSocketBridge(const WebSocketEndpoint& endpoint, TlsContext* tls) : impl_(std::make_unique<Impl>()) {
  impl_->shared.endpoint = endpoint;
  impl_->shared.tls = tls;
  if (tls) impl_->ssl = std::make_unique<SharedSslContext>(*tls);
  error_code ec;
  local::endpoint where(impl_->directory.socket_path());
  impl_->acceptor.open(where.protocol(), ec);
  if (!ec) impl_->acceptor.bind(where, ec);
  if (!ec) impl_->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    throw Error("cannot listen on " + impl_->directory.socket_path() + " for the WebSocket bridge: " + ec.message());
  impl_->accept_next();
  // Signals are the tool's to handle (SignalWatch blocks the ones it reads
  // from a signalfd): the thread starts with every signal blocked, or a
  // SIGINT could be delivered to it and end the process on the spot.
  sigset_t all;
  sigset_t previous;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, &previous);
  impl_->thread = std::thread([this] { impl_->io.run(); });
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
}

WebSocketBridge::~WebSocketBridge() {
  impl_->io.stop();
  impl_->thread.join();
}

const std::string& WebSocketBridge::socket_path() const { return impl_->directory.socket_path(); }

std::string WebSocketBridge::failure() const {
  std::lock_guard lock(impl_->shared.mutex);
  return impl_->shared.failure;
}

}  // namespace mqtk
