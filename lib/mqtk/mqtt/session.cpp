#include "mqtk/mqtt/session.hpp"

#include <netdb.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <ctime>

#include <mosquitto.h>
#include <mqtt_protocol.h>
#include <openssl/ssl.h>

#include "mqtk/base/error.hpp"
#include "mqtk/mqtt/close_at_once.hpp"
#include "mqtk/mqtt/property_read.hpp"
#include "mqtk/mqtt/socket_read_ahead.hpp"

namespace mqtk {
namespace {

// Packets read per turn before output gets a chance to be flushed and
// acknowledgements written, so a flood cannot starve either.
constexpr int kMaxPacketsPerTurn = 2000;
// libmosquitto's keepalive bookkeeping (mosquitto_loop_misc) wants a call at
// least about once a second.
constexpr int kHousekeepingMs = 1000;
// How long to wait for the broker to close the connection after DISCONNECT.
constexpr std::chrono::milliseconds kCloseWait{2000};

// Why a connection ended, from libmosquitto's code for it. Its own strings
// (mosquitto_strerror) say "Unknown error." for several codes a broker can
// cause, and an errno of 0 reads "Success".
std::string describe_rc(int rc, int saved_errno) {
  switch (rc) {
    case MOSQ_ERR_ERRNO:
      // packet__read returns this, with errno untouched, when the connection
      // ends inside a packet (read() returned 0); the session clears errno
      // before reading.
      if (saved_errno == 0) return "the broker closed the connection in the middle of a packet";
      return std::strerror(saved_errno);
    case MOSQ_ERR_KEEPALIVE:
      return "the broker did not answer a keepalive ping (PINGREQ) in time";
    case MOSQ_ERR_PROTOCOL:
      return "the broker sent a packet that breaks the MQTT protocol";
    case MOSQ_ERR_MALFORMED_PACKET:
      return "the broker sent a malformed packet";
    case MOSQ_ERR_MALFORMED_UTF8:
      return "the broker sent a topic or string that is not valid UTF-8";
    case MOSQ_ERR_DUPLICATE_PROPERTY:
      return "the broker sent a packet that repeats a property allowed only once";
    case MOSQ_ERR_CONN_LOST:
      return "the connection was closed or reset";
    default:
      break;
  }
  if (rc >= 128) return std::string("the broker closed the connection: ") + mosquitto_reason_string(rc);
  return mosquitto_strerror(rc);
}

// A SOCKS5 exchange (RFC 1928, with RFC 1929's login) as far as the proxy's
// replies go. libmosquitto folds every refusal into three codes, and the
// same code can mean a refused login or a refused destination, so the
// session keeps a copy of the replies (Session::loop_read) and reads them here.
struct Socks5Progress {
  enum Stage { kGreeting, kLogin, kRequest, kDone } stage = kGreeting;
  bool answered = false;  // the proxy answered this stage
  int code = 0;           // its answer: the method chosen, the login status, the reply code
  bool socks5 = true;     // the answers were SOCKS5 ones
};

Socks5Progress read_socks5_replies(std::string_view replies) {
  Socks5Progress progress;
  auto at = [&](std::size_t i) { return static_cast<unsigned char>(replies[i]); };
  std::size_t next = 0;
  auto take = [&](Socks5Progress::Stage stage, unsigned char version) {
    progress.stage = stage;
    progress.answered = replies.size() >= next + 2;
    if (!progress.answered) return false;
    progress.socks5 = at(next) == version;
    progress.code = at(next + 1);
    next += 2;
    return progress.socks5;
  };
  if (!take(Socks5Progress::kGreeting, 5)) return progress;
  if (progress.code == 2) {  // user name and password
    if (!take(Socks5Progress::kLogin, 1) || progress.code != 0) return progress;
  } else if (progress.code != 0) {
    return progress;
  }
  if (!take(Socks5Progress::kRequest, 5) || progress.code != 0) return progress;
  progress.stage = Socks5Progress::kDone;
  return progress;
}

// Nothing came from the proxy: a failure to connect is to it, not to the broker.
std::string describe_silent_proxy(int rc, int saved_errno, const std::string& where) {
  if (rc == MOSQ_ERR_ERRNO && saved_errno == ECONNREFUSED) return where + " refused the connection (is it running?)";
  if (rc == MOSQ_ERR_ERRNO && saved_errno != 0) return "cannot reach " + where + ": " + std::strerror(saved_errno);
  if (rc == MOSQ_ERR_PROXY || rc == MOSQ_ERR_CONN_LOST) {
    return where + " closed the connection without answering (is it a SOCKS5 proxy?)";
  }
  return "";
}

// The proxy's reply to the request to connect to the broker (RFC 1928, 6).
std::string describe_request_refusal(int code) {
  switch (code) {
    case 1:
      return " failed (general SOCKS server failure)";
    case 2:
      return " does not allow connections to this broker (its rules)";
    case 3:
      return " could not reach the broker (network unreachable)";
    case 4:
      return " could not reach the broker (host unreachable)";
    case 5:
      return " could not reach the broker (connection refused)";
    case 6:
      return " could not reach the broker (TTL expired)";
    case 7:
      return " does not support connecting (command not supported)";
    case 8:
      return " does not support the broker's address type";
    default:
      return " refused to connect to the broker (reply " + std::to_string(code) + ")";
  }
}

// What the proxy refused, after "the SOCKS5 proxy host:port".
std::string describe_refusal(const Socks5Progress& progress, bool have_login) {
  switch (progress.stage) {
    case Socks5Progress::kGreeting:
      if (progress.code == 0xFF) {
        return have_login ? " accepts neither no login nor a user name and password"
                          : " wants a login (socks5h://user:password@host)";
      }
      return " wants a login method mqtk does not offer (method " + std::to_string(progress.code) + ")";
    case Socks5Progress::kLogin:
      return " refused the user name or password";
    case Socks5Progress::kRequest:
      return describe_request_refusal(progress.code);
    case Socks5Progress::kDone:
      break;
  }
  return "";
}

// What went wrong with the SOCKS5 proxy, given its replies so far and the
// code the attempt failed with; empty when the proxy is not the one to blame.
std::string describe_proxy_failure(int rc, int saved_errno, const ProxyOptions& proxy, std::string_view replies) {
  std::string where = "the SOCKS5 proxy " + describe_host_port(proxy.host, proxy.port);
  Socks5Progress progress = read_socks5_replies(replies);
  if (progress.stage == Socks5Progress::kDone) return "";
  if (replies.empty()) return describe_silent_proxy(rc, saved_errno, where);
  if (!progress.socks5) return where + " did not answer in SOCKS5 (is it a SOCKS5 proxy?)";
  if (!progress.answered) return where + " closed the connection without answering";
  return where + describe_refusal(progress, proxy.username.has_value());
}

std::string connack_text(const ConnectOptions& options, int result) {
  if (options.protocol_version != kMqtt5) return mosquitto_connack_string(result);
  std::string text = mosquitto_reason_string(result);
  if (result == MQTT_RC_UNSUPPORTED_PROTOCOL_VERSION) {
    text += options.mqtt5_only ? " (this needs an MQTT v5 broker)" : " (try an MQTT v5 broker, or -V mqttv311)";
  }
  return text;
}

const char* c_str_or_null(const std::optional<std::string>& text) { return text ? text->c_str() : nullptr; }

// The numeric addresses of `host`, in the resolver's order of preference.
std::vector<std::string> resolve(const std::string& host, std::string& failure) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* first = nullptr;
  int rc = getaddrinfo(host.c_str(), nullptr, &hints, &first);
  if (rc != 0) {
    failure = gai_strerror(rc);
    return {};
  }
  std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> found(first, freeaddrinfo);
  std::vector<std::string> addresses;
  for (addrinfo* a = found.get(); a; a = a->ai_next) {
    char text[NI_MAXHOST];
    if (getnameinfo(a->ai_addr, a->ai_addrlen, text, sizeof text, nullptr, 0, NI_NUMERICHOST) == 0 &&
        std::find(addresses.begin(), addresses.end(), text) == addresses.end()) {
      addresses.emplace_back(text);
    }
  }
  return addresses;
}

}  // namespace

