"""The tools against a broker that breaks MQTT on purpose (hostile_broker.py):
malformed MQTT v5 properties, a truncated packet, a remaining length beyond
MQTT's maximum, a broker that stops answering pings. Each tool must say what
happened and never crash.

libmosquitto 2.0.11 itself aborts on some of these: its property parser
logs an unknown property identifier through log__printf(NULL, ...), whose
first line is assert(mosq), whatever log callback is set. The tools never
see the bytes before libmosquitto parses them, so the tests of those
triggers are expected failures, and BUGS in mqtk(1) names them; a separate
test checks that the abort is exactly that assertion, so an expected failure
cannot hide another crash."""

import resource
import signal
import unittest

from harness import ScratchDirectory, run, tool, unique
from hostile_broker import CONNECT, PUBLISH, HostileBroker, connack, properties, publish

SUB, PUB, RECORD = tool("sub"), tool("pub"), tool("record")
# What libmosquitto 2.0.11 prints as it aborts (lib/logging_mosq.c).
LIBMOSQUITTO_ASSERTION = b"log__printf: Assertion `mosq' failed"
NOT_AUTHORIZED = 0x87  # an MQTT v5 CONNACK reason code; the tools exit with it


def subscribed_then(*packets, close=False):
    """A script: a normal CONNACK and SUBACK, then `packets`; then it closes
    the connection, or reads on without answering until the client does."""
    def script(peer):
        peer.connect_and_subscribe()
        for data in packets:
            peer.send(data)
        if not close:
            peer.drain()
    return script


def refuse(peer):
    """A reconnect refused, so that a subscriber that lost its connection
    ends (with the CONNACK reason code) instead of reconnecting for ever."""
    peer.expect(CONNECT)
    peer.send(connack(reason=NOT_AUTHORIZED))


def connack_with(raw_properties):
    def script(peer):
        peer.expect(CONNECT)
        peer.send(connack(props=raw_properties))
        peer.drain()
    return script


def unanswered_publish_then(*packets, close=False):
    """A script for mqtk-pub: CONNACK, then `packets` once the PUBLISH
    arrives (which is never acknowledged)."""
    def script(peer):
        peer.expect(CONNECT)
        peer.send(connack())
        peer.expect(PUBLISH)
        for data in packets:
            peer.send(data)
        if not close:
            peer.drain()
    return script


UNKNOWN_PROPERTY = b"\x7f\x00"  # identifier 0x7f, which MQTT v5 does not define
PUBLISH_WITH_UNKNOWN_PROPERTY = publish("t", b"x", props=properties(UNKNOWN_PROPERTY))
# Claims 20 bytes of properties: after the real two (payload format 0), the
# parser reads on into the payload, whose "h" (0x68) is no property.
PUBLISH_WITH_PROPERTIES_BEYOND_THE_PAYLOAD = publish("t", b"hello", props=properties(b"\x01\x00", length=20))
# The same claim with nothing after the properties: the packet ends first.
PUBLISH_WITH_PROPERTIES_BEYOND_THE_PACKET = publish("t", b"", props=properties(b"\x01\x00", length=20))
# A PUBLISH announcing 100 bytes, cut after 20, then the connection closes.
TRUNCATED_PUBLISH = publish("t", b"x" * 100)[:20]
# A remaining length of five bytes: MQTT allows four (268,435,455).
REMAINING_LENGTH_OVER_THE_MAXIMUM = bytes([PUBLISH << 4, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F])


