#include "mqtk/mqtt/session.hpp"

#include <string>

#include <doctest/doctest.h>

#include "mqtk/base/error.hpp"

namespace {

// Whether constructing a Session with `options` throws an Error whose
// message contains `expected`.
bool refused_with(const mqtk::ConnectOptions& options, const std::string& expected) {
  mqtk::SessionEvents events;
  try {
    mqtk::Session session(options, events);
  } catch (const mqtk::Error& e) {
    return std::string(e.what()).find(expected) != std::string::npos;
  }
  return false;
}

}  // namespace

// The constructor's failures. Once libmosquitto's client exists, it and
// anything handed towards it are freed once (a sanitizer build checks that
// nothing leaks; a double free fails any build).
TEST_SUITE("session") {
  TEST_CASE("a client id libmosquitto refuses is an error") {
    mqtk::ConnectOptions options;
    SUBCASE("none, with a session to keep") { options.clean_session = false; }
    SUBCASE("not UTF-8") { options.client_id = "\xff\xfe"; }
    CHECK(refused_with(options, "-i: invalid client id"));
  }

  TEST_CASE("a will libmosquitto refuses is an error, and its properties are freed once") {
    mqtk::ConnectOptions options;
    options.protocol_version = mqtk::kMqtt5;
    mqtk::add_property(options.properties, {"will", "content-type", "text/plain"});
    options.will = mqtk::Will{"sensors/#", "gone", 1, false};  // no wildcards in a topic to publish to
    CHECK(refused_with(options, "--will-topic: cannot set the will"));
  }

  TEST_CASE("Session::opener makes Sessions that start out new") {
    mqtk::ConnectOptions options;
    mqtk::SessionEvents events;
    std::unique_ptr<mqtk::BrokerConnection> connection = mqtk::Session::opener(options)(events);
    CHECK(connection->state() == mqtk::SessionState::kNew);
    CHECK_FALSE(connection->wants_write());
  }
}