// libmosquitto calls these C functions; they must never let an exception
// escape, so anything thrown is kept and rethrown once libmosquitto returns.
struct Session::Callbacks {
  template <class F>
  static void guarded(void* obj, F&& body) {
    Session& session = *static_cast<Session*>(obj);
    if (session.pending_error_) return;
    try {
      body(session);
    } catch (...) {
      session.pending_error_ = std::current_exception();
    }
  }

  static void on_connect(mosquitto*, void* obj, int result, int flags, const mosquitto_property* props) {
    guarded(obj, [&](Session& s) {
      if (result != 0) {
        throw Error("connection refused by " + s.options_.describe_server() + ": " + connack_text(s.options_, result),
                    result);
      }
      s.state_ = SessionState::kConnected;
      s.ever_connected_ = true;
      // The socket is read ahead from the packet after the CONNACK on
      // (socket_read_ahead.hpp), not before: a SOCKS5 exchange counts the
      // socket's bytes itself. Closing the socket ends it.
      start_read_ahead(mosquitto_socket(s.mosq_.get()));
      uint32_t maximum = 0;
      mosquitto_property_read_int32(props, MQTT_PROP_MAXIMUM_PACKET_SIZE, &maximum, false);
      s.broker_maximum_packet_size_ = maximum;
      s.set_logging(false);
      s.reconnect_delay_ = std::chrono::milliseconds{0};
      s.reconnect_attempts_ = 0;
      s.events_.on_connected((flags & 1) != 0);
    });
  }

  static void on_disconnect(mosquitto*, void* obj, int rc, const mosquitto_property*) {
    int saved_errno = errno;
    Session& s = *static_cast<Session*>(obj);
    s.disconnect_pending_ = true;
    s.disconnect_reason_ = s.describe_failure(rc, saved_errno);
    s.disconnect_code_ = rc >= 128 ? rc : 0;
  }

  static void on_message(mosquitto*, void* obj, const mosquitto_message* m, const mosquitto_property* props) {
    guarded(obj, [&](Session& s) {
      Message message;
      message.topic = m->topic;
      message.payload = std::string_view(static_cast<const char*>(m->payload), static_cast<std::size_t>(m->payloadlen));
      message.qos = m->qos;
      message.retain = m->retain;
      message.mid = m->mid;
      message.properties = props;
      clock_gettime(CLOCK_REALTIME, &message.received);
      s.events_.on_message(message);
    });
  }

  static void on_publish(mosquitto*, void* obj, int mid, int reason_code, const mosquitto_property*) {
    guarded(obj, [&](Session& s) {
      ++s.publishes_completed_;
      s.events_.on_published(mid, reason_code);
    });
  }