class HostileBrokerTest(ScratchDirectory, unittest.TestCase):
    def run_against(self, argv, *scripts, timeout=60):
        """Runs `argv` (with "{port}" filled in) against a HostileBroker
        running `scripts`; returns (rc, stdout, stderr)."""
        with HostileBroker(*scripts) as broker:
            # An abort leaves no core file behind, wherever the machine's limit is.
            result = run([arg.format(port=broker.port) for arg in argv], timeout=timeout, cwd=self.directory,
                         preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_CORE, (0, 0)))
        self.assertEqual(broker.errors, [])
        return result

    def subscriber(self, *flags):
        return [SUB, "-p", "{port}", "-V", "5", "-t", "t", "-i", unique("hostile-sub"), *flags]

    def recorder(self, *flags):
        client_id = unique("hostile-rec")
        return [RECORD, "-p", "{port}", "-V", "5", "-t", "t", "-i", client_id, "--spool",
                self.path("spool-" + client_id), "-o", self.path(client_id + ".jsonl"), *flags]

    def publisher(self, *flags):
        return [PUB, "-p", "{port}", "-V", "5", "-t", "t", "-m", "x", "-q", "1", *flags]

    def argv(self, name):
        return {"sub": self.subscriber, "record": self.recorder, "pub": self.publisher}[name]()

    def assert_survived(self, result, status, *words):
        rc, _, err = result
        self.assertGreaterEqual(rc, 0, "killed by signal %d: %s" % (-rc, err))
        self.assertEqual(rc, status, err)
        for word in words:
            self.assertIn(word.encode(), err)

    def assert_lost_connection(self, script, *words, tools=("sub", "record")):
        """The subscribing tools report the lost connection with `words`,
        reconnect, and end on the refused reconnect."""
        for name in tools:
            result = self.run_against(self.argv(name), script, refuse)
            self.assert_survived(result, NOT_AUTHORIZED, "lost the connection", *words)

    # Triggers the tools survive.

    def test_truncated_packet(self):
        # libmosquitto reports a connection that ends inside a packet as an
        # errno of 0, once printed as "(Success)".
        self.assert_lost_connection(subscribed_then(TRUNCATED_PUBLISH, close=True),
                                    "the broker closed the connection in the middle of a packet")
        result = self.run_against(self.publisher(), unanswered_publish_then(TRUNCATED_PUBLISH, close=True))
        self.assert_survived(result, 1, "the broker closed the connection in the middle of a packet",
                             "1 of 1 messages were not acknowledged")
        self.assertNotIn(b"Success", result[2])

    def test_remaining_length_over_the_maximum(self):
        self.assert_lost_connection(subscribed_then(REMAINING_LENGTH_OVER_THE_MAXIMUM),
                                    "the broker sent a packet that breaks the MQTT protocol")

    def test_property_length_beyond_the_packet(self):
        self.assert_lost_connection(subscribed_then(PUBLISH_WITH_PROPERTIES_BEYOND_THE_PACKET),
                                    "the broker sent a packet that breaks the MQTT protocol")

    def test_keepalive_timeout(self):
        # The broker answers CONNACK and SUBACK, then nothing: not even PINGREQ.
        # libmosquitto's code for this once read "(Unknown error.)".
        result = self.run_against(self.subscriber("-k", "5"), subscribed_then(), refuse)
        self.assert_survived(result, NOT_AUTHORIZED, "lost the connection",
                             "the broker did not answer a keepalive ping")
        result = self.run_against(self.publisher("-k", "5"), unanswered_publish_then())
        self.assert_survived(result, 1, "the broker did not answer a keepalive ping",
                             "1 of 1 messages were not acknowledged")

    # Triggers libmosquitto 2.0.11 aborts on (see the module's comment).

    UNAVOIDABLE = {  # trigger: (script, the tools it reaches)
        "unknown property in PUBLISH": (subscribed_then(PUBLISH_WITH_UNKNOWN_PROPERTY), ("sub", "record")),
        "property length beyond the properties, into the payload":
            (subscribed_then(PUBLISH_WITH_PROPERTIES_BEYOND_THE_PAYLOAD), ("sub", "record")),
        "unknown property in CONNACK": (connack_with(UNKNOWN_PROPERTY), ("sub", "record", "pub")),
    }

    @unittest.expectedFailure
    def test_unknown_property_in_publish(self):
        """Expected failure: libmosquitto 2.0.11 aborts in log__printf."""
        self.assert_lost_connection(subscribed_then(PUBLISH_WITH_UNKNOWN_PROPERTY), "malformed packet")

    @unittest.expectedFailure
    def test_property_length_beyond_the_properties_into_the_payload(self):
        """Expected failure: the payload's first byte is read as a property
        identifier; libmosquitto 2.0.11 aborts on it in log__printf."""
        self.assert_lost_connection(subscribed_then(PUBLISH_WITH_PROPERTIES_BEYOND_THE_PAYLOAD), "malformed packet")

    @unittest.expectedFailure
    def test_unknown_property_in_connack(self):
        """Expected failure: libmosquitto 2.0.11 aborts in log__printf."""
        for name in ("sub", "record", "pub"):
            result = self.run_against(self.argv(name), connack_with(UNKNOWN_PROPERTY))
            self.assert_survived(result, 1, "cannot connect", "malformed packet")

    def test_the_expected_failures_are_libmosquittos_assertion(self):
        for name, (script, tools) in self.UNAVOIDABLE.items():
            for argv in (self.argv(tool_name) for tool_name in tools):
                with self.subTest(trigger=name, tool=argv[0]):
                    rc, _, err = self.run_against(argv, script)
                    self.assertEqual(rc, -signal.SIGABRT, err)
                    self.assertIn(LIBMOSQUITTO_ASSERTION, err)


if __name__ == "__main__":
    unittest.main()
