"""--decode and --jq (issue 17) in mqtk-sub and mqtk-rr against a real broker,
with payloads made by real encoders: Debian's python3-cbor2, python3-msgpack
and python3-protobuf (schemas compiled by protoc at test time), and the
Sparkplug B payloads of the decoders' fixture generator
(tests/unit/payload/fixtures/make_fixtures.py, reused, not rewritten)."""

import base64
import importlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

from harness import BrokerTestCase, ScratchDirectory, publish_all, run, subscriber, tool, unique
from test_rr import Responder

SUB = tool("sub")
PUB = tool("pub")
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
        cls.fixtures = self_fixtures()

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
        # Five, then one per 10 s: more only on a machine that took that long.
        warnings = err.splitlines()
        self.assertGreaterEqual(len(warnings), 5, err)
        self.assertLess(len(warnings), 10, err)

    def test_large_payloads_are_decoded_too(self):
        text = "x" * (3 << 20)
        rc, out, err = self.receive(["--decode", "base64"], [("big", base64.b64encode(text.encode()))])
        self.assertEqual((rc, err), (0, b""))
        self.assertEqual(out, b'"' + text.encode() + b'"\n')
        records = self.receive_json(["--decode", "base64"], [("big", base64.b64encode(text.encode()))])
        self.assertEqual(records[0]["payload"], text)

    def test_sparkplug_data_by_alias_shows_the_names_of_the_last_birth(self):
        nbirth, _ = self.fixtures["alias_nbirth.bin"]
        ndata, ndata_json = self.fixtures["alias_ndata.bin"]
        _, named_json = self.fixtures["alias_ndata_named.bin"]
        group = self.topic().replace("/", "_")
        topic = "spBv1.0/%s/{}/edge1" % group
        with subscriber(self.broker, SUB, ["spBv1.0/%s/#" % group],
                        extra=["-C", "4", "-W", "20", "-q", "1", "--decode", "sparkplug", "--json"]) as sub:
            publish_all(self.port, [(topic.format("NDATA"), ndata, 1, False), (topic.format("NBIRTH"), nbirth, 1, False),
                                    (topic.format("NDATA"), ndata, 1, False), (topic.format("NDEATH"), b"", 1, False)])
            rc, out, err = sub.finish()
        self.assertEqual((rc, err), (0, b""))
        shown = [json.loads(line)["payload"] for line in out.decode().splitlines()]
        self.assertEqual((shown[0], shown[2]), (ndata_json, named_json))

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


JQ = "/usr/bin/jq"
TIME = re.compile(rb'"time":"[0-9T:.Z-]+"')

# Payloads of every kind a record holds, and JSON that jq and nlohmann could
# read differently: key order, number forms, large and small numbers,
# escapes, Unicode.
JQ_PAYLOADS = [
    b'{"temp": 31.50, "site": "north", "name": "boiler \u00e9 \ud83d\ude00", "z": 1, "a": [1.0, 1e2, -0, 0.1]}',
    b'{"temp": 12, "site": "south", "name": "cold"}',
    b'{"temp": 1e400, "big": 12345678901234567890, "tiny": 5e-324, "neg": -9007199254740993}',
    b'{"temp": 40, "name": null, "nested": {"b": [true, false], "a": {}}}',
    "text \u2103 \"quoted\"\n".encode(),
    b"\x00\xff binary",
    b"",
    b"[1, 2, 3]",
    b"42",
]


