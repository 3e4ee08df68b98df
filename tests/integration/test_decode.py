"""--decode and --jq (issue 17) in mqtk-sub and mqtk-rr against a real broker,
with payloads made by real encoders: Debian's python3-cbor2, python3-msgpack
and python3-protobuf (schemas compiled by protoc at test time), and the
Sparkplug B payloads of the decoders' fixture generator
(tests/unit/payload/fixtures/make_fixtures.py, reused, not rewritten)."""

import base64
import importlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

from harness import BrokerTestCase, ScratchDirectory, publish_all, run, subscriber, tool, unique
from test_rr import Responder

SUB = tool("sub")
RR = tool("rr")
FIXTURES = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "unit", "payload", "fixtures"))

SENSORS_PROTO = """syntax = "proto3";
package plant;
message Reading {
  double temp = 1;
  string site = 2;
  repeated int32 history = 3;
}
"""


def compiled_sensors_schema(directory):
    """SENSORS_PROTO written to `directory` as sensors.proto, compiled by
    protoc; its Python module."""
    with open(os.path.join(directory, "sensors.proto"), "w") as f:
        f.write(SENSORS_PROTO)
    subprocess.run(["protoc", "-I", directory, "--python_out", directory, "sensors.proto"], check=True)
    sys.path.insert(0, directory)
    try:
        return importlib.import_module("sensors_pb2")
    finally:
        sys.path.remove(directory)


