#include "mqtk/mqtt/tls_context.hpp"

#include <sys/stat.h>

#include <fstream>
#include <string>

#include <doctest/doctest.h>

#include "mqtk/base/error.hpp"
#include "temp_dir.hpp"

// Each refusal is thrown from the constructor after the OpenSSL context (and
// an engine, for the engine flags) was taken: the sanitizer build's leak
// check sees what such a throw would leave behind.
TEST_SUITE("tls context") {
  TEST_CASE("a context for PSK holds an OpenSSL context") {
    mqtk::TlsOptions options;
    options.psk = "0a1B";
    options.psk_identity = "me";
    mqtk::TlsContext context(options, "localhost");
    CHECK(context.get() != nullptr);
    CHECK(context.uses_psk());
    CHECK_FALSE(context.has_client_certificate());
  }

  TEST_CASE("the key log is made private, and refused when others can open it") {
    test_support::TempDir dir;
    mqtk::TlsOptions options;
    options.psk = "0a1B";
    options.psk_identity = "me";
    options.keylog = dir.directory + "/keys.log";
    { mqtk::TlsContext context(options, "localhost"); }
    struct stat info {};
    REQUIRE(stat(options.keylog.c_str(), &info) == 0);
    CHECK((info.st_mode & 07777) == 0600);
    REQUIRE(chmod(options.keylog.c_str(), 0640) == 0);
    std::string refused = "--tls-keylog: other users can open '" + options.keylog + "' (mode 0640)";
    CHECK_THROWS_WITH_AS(mqtk::TlsContext(options, "localhost"), doctest::Contains(refused.c_str()), mqtk::Error);
    options.keylog = dir.directory + "/missing/keys.log";
    CHECK_THROWS_WITH_AS(mqtk::TlsContext(options, "localhost"), doctest::Contains("--tls-keylog: cannot open"),
                         mqtk::Error);
  }

  TEST_CASE("a file OpenSSL refuses is named with its flag") {
    test_support::TempDir dir;
    std::string garbage = dir.directory + "/garbage.pem";
    std::ofstream(garbage) << "not a certificate\n";
    mqtk::TlsOptions options;
    options.cafile = dir.directory + "/missing.crt";
    std::string cafile_refused = "--cafile: cannot load CA certificates from '" + options.cafile + "'";
    CHECK_THROWS_WITH_AS(mqtk::TlsContext(options, "localhost"), doctest::Contains(cafile_refused.c_str()),
                         mqtk::Error);
    options.cafile.clear();
    options.certfile = garbage;
    options.keyfile = garbage;
    std::string cert_refused = "--cert: cannot load certificate '" + garbage + "'";
    CHECK_THROWS_WITH_AS(mqtk::TlsContext(options, "localhost"), doctest::Contains(cert_refused.c_str()), mqtk::Error);
  }

  TEST_CASE("a bad PSK key is refused") {
    mqtk::TlsOptions options;
    options.psk = "0xab";
    options.psk_identity = "me";
    CHECK_THROWS_WITH_AS(mqtk::TlsContext(options, "localhost"),
                         "--psk: the key must be hexadecimal digits (no leading 0x)", mqtk::Error);
  }

  TEST_CASE("an engine that cannot be loaded or started is named") {
    mqtk::TlsOptions options;
    options.cafile = "/nonexistent";  // not reached: the engine comes first
    options.engine = "no-such-engine";
    CHECK_THROWS_WITH_AS(mqtk::TlsContext(options, "localhost"),
                         doctest::Contains("--tls-engine: cannot load engine 'no-such-engine'"), mqtk::Error);
    // OpenSSL's built-in loader of engine libraries is found but, told no
    // library to load, does not start.
    options.engine = "dynamic";
    CHECK_THROWS_WITH_AS(mqtk::TlsContext(options, "localhost"),
                         doctest::Contains("--tls-engine: cannot initialise engine 'dynamic'"), mqtk::Error);
  }

  TEST_CASE("OpenSSL's reasons in words a user understands") {
    CHECK(mqtk::explain_tls_error("OpenSSL Error[0]: error:0A00045C:SSL routines::tlsv13 alert certificate required",
                                  false) == "the broker requires a client certificate (--cert, --key)");
    CHECK(mqtk::explain_tls_error("error:0A00010B:SSL routines::wrong version number", false) ==
          "TLS handshake failed (wrong version number); does this port speak TLS?");
    CHECK(mqtk::explain_tls_error("error:0A000419:SSL routines::tlsv1 alert decrypt error", true) ==
          "TLS handshake failed (tlsv1 alert decrypt error); is the PSK key or identity wrong?");
  }
}