class JqTest(ScratchDirectory, BrokerTestCase):
    def receive(self, flags, count, messages, prefix):
        with subscriber(self.broker, SUB, [prefix + "/#"], extra=["-C", str(count), "-W", "20", "-q", "1", *flags]) as sub:
            publish_all(self.port, [(prefix + "/" + name, payload, 1, False) for name, payload in messages])
            return sub.finish()

    def assert_same_as_jq(self, expression, messages=None, raw=False, decode=(), prefix=None):
        """`mqtk-sub --jq EXPR` prints the bytes `mqtk-sub --json | jq -c EXPR`
        does for the same messages, the receive times aside: the messages
        are published twice to the same topics, first to --json, then to
        --jq with -C the number of them jq makes an output of."""
        messages = messages or [("m%d" % i, p) for i, p in enumerate(JQ_PAYLOADS)]
        prefix = prefix or self.topic()
        decode_flags = [flag for spec in decode for flag in ("--decode", spec)]
        jq_flags = ["-c", *(["-r"] if raw else [])]
        rc, json_out, err = self.receive(["--json", *decode_flags], len(messages), messages, prefix)
        self.assertEqual(rc, 0, err)
        rc, expected, jq_err = run([JQ, *jq_flags, expression], input=json_out)
        with_output = sum(1 for line in json_out.splitlines(keepends=True) if run([JQ, *jq_flags, expression],
                                                                                    input=line)[1])
        rc, out, err = self.receive(["--jq", expression, *(["-r"] if raw else []), *decode_flags], with_output,
                                    messages, prefix)
        self.assertEqual(rc, 0, err)
        self.assertEqual(TIME.sub(b'"time":"T"', out), TIME.sub(b'"time":"T"', expected))
        return out, err, jq_err

    def test_the_same_bytes_as_jq_on_the_json_output(self):
        for expression in (".", "select(.payload.temp > 30)", '{temp: .payload.temp, site: (.topic | split("/")[1])}',
                           ".payload", ".payload | .. | numbers", "[.encoding, .qos, .retain, (.payload | length)]",
                           ".payload | tostring", "del(.time) | to_entries"):
            with self.subTest(expression=expression):
                self.assert_same_as_jq(expression)

    def test_raw_strings_as_jq_r(self):
        for expression in (".payload", ".payload.name // .topic", ".payload | .. | strings"):
            with self.subTest(expression=expression):
                self.assert_same_as_jq(expression, raw=True)

    def test_the_decoded_value_is_the_programs_payload(self):
        import cbor2
        import msgpack
        messages = [("c", cbor2.dumps({"temp": 35.5, "raw": b"\x01", "list": [1, 2.5, None]})),
                    ("m", msgpack.packb({"temp": 20, "name": "grüße"})),
                    ("bad", b"\xff not cbor"),
                    ("spb", self_fixtures()["ddata.bin"][0])]
        prefix = self.topic()
        decode = ["%s/m=msgpack" % prefix, "%s/spb=sparkplug" % prefix, "cbor"]
        out, err, _ = self.assert_same_as_jq("{topic, encoding, payload}", messages=messages, decode=decode,
                                             prefix=prefix)
        records = [json.loads(line) for line in out.splitlines()]
        self.assertEqual(records[0]["payload"], {"temp": 35.5, "raw": "AQ==", "list": [1, 2.5, None]})
        self.assertEqual(records[1]["payload"], {"temp": 20, "name": "grüße"})
        self.assertEqual(records[2]["encoding"], "base64")  # as it came
        self.assertEqual(records[3]["payload"]["metrics"][0]["value"], -32768)
        self.assertEqual(len(err.splitlines()), 1, err)  # the payload that did not decode

    def test_mqtt5_properties_are_in_the_programs_input(self):
        prefix = self.topic()
        expression = "[.properties, .payload]"
        outputs = []
        for flags in (["--json"], ["--jq", expression]):
            with subscriber(self.broker, SUB, [prefix], extra=["-V", "5", "-C", "1", "-W", "20", *flags]) as sub:
                rc, _, err = run([PUB, "-p", str(self.port), "-V", "5", "-t", prefix, "-m", '{"t": 1}',
                                  "-D", "publish", "user-property", "site", "north",
                                  "-D", "publish", "content-type", "application/json"])
                self.assertEqual(rc, 0, err)
                outputs.append(sub.finish()[1])
        self.assertEqual(outputs[1], run([JQ, "-c", expression], input=outputs[0])[1])
        self.assertEqual(json.loads(outputs[1])[0]["user-properties"], [["site", "north"]])

    def test_count_is_of_messages_with_output(self):
        messages = [("m%d" % i, json.dumps({"temp": t}).encode()) for i, t in enumerate([10, 31, 20, 32, 33])]
        rc, out, err = self.receive(["--jq", "select(.payload.temp > 30) | .payload.temp"], 2, messages, self.topic())
        self.assertEqual((rc, out, err), (0, b"31\n32\n", b""))

    def test_a_jq_error_skips_the_message_with_a_warning(self):
        messages = [("a", b'{"temp": "hot"}'), ("b", b'{"temp": 21}')]
        out, err, jq_err = self.assert_same_as_jq(".payload.temp + 1", messages=messages)
        self.assertEqual(out, b"22\n")
        self.assertRegex(err.decode(), r"^mqtk-sub: warning: \S+/a: jq: error: string \(\"hot\"\) and number \(1\) "
                                       r"cannot be added\n$")
        self.assertIn(b"cannot be added", jq_err)

    def test_debug_messages_go_to_standard_error_after_the_tools_name(self):
        messages = [("a", b'{"t":[1,"x"]}')]
        _, _, expected = run([JQ, "-c", ".t | debug"], input=messages[0][1])
        self.assertTrue(expected.startswith(b'["DEBUG:",'), expected)
        rc, out, err = self.receive(["--jq", ".payload.t | debug"], 1, messages, self.topic())
        self.assertEqual((rc, out, err.decode()), (0, b'[1,"x"]\n', "mqtk-sub: " + expected.decode()))
        rc, out, err = self.receive(["--jq", ".payload.t | debug", "--quiet"], 1, messages, self.topic())
        self.assertEqual((rc, out, err), (0, b'[1,"x"]\n', b""))

    def test_an_invalid_expression_exits_1_naming_the_position_before_connecting(self):
        client_id = unique("badjq")
        rc, out, err = run([SUB, "-p", str(self.port), "-i", client_id, "-t", "a", "--jq", ".payload | {"])
        self.assertEqual((rc, out), (1, b""))
        first = err.decode().splitlines()[0]
        self.assertTrue(first.startswith("mqtk-sub: --jq: syntax error"), first)
        self.assertIn("line 1", first)
        self.assertNotIn(client_id, self.broker.log())

    def test_halt_ends_the_run_with_status_0_after_the_outputs_before_it(self):
        """jq's manual: halt "stops the jq program with no further outputs"
        (jq 1.6 goes on with its next input; jq 1.7 and mqtk stop)."""
        prefix = self.topic()
        with subscriber(self.broker, SUB, [prefix + "/#"],
                        extra=["-W", "20", "-q", "1", "--jq", ".payload.n, (select(.payload.stop) | halt), 9"]) as sub:
            publish_all(self.port, [(prefix + "/a", b'{"n":1}', 1, False), (prefix + "/b", b'{"n":2,"stop":true}', 1, False),
                                    (prefix + "/c", b'{"n":3}', 1, False)])
            rc, out, err = sub.finish()
        self.assertEqual((rc, out, err), (0, b"1\n9\n2\n", b""))

    def test_halt_error_prints_its_message_and_exits_with_its_status(self):
        prefix = self.topic()
        for expression, status, message in [('select(.payload.stop) | "stopped at \\(.topic)\\n" | halt_error(3)', 3,
                                             "stopped at %s/b" % prefix),
                                            ("select(.payload.stop) | .payload | halt_error", 5, '{"stop":true}')]:
            with self.subTest(expression=expression):
                with subscriber(self.broker, SUB, [prefix + "/#"], extra=["-W", "20", "-q", "1", "--jq", expression]) as sub:
                    publish_all(self.port, [(prefix + "/a", b'{"n":1}', 1, False), (prefix + "/b", b'{"stop":true}', 1, False)])
                    rc, out, err = sub.finish()
                self.assertEqual((rc, out, err.decode()), (status, b"", "mqtk-sub: %s\n" % message))

    def test_flags_that_jq_replaces_are_refused(self):
        for flags in (["-F", "%p"], ["--json"], ["--csv"], ["-v"], ["-N"]):
            with self.subTest(flags=flags):
                rc, out, err = run([SUB, "-p", "1", "-t", "a", "--jq", ".", *flags])
                self.assertEqual((rc, out), (1, b""))
                self.assertIn("--jq prints its program's outputs, one a line; drop " + flags[0], err.decode())
        rc, out, err = run([SUB, "-p", "1", "-t", "a", "-r"])
        self.assertEqual(rc, 1)
        self.assertIn("-r: prints the strings --jq outputs as their text; give --jq too", err.decode())


_fixtures = {}


def self_fixtures():
    if not _fixtures:
        _fixtures.update(encoded_fixtures())
    return _fixtures


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
            rc, out, err = run([RR, "-p", str(self.port), "-t", topic, "-e", reply, "-n", "-W", "10",
                                "--decode", "cbor", "--jq", "select(.payload.temp > 30) | .payload.site", "-r"])
            self.assertEqual((rc, out, err), (0, b"north\n", b""))
            rc, out, err = run([RR, "-p", str(self.port), "-t", topic, "-e", reply, "-n", "-W", "10",
                                "--decode", "cbor", "--jq", '.payload.site, ("too hot" | halt_error(4))'])
            self.assertEqual((rc, out, err), (4, b'"north"\n', b"mqtk-rr: too hot\n"))


if __name__ == "__main__":
    unittest.main()
