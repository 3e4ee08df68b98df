#include "mqtk/mqtt/tls_context.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <initializer_list>

#include <openssl/engine.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "mqtk/base/error.hpp"

namespace mqtk {
namespace {

std::string openssl_reason() {
  unsigned long code = ERR_get_error();
  ERR_clear_error();
  const char* reason = code ? ERR_reason_error_string(code) : nullptr;
  return reason ? reason : "unknown OpenSSL error";
}

[[noreturn]] void fail(const std::string& flag, const std::string& problem) {
  throw Error(flag + ": " + problem + " (" + openssl_reason() + ")");
}

std::string describe_verify_error(int error, const std::string& server_name) {
  switch (error) {
    case X509_V_ERR_CERT_HAS_EXPIRED:
      return "the broker's certificate has expired";
    case X509_V_ERR_CERT_NOT_YET_VALID:
      return "the broker's certificate is not valid yet";
    case X509_V_ERR_HOSTNAME_MISMATCH:
    case X509_V_ERR_IP_ADDRESS_MISMATCH:
      return "the broker's certificate is not for " + server_name + " (use the name it was issued for, or --insecure)";
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
      return std::string("the broker's certificate is not signed by a trusted CA (") +
             X509_verify_cert_error_string(error) + "); check --cafile or --capath";
    default:
      return std::string("the broker's certificate was rejected: ") + X509_verify_cert_error_string(error);
  }
}

bool is_ip_literal(const std::string& host) {
  unsigned char address[16];
  return inet_pton(AF_INET, host.c_str(), address) == 1 || inet_pton(AF_INET6, host.c_str(), address) == 1;
}

std::string hex_to_bytes(const std::string& hex) {
  if (hex.empty() || hex.size() % 2 != 0) throw Error("--psk: the key must be an even number of hexadecimal digits");
  std::string bytes;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    auto digit = [&](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      throw Error("--psk: the key must be hexadecimal digits (no leading 0x)");
    };
    bytes.push_back(static_cast<char>(digit(hex[i]) * 16 + digit(hex[i + 1])));
  }
  return bytes;
}

// The oldest TLS version to accept, the ciphers and the ALPN protocol.
void choose_protocol(SSL_CTX* ctx, const TlsOptions& options) {
  int minimum = TLS1_2_VERSION;  // libmosquitto's default
  if (options.version == "tlsv1.3") minimum = TLS1_3_VERSION;
  if (options.version == "tlsv1.1") minimum = TLS1_1_VERSION;
  SSL_CTX_set_min_proto_version(ctx, minimum);
  if (!options.ciphers.empty() && SSL_CTX_set_cipher_list(ctx, options.ciphers.c_str()) != 1) {
    fail("--ciphers", "no usable cipher in '" + options.ciphers + "'");
  }
  if (!options.alpn.empty()) {
    if (options.alpn.size() > 255) throw Error("--tls-alpn: the protocol name is longer than 255 bytes");
    std::string wire(1, static_cast<char>(options.alpn.size()));
    wire += options.alpn;
    SSL_CTX_set_alpn_protos(ctx, reinterpret_cast<const unsigned char*>(wire.data()),
                            static_cast<unsigned>(wire.size()));
  }
}

// The CAs to trust, and our own certificate and key (unless an engine holds the key).
void load_certificates(SSL_CTX* ctx, const TlsOptions& options) {
  if (options.use_os_certs && SSL_CTX_set_default_verify_paths(ctx) != 1) {
    fail("--tls-use-os-certs", "cannot load the system's CA certificates");
  }
  if (!options.cafile.empty() && SSL_CTX_load_verify_locations(ctx, options.cafile.c_str(), nullptr) != 1) {
    fail("--cafile", "cannot load CA certificates from '" + options.cafile + "'");
  }
  if (!options.capath.empty() && SSL_CTX_load_verify_locations(ctx, nullptr, options.capath.c_str()) != 1) {
    fail("--capath", "cannot use CA directory '" + options.capath + "'");
  }
  if (!options.certfile.empty() && SSL_CTX_use_certificate_chain_file(ctx, options.certfile.c_str()) != 1) {
    fail("--cert", "cannot load certificate '" + options.certfile + "'");
  }
  if (!options.keyfile.empty() && options.keyform != "engine") {
    if (SSL_CTX_use_PrivateKey_file(ctx, options.keyfile.c_str(), SSL_FILETYPE_PEM) != 1) {
      fail("--key", "cannot load private key '" + options.keyfile + "'");
    }
    if (SSL_CTX_check_private_key(ctx) != 1) fail("--key", "the key does not belong to --cert");
  }
}

// OpenSSL engines are deprecated in OpenSSL 3, but they are what
// mosquitto's --tls-engine options mean.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

// An engine holds two counts: ENGINE_by_id takes a reference to the object
// (given back with ENGINE_free), ENGINE_init one to the working engine
// (ENGINE_finish). Each has its owner; declared in that order, they are
// given back in the reverse one, as OpenSSL wants.
struct FreeEngine {
  void operator()(ENGINE* engine) const { ENGINE_free(engine); }
};
struct FinishEngine {
  void operator()(ENGINE* engine) const { ENGINE_finish(engine); }
};
struct FreeKey {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};

void use_engine(SSL_CTX* ctx, const TlsOptions& options) {
  std::unique_ptr<ENGINE, FreeEngine> engine(ENGINE_by_id(options.engine.c_str()));
  if (!engine) fail("--tls-engine", "cannot load engine '" + options.engine + "'");
  if (!ENGINE_init(engine.get())) fail("--tls-engine", "cannot initialise engine '" + options.engine + "'");
  std::unique_ptr<ENGINE, FinishEngine> initialised(engine.get());
  ENGINE_set_default(engine.get(), ENGINE_METHOD_ALL);
  if (options.keyform != "engine") return;
  if (!options.engine_kpass_sha1.empty()) {
    // The commands libmosquitto uses to hand the engine the key's password hash.
    constexpr long kSecretModeSha = 0x80;
    if (!ENGINE_ctrl_cmd(engine.get(), "SECRET_MODE", kSecretModeSha, nullptr, nullptr, 0) ||
        !ENGINE_ctrl_cmd(engine.get(), "PIN", 0, const_cast<char*>(options.engine_kpass_sha1.c_str()), nullptr, 0)) {
      fail("--tls-engine-kpass-sha1", "the engine did not take the key password");
    }
  }
  std::unique_ptr<EVP_PKEY, FreeKey> key(
      ENGINE_load_private_key(engine.get(), options.keyfile.c_str(), nullptr, nullptr));
  if (!key || SSL_CTX_use_PrivateKey(ctx, key.get()) != 1) {
    fail("--key", "the engine cannot load key '" + options.keyfile + "'");
  }
}
#pragma GCC diagnostic pop

// The key log (--tls-keylog): the keys that decrypt the connection, so made
// private (0600) and, when it exists already, refused unless it is.
Fd open_key_log(const std::string& path) {
  Fd fd(open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0600));
  if (!fd.valid()) throw Error("--tls-keylog: cannot open '" + path + "': " + std::strerror(errno));
  struct stat info {};
  if (fstat(fd.get(), &info) != 0) throw Error("--tls-keylog: cannot read '" + path + "': " + std::strerror(errno));
  if (S_ISREG(info.st_mode) && (info.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(info.st_mode & 07777));
    throw Error("--tls-keylog: other users can open '" + path + "' (mode " + mode +
                "), and its keys decrypt the connection; run chmod 600 " + path);
  }
  return fd;
}

}  // namespace