  static void on_subscribe(mosquitto*, void* obj, int mid, int count, const int* granted, const mosquitto_property*) {
    guarded(obj, [&](Session& s) {
      s.events_.on_subscribed(mid, std::span<const int>(granted, static_cast<std::size_t>(count)));
    });
  }

  static void on_unsubscribe(mosquitto*, void* obj, int mid, const mosquitto_property*) {
    guarded(obj, [&](Session& s) { s.events_.on_unsubscribed(mid); });
  }

  static void on_log(mosquitto*, void* obj, int level, const char* line) {
    guarded(obj, [&](Session& s) {
      if (level == MOSQ_LOG_ERR) s.last_library_error_ = line;
      if (s.options_.debug) s.events_.on_log(line);
    });
  }
};

void Session::DestroyClient::operator()(mosquitto* client) const { mosquitto_destroy(client); }

Session::Session(const ConnectOptions& options, SessionEvents& events) : options_(options), events_(events) {
  // libmosquitto sets errno to ENOMEM or EINVAL, but leaves it as it was for
  // a client id that is not UTF-8.
  errno = 0;
  mosq_.reset(
      mosquitto_new(options.client_id.empty() ? nullptr : options.client_id.c_str(), options.clean_session, this));
  if (!mosq_) {
    throw Error(errno == ENOMEM ? "out of memory creating the MQTT client" : "-i: invalid client id");
  }
  configure();
}

void Session::configure() {
  set_protocol();
  set_login();
  set_will();
  set_callbacks();
  set_tls();
  set_proxy();
  set_websocket();
  store_connect_properties();
}

void Session::set_protocol() {
  mosquitto_int_option(mosq_.get(), MOSQ_OPT_PROTOCOL_VERSION, options_.protocol_version);
  // Queue packets instead of writing them from inside libmosquitto calls; see
  // the comment at the top of session.hpp.
  mosquitto_threaded_set(mosq_.get(), true);
  mosquitto_max_inflight_messages_set(mosq_.get(), static_cast<unsigned>(options_.max_inflight));
  if (options_.tcp_nodelay) mosquitto_int_option(mosq_.get(), MOSQ_OPT_TCP_NODELAY, 1);
  if (options_.receive_maximum > 0) {
    mosquitto_int_option(mosq_.get(), MOSQ_OPT_RECEIVE_MAXIMUM, options_.receive_maximum);
  }
}

void Session::set_login() {
  if (!options_.username && !options_.password) return;
  int rc = mosquitto_username_pw_set(mosq_.get(), c_str_or_null(options_.username), c_str_or_null(options_.password));
  if (rc != MOSQ_ERR_SUCCESS) throw Error(std::string("-u/-P: ") + mosquitto_strerror(rc));
}

void Session::set_will() {
  if (!options_.will) return;
  PropertyList will_properties = options_.properties.will;
  const Will& will = *options_.will;
  int rc = mosquitto_will_set_v5(mosq_.get(), will.topic.c_str(), static_cast<int>(will.payload.size()),
                                 will.payload.data(), will.qos, will.retain, *will_properties.out());
  if (rc != MOSQ_ERR_SUCCESS) throw Error(std::string("--will-topic: cannot set the will: ") + mosquitto_strerror(rc));
  will_properties.release();  // libmosquitto owns the list once the will is set
}

void Session::set_callbacks() {
  mosquitto_connect_v5_callback_set(mosq_.get(), Callbacks::on_connect);
  mosquitto_disconnect_v5_callback_set(mosq_.get(), Callbacks::on_disconnect);
  mosquitto_message_v5_callback_set(mosq_.get(), Callbacks::on_message);
  mosquitto_publish_v5_callback_set(mosq_.get(), Callbacks::on_publish);
  mosquitto_subscribe_v5_callback_set(mosq_.get(), Callbacks::on_subscribe);
  mosquitto_unsubscribe_v5_callback_set(mosq_.get(), Callbacks::on_unsubscribe);
}

void Session::set_tls() {
  if (!options_.tls) return;
  // The certificate must be for the host typed (not checked for a unix socket).
  tls_ = std::make_unique<TlsContext>(*options_.tls, options_.unix_socket.empty() ? options_.host : "");
  if (options_.websocket_path) return;  // wss://: the WebSocket bridge speaks TLS, libmosquitto does not
  mosquitto_void_option(mosq_.get(), MOSQ_OPT_SSL_CTX, tls_->get());
  mosquitto_int_option(mosq_.get(), MOSQ_OPT_SSL_CTX_WITH_DEFAULTS, 0);  // used as given, not reconfigured
}

void Session::set_proxy() {
  if (!options_.proxy) return;
  const ProxyOptions& proxy = *options_.proxy;
  int rc = mosquitto_socks5_set(mosq_.get(), proxy.host.c_str(), proxy.port, c_str_or_null(proxy.username),
                                c_str_or_null(proxy.password));
  if (rc != MOSQ_ERR_SUCCESS) throw Error(std::string("--proxy: ") + mosquitto_strerror(rc));
}

// libmosquitto connects to the bridge's unix socket, and each connection
// made there is a fresh WebSocket connection to the broker.
void Session::set_websocket() {
  if (!options_.websocket_path) return;
  WebSocketEndpoint endpoint;
  endpoint.host = options_.host;
  endpoint.port = options_.port;
  endpoint.path = *options_.websocket_path;
  endpoint.tcp_nodelay = options_.tcp_nodelay;
  websocket_ = std::make_unique<WebSocketBridge>(endpoint, tls_.get());
}