def encoded_fixtures():
    """{name: (payload bytes, the JSON expected of it)} for the fixture
    generator's payloads, encoded now by its own code and encoders, nothing
    written to its folder."""
    sys.path.insert(0, FIXTURES)
    try:
        make_fixtures = importlib.import_module("make_fixtures")
    finally:
        sys.path.remove(FIXTURES)
    made = {}
    make_fixtures.write = lambda name, payload, expected: made.__setitem__(name, (payload, expected))
    work = tempfile.mkdtemp(prefix="mqtk-test-fixtures-")
    try:
        make_fixtures.binary_jsons()
        make_fixtures.protobuf(work)
        make_fixtures.sparkplug(work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return made


class DecodeTest(ScratchDirectory, BrokerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.fixtures = encoded_fixtures()

    def receive(self, flags, messages, cwd=None, topics=None):
        """Subscribes mqtk-sub with `flags` to this test's topics, publishes
        (name, payload) under them, and returns (rc, out, err) once the
        messages have come (-C their number)."""
        prefix = self.topic()
        with subscriber(self.broker, SUB, topics or [prefix + "/#"],
                        extra=["-C", str(len(messages)), "-W", "20", "-q", "1", *flags], cwd=cwd) as sub:
            publish_all(self.port, [(prefix + "/" + name, payload, 1, False) for name, payload in messages])
            return sub.finish()

    def receive_json(self, flags, messages, **kwargs):
        rc, out, err = self.receive(["--json", *flags], messages, **kwargs)
        self.assertEqual((rc, err), (0, b""))
        return [json.loads(line) for line in out.decode().splitlines()]

    def test_every_decoder_round_trips_what_its_encoder_wrote(self):
        import cbor2
        import msgpack
        document = {"temp": 31.5, "site": "grüße", "ok": True, "none": None, "list": [1, -2, 3.25], "big": 2**64 - 1}
        cases = [
            ("cbor", cbor2.dumps(document), document),
            ("msgpack", msgpack.packb(document), document),
            ("cbor", self.fixtures["document.cbor"][0], self.fixtures["document.cbor"][1]),
            ("msgpack", self.fixtures["document.msgpack"][0], self.fixtures["document.msgpack"][1]),
            ("sparkplug", self.fixtures["nbirth.bin"][0], self.fixtures["nbirth.bin"][1]),
            ("sparkplug", self.fixtures["dbirth.bin"][0], self.fixtures["dbirth.bin"][1]),
            ("sparkplug", self.fixtures["ddata.bin"][0], self.fixtures["ddata.bin"][1]),
            ("base64", base64.b64encode("text ✓".encode()), "text ✓"),
            ("hex", "text ✓".encode().hex().encode(), "text ✓"),
        ]
        for decoder, payload, expected in cases:
            with self.subTest(decoder=decoder):
                records = self.receive_json(["--decode", decoder], [("m", payload)])
                self.assertEqual(records[0]["encoding"], "json")
                self.assertEqual(records[0]["payload"], expected)

    def test_protobuf_with_a_schema_in_the_current_directory_and_on_the_proto_path(self):
        sensors = compiled_sensors_schema(self.directory)
        payload = sensors.Reading(temp=35.25, site="north", history=[1, -2]).SerializeToString()
        records = self.receive_json(["--decode", "protobuf:sensors.proto:plant.Reading"], [("r", payload)],
                                    cwd=self.directory)
        self.assertEqual(records[0]["payload"], {"temp": 35.25, "site": "north", "history": [1, -2]})
        # A schema importing another, found through --proto-path (relative, as a user types it).
        reading, expected = self.fixtures["reading.bin"]
        proto_path = os.path.relpath(os.path.join(FIXTURES, "protobuf"), self.directory)
        records = self.receive_json(["--proto-path", proto_path, "--decode", "protobuf:readings.proto:sensors.Reading"],
                                    [("r", reading)], cwd=self.directory)
        self.assertEqual(records[0]["payload"], expected)

    def test_every_format_shows_the_decoded_json(self):
        import cbor2
        payload = cbor2.dumps({"t": 21.5, "id": "a"})
        text = b'{"id":"a","t":21.5}'
        rc, out, err = self.receive(["--decode", "cbor"], [("p", payload)])
        self.assertEqual((rc, out, err), (0, text + b"\n", b""))
        rc, out, err = self.receive(["--decode", "cbor", "-v"], [("p", payload)])
        self.assertTrue(out.endswith(b"/p " + text + b"\n"), out)
        rc, out, err = self.receive(["--decode", "cbor", "-F", "%p|%J"], [("p", payload)])
        plain, whole = out.rstrip(b"\n").split(b"|", 1)
        self.assertEqual(plain, text)
        self.assertEqual(json.loads(whole)["payload"], {"id": "a", "t": 21.5})
        rc, out, err = self.receive(["--decode", "cbor", "--csv"], [("p", payload)])
        self.assertIn(b',json,"{""id"":""a"",""t"":21.5}",', out)

    def test_the_first_matching_filter_chooses_the_decoder(self):
        import cbor2
        import msgpack
        prefix = self.topic()
        flags = ["--decode", prefix + "/c/#=cbor", "--decode", prefix + "/+/x=msgpack", "--decode", prefix + "/#=hex"]
        messages = [("c/x", cbor2.dumps([1])), ("m/x", msgpack.packb([2])), ("h", b"5b335d"), ("c/y", cbor2.dumps([4]))]
        with subscriber(self.broker, SUB, [prefix + "/#"], extra=["-C", "4", "-W", "20", "-q", "1", "-v", *flags]) as sub:
            publish_all(self.port, [(prefix + "/" + name, payload, 1, False) for name, payload in messages])
            rc, out, err = sub.finish()
        self.assertEqual((rc, err), (0, b""))
        self.assertEqual(out.decode().splitlines(),
                         ["%s/c/x [1]" % prefix, "%s/m/x [2]" % prefix, '%s/h "[3]"' % prefix, "%s/c/y [4]" % prefix])

    def test_a_payload_that_does_not_decode_is_shown_as_it_came_with_a_warning(self):
        import cbor2
        rc, out, err = self.receive(["--decode", "cbor", "-v"], [("bad", b"\xff\xfe not cbor"), ("good", cbor2.dumps(7))])
        self.assertEqual(rc, 0)
        lines = out.split(b"\n")
        self.assertTrue(lines[0].endswith(b"/bad \xff\xfe not cbor"), lines)
        self.assertTrue(lines[1].endswith(b"/good 7"), lines)
        self.assertEqual(len(err.splitlines()), 1, err)
        self.assertRegex(err.decode(), r"^mqtk-sub: warning: \S+/bad: payload shown as it came, not as cbor: .+\n$")

    def test_a_stream_of_bad_payloads_is_warned_about_at_a_readable_rate(self):
        messages = [("bad%d" % i, b"zz") for i in range(50)]
        rc, out, err = self.receive(["--decode", "hex"], messages)
        self.assertEqual(rc, 0)
        self.assertEqual(out, b"zz\n" * 50)  # none lost
        self.assertEqual(len(err.splitlines()), 5, err)

    def test_large_payloads_are_decoded_too(self):
        text = "x" * (3 << 20)
        rc, out, err = self.receive(["--decode", "base64"], [("big", base64.b64encode(text.encode()))])
        self.assertEqual((rc, err), (0, b""))
        self.assertEqual(out, b'"' + text.encode() + b'"\n')
        records = self.receive_json(["--decode", "base64"], [("big", base64.b64encode(text.encode()))])
        self.assertEqual(records[0]["payload"], text)

    def test_mistakes_are_one_line_and_exit_1_before_connecting(self):
        with open(self.path("broken.proto"), "w") as f:
            f.write("syntax = \"proto3\";\nmessage M { int32 x = 1 }\n")
        with open(self.path("sensors.proto"), "w") as f:
            f.write(SENSORS_PROTO)
        cases = [
            (["--decode", "yaml"], "--decode: unknown decoder"),
            (["--decode", "protobuf:missing.proto:a.B"], "missing.proto"),
            (["--decode", "protobuf:broken.proto:M"], "broken.proto"),
            (["--decode", "protobuf:sensors.proto:plant.Nope"], "plant.Nope"),
            (["--decode", "a/#/b=cbor"], "--decode"),
            (["--proto-path", "."], "--proto-path"),
            (["--proto-path", "nowhere", "--decode", "protobuf:sensors.proto:plant.Reading"], "--proto-path nowhere"),
        ]
        for flags, expected in cases:
            with self.subTest(flags=flags):
                # Port 1: nothing listens; a connection attempt would fail with another message.
                rc, out, err = run([SUB, "-p", "1", "-t", "a", *flags], cwd=self.directory)
                self.assertEqual((rc, out), (1, b""))
                first = err.decode().splitlines()[0]
                self.assertTrue(first.startswith("mqtk-sub: "), first)
                self.assertIn(expected, first)
                self.assertNotIn("onnect", err.decode())


class RrDecodeTest(BrokerTestCase):
    def test_the_reply_is_decoded(self):
        import cbor2
        topic, reply = self.topic("svc"), self.topic("reply")
        with Responder(self.port, topic, reply=cbor2.dumps({"temp": 31.5, "site": "north"})):
            rc, out, err = run([RR, "-p", str(self.port), "-t", topic, "-e", reply, "-n", "-W", "10",
                                "--decode", "cbor"])
            self.assertEqual((rc, out, err), (0, b'{"site":"north","temp":31.5}\n', b""))
            rc, out, err = run([RR, "-p", str(self.port), "-t", topic, "-e", reply, "-n", "-W", "10",
                                "--decode", "cbor", "--json"])
            self.assertEqual((rc, err), (0, b""))
            self.assertEqual(json.loads(out)["payload"], {"temp": 31.5, "site": "north"})
            rc, out, err = run([RR, "-p", str(self.port), "-t", topic, "-e", reply, "-n", "-W", "10",
                                "--decode", "msgpack", "-v"])
            self.assertEqual(rc, 0)
            self.assertTrue(out.startswith(reply.encode() + b" \xa2"), out)  # as it came
            self.assertIn(b"payload shown as it came, not as msgpack", err)


if __name__ == "__main__":
    unittest.main()