void TlsContext::FreeSslContext::operator()(SSL_CTX* ctx) const { SSL_CTX_free(ctx); }

TlsContext::TlsContext(const TlsOptions& options, const std::string& server_name) : server_name_(server_name) {
  ERR_clear_error();
  ctx_.reset(SSL_CTX_new(TLS_client_method()));
  if (!ctx_) fail("TLS", "cannot create a TLS context");
  configure(options);
}

void TlsContext::configure(const TlsOptions& options) {
  SSL_CTX* ctx = ctx_.get();
  SSL_CTX_set_app_data(ctx, this);
  SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION);
  choose_protocol(ctx, options);
  if (!options.engine.empty()) use_engine(ctx, options);
  if (!options.keylog.empty()) {
    keylog_ = open_key_log(options.keylog);
    SSL_CTX_set_keylog_callback(ctx, &TlsContext::on_keylog);
  }

  if (!options.psk.empty()) {
    psk_ = hex_to_bytes(options.psk);
    psk_identity_ = options.psk_identity;
    SSL_CTX_set_psk_client_callback(ctx, &TlsContext::on_psk);
    return;  // no certificates in PSK mode
  }

  load_certificates(ctx, options);
  has_client_certificate_ = !options.certfile.empty();
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, &TlsContext::on_verify);
  if (!options.insecure && !server_name_.empty()) {
    X509_VERIFY_PARAM* param = SSL_CTX_get0_param(ctx);
    int ok = is_ip_literal(server_name_) ? X509_VERIFY_PARAM_set1_ip_asc(param, server_name_.c_str())
                                         : X509_VERIFY_PARAM_set1_host(param, server_name_.c_str(), 0);
    if (ok != 1) fail("-h", "cannot check certificates for '" + server_name_ + "'");
  }
}