// libmosquitto formats a log line for every packet once a log callback is
// set, so one is set only while connecting (to catch TLS errors) or for -d.
void Session::set_logging(bool connecting) {
  mosquitto_log_callback_set(mosq_.get(), connecting || options_.debug ? Callbacks::on_log : nullptr);
}

// The best account of why an attempt failed: a certificate check, an OpenSSL
// error libmosquitto logged, or libmosquitto's own words.
std::string Session::failure_reason(const std::string& fallback) const {
  // Over WebSockets, TLS is the bridge's, and so is the account of it.
  if (websocket_) return fallback;
  if (tls_ && !tls_->verify_failure().empty()) return tls_->verify_failure();
  if (last_library_error_.find("OpenSSL Error") != std::string::npos) {
    return explain_tls_error(last_library_error_, tls_ && tls_->uses_psk());
  }
  // With TLS 1.3 a broker checks the client certificate after the handshake
  // and closes the connection; whether its alert is read before the reset
  // that follows is a race, so the hint does not depend on seeing it.
  if (tls_established_ && state_ == SessionState::kConnecting && !tls_->uses_psk()) {
    return fallback + (tls_->has_client_certificate()
                           ? " (the broker closed the TLS connection before answering; does it accept our client "
                             "certificate?)"
                           : " (the broker closed the TLS connection before answering; does it require a client "
                             "certificate? --cert, --key)");
  }
  return fallback;
}

bool Session::tls_handshaking() const {
  if (!tls_ || state_ != SessionState::kConnecting) return false;
  auto* ssl = static_cast<SSL*>(mosquitto_ssl_get(mosq_.get()));
  return ssl && !SSL_is_init_finished(ssl);
}

// libmosquitto 2.0 takes CONNECT properties only through the blocking
// mosquitto_connect_bind_v5, which keeps a copy that every later connect,
// asynchronous ones included, sends. It stores that copy before it looks at
// the host, so a call with an empty host stores the properties and fails at
// once in getaddrinfo, without any network traffic. The asynchronous connects
// that follow then carry them (tests/integration/test_sub.py checks that
// the broker receives them: test_sub.py, test_v5_session_expiry_reaches_the_broker).
void Session::store_connect_properties() {
  PropertyList connect_properties = options_.properties.connect;
  if (options_.session_expiry_interval) {
    int rc = mosquitto_property_add_int32(connect_properties.out(), MQTT_PROP_SESSION_EXPIRY_INTERVAL,
                                          *options_.session_expiry_interval);
    if (rc != MOSQ_ERR_SUCCESS) throw Error("out of memory adding the session expiry interval");
  }
  if (connect_properties.empty()) return;
  int rc = mosquitto_connect_bind_v5(mosq_.get(), "", 1, options_.keepalive, nullptr, connect_properties.get());
  if (rc != MOSQ_ERR_EAI) {
    throw Error(std::string("-D connect: invalid CONNECT properties: ") + mosquitto_strerror(rc) +
                " (is session-expiry-interval given both with -x and -D?)");
  }
}

Session::~Session() = default;

// Closing a TCP socket while received data is still unread makes the kernel
// reset the connection, and the broker then discards what it had not read
// yet: our last acknowledgements and the DISCONNECT. That happens whenever we
// stop reading early (-C), with messages still on the way. So a duplicate of
// the socket keeps the connection open after libmosquitto closes its
// descriptor, until the broker, having read the DISCONNECT, closes its end.
// What arrives meanwhile is discarded unacknowledged; the broker keeps it.
// When nothing can arrive, disconnect() skips this (close_at_once.hpp).
void Session::drain_closed_connection() {
  if (!closing_fd_.valid()) return;
  shutdown(closing_fd_.get(), SHUT_WR);
  auto deadline = Clock::now() + kCloseWait;
  char discard[16384];
  while (Clock::now() < deadline) {
    pollfd p{closing_fd_.get(), POLLIN, 0};
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (poll(&p, 1, static_cast<int>(std::max<long long>(left, 0))) <= 0) break;
    ssize_t n = read(closing_fd_.get(), discard, sizeof discard);
    if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) break;
  }
  closing_fd_.reset();
}

OpenConnection Session::opener(const ConnectOptions& options) {
  return [&options](SessionEvents& events) { return std::make_unique<Session>(options, events); };
}

void Session::connect() { begin_attempt(); }

void Session::begin_attempt() {
  last_failure_.clear();
  next_address_ = 0;
  set_logging(true);
  if (websocket_) {
    addresses_ = {websocket_->socket_path()};
  } else if (!options_.unix_socket.empty()) {
    addresses_ = {options_.unix_socket};
  } else if (tls_ || options_.proxy) {
    // TLS sends the name (SNI) and a proxy resolves it: hand libmosquitto the
    // name itself, which then connects to its first address.
    addresses_ = {options_.host};
  } else {
    addresses_ = resolve(options_.host, last_failure_);
  }
  try_next_address();
}

