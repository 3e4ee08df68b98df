// The OpenSSL context a TLS connection uses, built from the TLS flags and
// handed to libmosquitto (MOSQ_OPT_SSL_CTX). Building it ourselves lets the
// peer's name be checked by OpenSSL against the host the user typed, and a
// failed check be reported with its reason.
#pragma once

#include <memory>
#include <string>

#include "mqtk/base/fd.hpp"

typedef struct ssl_ctx_st SSL_CTX;
typedef struct ssl_st SSL;
typedef struct x509_store_ctx_st X509_STORE_CTX;

namespace mqtk {

struct TlsOptions {
  std::string cafile;
  std::string capath;
  std::string certfile;
  std::string keyfile;
  std::string keyform;  // "pem" or "engine"
  std::string ciphers;
  std::string version;  // "tlsv1.3", "tlsv1.2" or "tlsv1.1"
  std::string alpn;
  std::string engine;
  std::string engine_kpass_sha1;
  bool insecure = false;      // do not check the certificate's name
  bool use_os_certs = false;  // trust the system's CA certificates
  std::string psk;            // hexadecimal pre-shared key; PSK mode when set
  std::string psk_identity;
  std::string keylog;  // append the session keys here (NSS key log format)
};

class TlsContext {
 public:
  // `server_name` is the host the certificate must be for; empty to skip the
  // check (a unix socket). Throws Error naming the flag whose file or value
  // OpenSSL refused.
  TlsContext(const TlsOptions& options, const std::string& server_name);
  // Not moved either: OpenSSL's callbacks find the context by its address.
  TlsContext(const TlsContext&) = delete;
  TlsContext& operator=(const TlsContext&) = delete;

  SSL_CTX* get() const { return ctx_.get(); }

  // Why the last certificate check failed, for the user; empty if none did.
  const std::string& verify_failure() const { return verify_failure_; }
  void clear_failure() { verify_failure_.clear(); }
  bool uses_psk() const { return !psk_.empty(); }
  bool has_client_certificate() const { return has_client_certificate_; }

 private:
  void configure(const TlsOptions& options);
  static int on_verify(int ok, X509_STORE_CTX* store);
  static void on_keylog(const SSL* ssl, const char* line);
  static unsigned int on_psk(SSL* ssl, const char* hint, char* identity, unsigned int max_identity, unsigned char* psk,
                             unsigned int max_psk);

  struct FreeSslContext {
    void operator()(SSL_CTX* ctx) const;
  };
  std::unique_ptr<SSL_CTX, FreeSslContext> ctx_;
  std::string server_name_;
  std::string psk_identity_;
  std::string psk_;  // the key's bytes
  std::string verify_failure_;
  bool has_client_certificate_ = false;
  Fd keylog_;  // --tls-keylog
};

// The last OpenSSL reason in a libmosquitto error line, in words a user
// understands where we know better ("the broker requires a client
// certificate (--cert, --key)"), else OpenSSL's own. `psk`: PSK mode.
std::string explain_tls_error(const std::string& openssl_line, bool psk);

}  // namespace mqtk