int TlsContext::on_verify(int ok, X509_STORE_CTX* store) {
  if (!ok) {
    auto* ssl = static_cast<SSL*>(X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
    auto* self = static_cast<TlsContext*>(SSL_CTX_get_app_data(SSL_get_SSL_CTX(ssl)));
    if (self && self->verify_failure_.empty()) {
      self->verify_failure_ = describe_verify_error(X509_STORE_CTX_get_error(store), self->server_name_);
    }
  }
  return ok;
}

void TlsContext::on_keylog(const SSL* ssl, const char* line) {
  auto* self = static_cast<TlsContext*>(SSL_CTX_get_app_data(SSL_get_SSL_CTX(ssl)));
  if (!self || !self->keylog_.valid()) return;
  std::string entry = std::string(line) + "\n";
  // One write of a whole line with O_APPEND: lines of several runs sharing
  // the file do not interleave. A failure costs a debugging aid, not the
  // connection, as in mosquitto's clients.
  [[maybe_unused]] ssize_t written = write(self->keylog_.get(), entry.data(), entry.size());
}

unsigned int TlsContext::on_psk(SSL* ssl, const char*, char* identity, unsigned int max_identity, unsigned char* psk,
                                unsigned int max_psk) {
  auto* self = static_cast<TlsContext*>(SSL_CTX_get_app_data(SSL_get_SSL_CTX(ssl)));
  if (!self || self->psk_identity_.size() + 1 > max_identity || self->psk_.size() > max_psk) return 0;
  std::memcpy(identity, self->psk_identity_.c_str(), self->psk_identity_.size() + 1);
  std::memcpy(psk, self->psk_.data(), self->psk_.size());
  return static_cast<unsigned int>(self->psk_.size());
}

std::string explain_tls_error(const std::string& line, bool psk) {
  std::size_t at = line.rfind(':');
  std::string reason = at == std::string::npos ? line : line.substr(at + 1);
  auto mentions = [&](std::initializer_list<const char*> words) {
    for (const char* word : words) {
      if (reason.find(word) != std::string::npos) return true;
    }
    return false;
  };
  if (mentions({"certificate required"})) return "the broker requires a client certificate (--cert, --key)";
  if (psk && mentions({"decrypt error", "bad record mac", "illegal parameter", "handshake failure", "unknown psk"})) {
    return "TLS handshake failed (" + reason + "); is the PSK key or identity wrong?";
  }
  if (mentions({"unknown ca", "bad certificate", "certificate unknown"})) {
    return "the broker does not accept our client certificate (" + reason + ")";
  }
  if (mentions({"wrong version number", "unexpected eof", "packet length too long", "record layer failure"})) {
    return "TLS handshake failed (" + reason + "); does this port speak TLS?";
  }
  return "TLS handshake failed (" + reason + ")";
}

}  // namespace mqtk