void Session::try_next_address() {
  while (next_address_ < addresses_.size()) {
    const std::string& address = addresses_[next_address_++];
    int port = options_.unix_socket.empty() && !websocket_ ? options_.port : 0;  // port 0: a unix socket
    proxy_replies_.clear();
    errno = 0;
    int rc = mosquitto_connect_bind_async(mosq_.get(), address.c_str(), port, options_.keepalive,
                                          options_.bind_address.empty() ? nullptr : options_.bind_address.c_str());
    if (rc == MOSQ_ERR_SUCCESS) {
      state_ = SessionState::kConnecting;
      connect_began_ = Clock::now();
      disconnect_pending_ = false;
      socket_writable_seen_ = false;
      tls_established_ = false;
      last_library_error_.clear();
      if (tls_ && !websocket_) tls_->clear_failure();  // the bridge's thread clears its own
      deadline_ = Clock::now() + std::chrono::seconds(options_.connect_timeout_seconds);
      return;
    }
    last_failure_ = failure_reason(describe_failure(rc, errno));
  }
  connection_failed(last_failure_.empty() ? "no address found" : last_failure_);
}

void Session::connection_failed(const std::string& reason) {
  if (reconnect_.enabled && ever_connected_) {
    if (reconnect_.max_attempts > 0 && reconnect_attempts_ >= reconnect_.max_attempts) {
      state_ = SessionState::kLost;
      throw Error("gave up reconnecting to " + options_.describe_server() + " after " +
                  std::to_string(reconnect_attempts_) + (reconnect_attempts_ == 1 ? " attempt" : " attempts") +
                  " (--reconnect-max): " + reason);
    }
    ++reconnect_attempts_;
    auto longest = std::max(reconnect_.max_delay, reconnect_.first_delay);
    reconnect_delay_ = std::clamp(reconnect_delay_ * 2, reconnect_.first_delay, longest);
    deadline_ = Clock::now() + reconnect_delay_;
    state_ = SessionState::kWaitingToReconnect;
    return;
  }
  state_ = SessionState::kLost;
  throw Error("cannot connect to " + options_.describe_server() + ": " + reason);
}

// Acts on a disconnect reported by libmosquitto, outside its callback.
void Session::settle_disconnect() {
  if (!disconnect_pending_) return;
  disconnect_pending_ = false;
  switch (state_) {
    case SessionState::kDisconnecting:
      state_ = SessionState::kClosed;
      drain_closed_connection();
      break;
    case SessionState::kConnecting:
      last_failure_ = failure_reason(disconnect_reason_);
      try_next_address();
      break;
    case SessionState::kConnected:
      events_.on_connection_lost(disconnect_reason_, disconnect_code_);
      if (reconnect_.enabled) {
        connection_failed(disconnect_reason_);
      } else {
        state_ = SessionState::kLost;
      }
      break;
    default:
      break;
  }
}

bool Session::wants_write() const { return mosquitto_want_write(mosq_.get()); }

int Session::poll_timeout(int requested_ms) const {
  int timeout = requested_ms < 0 ? kHousekeepingMs : std::min(requested_ms, kHousekeepingMs);
  if (state_ == SessionState::kConnecting || state_ == SessionState::kWaitingToReconnect) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - Clock::now()).count();
    timeout = static_cast<int>(std::clamp<long long>(left, 0, timeout));
  }
  return timeout;
}

void Session::run_once(int timeout_ms, std::span<pollfd> watched) {
  pause_between_bursts();
  SocketInterest socket = socket_interest();
  short ready = wait(socket, timeout_ms, watched);
  if (socket.handshaking && ready != 0) {
    continue_tls_handshake(ready);
  } else if (socket.reading && (ready & (POLLIN | POLLERR | POLLHUP))) {
    read_dry_last_turn_ = read_burst();
  }
  settle_disconnect();
  // Before anything read in this turn is acknowledged; see session.hpp.
  events_.before_write();
  write_queued();
  settle_disconnect();
  check_deadlines();
}

// See set_read_batching.
void Session::pause_between_bursts() {
  // Acknowledgements in flight mean the broker waits for us: never pause then.
  if (read_dry_last_turn_ && !wrote_last_turn_ && read_batching_.count() > 0 && !wants_write()) {
    timespec pause{0, static_cast<long>(std::chrono::nanoseconds(read_batching_).count())};
    nanosleep(&pause, nullptr);
  }
  read_dry_last_turn_ = false;
  wrote_last_turn_ = false;
}

// What this turn waits for on the broker's socket.
Session::SocketInterest Session::socket_interest() const {
  SocketInterest socket;
  socket.handshaking = tls_handshaking();
  socket.reading = !reading_stopped_ && !reading_paused_;
  int fd = mosquitto_socket(mosq_.get());
  if (fd < 0 || !(socket.reading || wants_write() || socket.handshaking)) return socket;
  socket.fd = fd;
  if (socket.handshaking) {
    // libmosquitto drives a TLS handshake from its read path; wait for
    // writability only until the TCP connection is up or OpenSSL asks.
    auto* ssl = static_cast<SSL*>(mosquitto_ssl_get(mosq_.get()));
    socket.events = POLLIN;
    if (!socket_writable_seen_ || SSL_want_write(ssl)) socket.events |= POLLOUT;
  } else {
    if (socket.reading) socket.events |= POLLIN;
    if (wants_write()) socket.events |= POLLOUT;
  }
  return socket;
}

// Polls the socket (when it is watched) and `watched` together, filling in
// the revents of `watched`; returns the socket's.
short Session::wait(const SocketInterest& socket, int timeout_ms, std::span<pollfd> watched) const {
  constexpr std::size_t kMaxWatched = 8;
  std::array<pollfd, kMaxWatched + 1> fds{};
  std::size_t count = 0;
  if (socket.fd >= 0) fds[count++] = pollfd{socket.fd, socket.events, 0};
  std::size_t first_watched = count;
  std::size_t watched_count = std::min(watched.size(), kMaxWatched);
  for (std::size_t i = 0; i < watched_count; ++i) fds[count++] = watched[i];

  // Bytes held on this side of the socket are there to read whatever the kernel says.
  bool held = socket.fd >= 0 && (socket.events & POLLIN) && bytes_held(socket.fd);
  int ready = poll(fds.data(), count, held ? 0 : poll_timeout(timeout_ms));
  if (ready < 0 && errno != EINTR) throw Error(std::string("poll: ") + std::strerror(errno));
  for (std::size_t i = 0; i < watched_count; ++i) watched[i].revents = ready > 0 ? fds[first_watched + i].revents : 0;
  short revents = ready > 0 && socket.fd >= 0 ? fds[0].revents : 0;
  return held ? static_cast<short>(revents | POLLIN) : revents;
}

void Session::continue_tls_handshake(short revents) {
  if (revents & POLLOUT) socket_writable_seen_ = true;
  errno = 0;
  int rc = mosquitto_loop_read(mosq_.get(), 1);
  int saved_errno = errno;
  auto* ssl = static_cast<SSL*>(mosquitto_ssl_get(mosq_.get()));
  if (ssl && SSL_is_init_finished(ssl)) tls_established_ = true;
  rethrow_pending();
  // A failed handshake closes the socket and returns an error without
  // calling the disconnect callback (libmosquitto's own loop then finds the
  // socket gone): the attempt has failed, and waiting on would only reach
  // the connect deadline. The handshake fails here or inside
  // mosquitto_connect_bind_async, depending on how fast the broker answers.
  if (rc != MOSQ_ERR_SUCCESS && mosquitto_socket(mosq_.get()) < 0 && !disconnect_pending_) {
    disconnect_pending_ = true;
    disconnect_reason_ = describe_failure(rc, saved_errno);
    disconnect_code_ = 0;
    return;
  }
  // A connection refused or reset before the handshake ended: OpenSSL's
  // write fails, and libmosquitto takes that for "try again" (it returns
  // success and keeps the socket), so each turn would find the dead socket
  // ready and try again until the connect deadline, at full CPU. One that
  // took our ClientHello and was then closed is a broker that does not
  // speak TLS there; one that took nothing was refused (the refusal's own
  // error went to the write inside libmosquitto's connect).
  int sock = mosquitto_socket(mosq_.get());
  if (sock >= 0 && (revents & (POLLHUP | POLLERR)) && !tls_established_ && !disconnect_pending_) {
    int error = 0;
    socklen_t length = sizeof error;
    if (getsockopt(sock, SOL_SOCKET, SO_ERROR, &error, &length) != 0 || error == 0) error = saved_errno;
    bool hello_sent = ssl && BIO_number_written(SSL_get_wbio(ssl)) > 0;
    disconnect_pending_ = true;
    if (hello_sent) {
      disconnect_reason_ = "TLS handshake failed (the broker closed the connection); does this port speak TLS?";
    } else {
      disconnect_reason_ =
          std::strerror(error == ETIMEDOUT || error == EHOSTUNREACH || error == ENETUNREACH ? error : ECONNREFUSED);
    }
    disconnect_code_ = 0;
  }
}

// Reads until the socket runs dry, the turn's share is read, or the events
// want no more for now; true when it ran dry (only then is waiting for more
// worth it: otherwise data is already waiting).
bool Session::read_burst() {
  for (int i = 0; i < kMaxPacketsPerTurn && !reading_stopped_ && events_.read_more(); ++i) {
    int rc = loop_read();
    rethrow_pending();
    if (rc != MOSQ_ERR_SUCCESS || mosquitto_socket(mosq_.get()) < 0) return false;
    // libmosquitto reports "no more data for now" only through errno, as its
    // own loop does. But it also leaves EAGAIN there when it queues an
    // acknowledgement and cannot nudge its wake-up pipe, full because only
    // its own loop reads it: at QoS 1 a burst ended after every message,
    // and a recorder synced its file for each. The socket tells for sure.
    if ((errno == EAGAIN || errno == EWOULDBLOCK) && !socket_readable()) return true;
  }
  return false;
}

bool Session::socket_readable() const {
  pollfd socket{mosquitto_socket(mosq_.get()), POLLIN, 0};
  if (bytes_held(socket.fd)) return true;
  return poll(&socket, 1, 0) > 0 && (socket.revents & POLLIN);
}

// Bytes taken from the socket that libmosquitto has not read yet: read
// ahead (socket_read_ahead), or left in a TLS record that OpenSSL has
// decrypted whole. A broker that packs many packets into one record (not
// mosquitto, which sends a record a packet) leaves the rest of the burst
// there while the socket itself is dry.
bool Session::bytes_held(int fd) const {
  if (read_ahead_buffered(fd) > 0) return true;
  auto* ssl = static_cast<SSL*>(mosquitto_ssl_get(mosq_.get()));
  return ssl != nullptr && SSL_pending(ssl) > 0;
}

// One mosquitto_loop_read, keeping a copy of what a SOCKS5 proxy answers
// for describe_proxy_failure: the bytes libmosquitto is about to read are
// peeked at and kept, less those it left unread. They are kept before the
// read because a refusal is reported from inside it (the disconnect
// callback). The proxy sends nothing unasked, so nothing arrives meanwhile.
int Session::loop_read() {
  bool in_proxy_exchange = options_.proxy && state_ == SessionState::kConnecting &&
                           read_socks5_replies(proxy_replies_).stage != Socks5Progress::kDone;
  if (!in_proxy_exchange) {
    errno = 0;
    return mosquitto_loop_read(mosq_.get(), 1);
  }
  int sock = mosquitto_socket(mosq_.get());
  char peeked[512];  // SOCKS5 replies are at most 262 bytes
  // Peeking only at data: a recv on a socket without any would take its
  // pending error (a refused connection) from libmosquitto's read.
  int available_before = 0;
  ssize_t count = 0;
  if (ioctl(sock, FIONREAD, &available_before) == 0 && available_before > 0) {
    count = std::max<ssize_t>(recv(sock, peeked, sizeof peeked, MSG_PEEK | MSG_DONTWAIT), 0);
  }
  proxy_replies_.append(peeked, static_cast<std::size_t>(count));
  errno = 0;
  int rc = mosquitto_loop_read(mosq_.get(), 1);
  int saved_errno = errno;
  int available_after = 0;
  if (count > 0 && mosquitto_socket(mosq_.get()) == sock && ioctl(sock, FIONREAD, &available_after) == 0) {
    auto consumed = std::clamp<long>(available_before - available_after, 0, count);
    proxy_replies_.resize(proxy_replies_.size() - static_cast<std::size_t>(count - consumed));
  }
  errno = saved_errno;  // read_burst looks at it
  return rc;
}

// Why an attempt or a connection failed, from libmosquitto's code, blaming
// the SOCKS5 proxy when its exchange was still under way.
std::string Session::describe_failure(int rc, int saved_errno) const {
  if (websocket_) {
    std::string why = websocket_->failure();
    if (!why.empty()) return why;
  }
  if (options_.proxy && state_ == SessionState::kConnecting) {
    std::string proxy_failure = describe_proxy_failure(rc, saved_errno, *options_.proxy, proxy_replies_);
    if (!proxy_failure.empty()) return proxy_failure;
  }
  return describe_rc(rc, saved_errno);
}

// Keeps the connection alive (PINGREQ) and writes what is queued.
void Session::write_queued() {
  if (mosquitto_socket(mosq_.get()) < 0) return;
  mosquitto_loop_misc(mosq_.get());
  if (!mosquitto_want_write(mosq_.get())) return;
  wrote_last_turn_ = true;
  mosquitto_loop_write(mosq_.get(), 1);  // writes every queued packet the socket takes
  rethrow_pending();
}

void Session::check_deadlines() {
  auto now = Clock::now();
  if (state_ == SessionState::kConnecting && now >= deadline_) {
    std::string silent = "no answer within " + std::to_string(options_.connect_timeout_seconds) + " s";
    if (options_.proxy && read_socks5_replies(proxy_replies_).stage != Socks5Progress::kDone) {
      silent = "the SOCKS5 proxy " + describe_host_port(options_.proxy->host, options_.proxy->port) + " gave " + silent;
    }
    last_failure_ = failure_reason(silent);
    try_next_address();
  } else if (state_ == SessionState::kWaitingToReconnect && now >= deadline_) {
    begin_attempt();
  }
}

void Session::rethrow_pending() {
  if (pending_error_) std::rethrow_exception(std::exchange(pending_error_, nullptr));
}

namespace {

void check_publish_rc(int rc) {
  switch (rc) {
    case MOSQ_ERR_SUCCESS:
    case MOSQ_ERR_NO_CONN:  // queued (QoS 1/2) and sent once connected
      return;
    case MOSQ_ERR_PAYLOAD_SIZE:
      throw Error("the message is larger than MQTT allows (268,435,455 bytes)");
    case MOSQ_ERR_OVERSIZE_PACKET:
      throw Error("the message is larger than the broker's maximum packet size");
    case MOSQ_ERR_QOS_NOT_SUPPORTED:
      throw Error("the broker does not support this QoS; try a lower -q");
    default:
      throw Error(std::string("cannot publish: ") + mosquitto_strerror(rc));
  }
}

std::size_t varint_size(std::size_t value) {
  std::size_t size = 1;
  for (; value >= 128; value /= 128) ++size;
  return size;
}

// The bytes an MQTT v5 property list takes in a packet (MQTT v5, 2.2.2.2).
std::size_t encoded_size(const mosquitto_property* properties) {
  std::size_t size = 0;
  for (const mosquitto_property* p = properties; p; p = mosquitto_property_next(p)) {
    int identifier = mosquitto_property_identifier(p);
    size += varint_size(static_cast<std::size_t>(identifier));
    switch (identifier) {
      case MQTT_PROP_MESSAGE_EXPIRY_INTERVAL:
      case MQTT_PROP_SESSION_EXPIRY_INTERVAL:
      case MQTT_PROP_WILL_DELAY_INTERVAL:
      case MQTT_PROP_MAXIMUM_PACKET_SIZE:
        size += 4;
        break;
      case MQTT_PROP_SERVER_KEEP_ALIVE:
      case MQTT_PROP_RECEIVE_MAXIMUM:
      case MQTT_PROP_TOPIC_ALIAS_MAXIMUM:
      case MQTT_PROP_TOPIC_ALIAS:
        size += 2;
        break;
      case MQTT_PROP_SUBSCRIPTION_IDENTIFIER: {
        uint32_t value = 0;
        mosquitto_property_read_varint(p, identifier, &value, false);
        size += varint_size(value);
        break;
      }
      case MQTT_PROP_CORRELATION_DATA:
      case MQTT_PROP_AUTHENTICATION_DATA:
        size += 2 + read_binary_property(p, identifier)->view().size();
        break;
      case MQTT_PROP_USER_PROPERTY: {
        auto pair = read_user_property(p);
        size += 4 + pair->first.view().size() + pair->second.view().size();
        break;
      }
      case MQTT_PROP_CONTENT_TYPE:
      case MQTT_PROP_RESPONSE_TOPIC:
      case MQTT_PROP_ASSIGNED_CLIENT_IDENTIFIER:
      case MQTT_PROP_AUTHENTICATION_METHOD:
      case MQTT_PROP_RESPONSE_INFORMATION:
      case MQTT_PROP_SERVER_REFERENCE:
      case MQTT_PROP_REASON_STRING:
        size += 2 + read_string_property(p, identifier)->view().size();
        break;
      default:  // the one-byte properties
        size += 1;
        break;
    }
  }
  return size;
}

}  // namespace

// libmosquitto 2.0.11 checks a publish against the broker's Maximum Packet
// Size with a count one byte short at QoS 1 and 2 (more with 128 bytes of
// properties or over), and when the code that sends the packet then finds it
// too large, it aborts (an assertion in its logging). So the size is checked
// here first, counted as MQTT v5 does (3.1.2.11.4: the whole packet), which
// is never less than either of libmosquitto's counts.
void Session::check_packet_size(std::size_t topic_size, std::size_t payload_size, int qos,
                                const mosquitto_property* properties) const {
  if (broker_maximum_packet_size_ == 0 || options_.protocol_version != kMqtt5) return;
  std::size_t property_size = encoded_size(properties);
  std::size_t remaining =
      2 + topic_size + (qos > 0 ? 2 : 0) + varint_size(property_size) + property_size + payload_size;
  if (1 + varint_size(remaining) + remaining > broker_maximum_packet_size_) {
    check_publish_rc(MOSQ_ERR_OVERSIZE_PACKET);
  }
}

int Session::publish(std::string_view topic, std::string_view payload, int qos, bool retain,
                     const mosquitto_property* properties) {
  check_packet_size(topic.size(), payload.size(), qos, properties);
  std::string topic_text(topic);
  int mid = 0;
  check_publish_rc(mosquitto_publish_v5(mosq_.get(), &mid, topic_text.c_str(), static_cast<int>(payload.size()),
                                        payload.data(), qos, retain, properties));
  ++publishes_;
  return mid;
}

int Session::publish_to_alias(std::string_view payload, int qos, bool retain, const mosquitto_property* properties) {
  check_packet_size(0, payload.size(), qos, properties);
  int mid = 0;
  check_publish_rc(mosquitto_publish_v5(mosq_.get(), &mid, nullptr, static_cast<int>(payload.size()), payload.data(),
                                        qos, retain, properties));
  ++publishes_;
  return mid;
}

int Session::subscribe(const std::vector<std::string>& filters, int qos, int options,
                       const mosquitto_property* properties) {
  std::vector<char*> pointers;
  for (const std::string& filter : filters) pointers.push_back(const_cast<char*>(filter.c_str()));
  subscribed_ = true;
  int mid = 0;
  int rc = mosquitto_subscribe_multiple(mosq_.get(), &mid, static_cast<int>(pointers.size()), pointers.data(), qos,
                                        options, properties);
  if (rc != MOSQ_ERR_SUCCESS && rc != MOSQ_ERR_NO_CONN) {
    throw Error(std::string("cannot subscribe: ") + mosquitto_strerror(rc));
  }
  return mid;
}

int Session::unsubscribe(const std::string& filter, const mosquitto_property* properties) {
  subscribed_ = true;  // an UNSUBACK is due, and messages may come until it
  int mid = 0;
  int rc = mosquitto_unsubscribe_v5(mosq_.get(), &mid, filter.c_str(), properties);
  if (rc != MOSQ_ERR_SUCCESS && rc != MOSQ_ERR_NO_CONN) {
    throw Error(std::string("cannot unsubscribe: ") + mosquitto_strerror(rc));
  }
  return mid;
}

void Session::disconnect(int reason_code) {
  if (state_ != SessionState::kConnected) {
    state_ = SessionState::kClosed;
    return;
  }
  state_ = SessionState::kDisconnecting;
  ConnectionActivity activity;
  activity.subscribed = subscribed_;
  activity.replies_awaited = publishes_completed_ < publishes_;
  activity.layered = tls_ != nullptr || websocket_ != nullptr;
  activity.since_connect_began = Clock::now() - connect_began_;
  activity.keepalive_seconds = options_.keepalive;
  if (!can_close_at_once(activity)) closing_fd_.reset(dup(mosquitto_socket(mosq_.get())));
  int rc = mosquitto_disconnect_v5(mosq_.get(), options_.protocol_version == kMqtt5 ? reason_code : 0,
                                   options_.properties.disconnect.get());
  if (rc != MOSQ_ERR_SUCCESS) state_ = SessionState::kClosed;
}

}  // namespace mqtk
