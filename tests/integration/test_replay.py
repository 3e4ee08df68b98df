"""mqtk-pub --replay: a stream recorded by mqtk-record against a real
mosquitto, published back into another topic tree and received by a paho
MQTT v5 client, at 1x and 10x; standard input mirroring one broker into
another; malformed input; loops; the progress bar."""

import datetime
import json
import math
import os
import pty
import re
import select
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import unittest

import paho.mqtt.client as mqtt
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from paho.mqtt.subscribeoptions import SubscribeOptions

from harness import Broker, BrokerTestCase, Process, run, tool, unique, wait_until

PUB = tool("pub")
SUB = tool("sub")
RECORD = tool("record")

# How late a replayed message may arrive after its scheduled time (its
# recorded offset from the first message, divided by the speed): time to start
# the tool and connect, on a busy machine under a sanitizer. It is also what
# tells --speed 10 from 1x: the 2 s recording would take longer than
# 0.2 s + LATE_ALLOWANCE at 1x. How close to schedule replay keeps is measured
# by tests/bench/bench_replay_timing.py; the scheduling itself is exact (see
# replay_source_test.cpp).
LATE_ALLOWANCE = 1.5  # seconds

# The stream recorded: (delay before it in seconds, sub-topic, payload, qos, properties).
STREAM = [
    (0.0, "a", b'{"t": 21.5, "ok": true}', 1, {"ContentType": "application/json"}),
    (0.3, "b/c", b"plain text, with \"quotes\", commas\nand a newline", 0, {}),
    (0.05, "bin", bytes(range(256)), 2, {"CorrelationData": b"\x00\x01\x02", "ResponseTopic": "reply/here"}),
    (0.6, "empty", b"", 1, {"UserProperty": [("k", "1"), ("k", "2"), ("other", "x")]}),
    (1.0, "a", b"42", 2, {"PayloadFormatIndicator": 1}),
]


def properties_of(message):
    """The publish properties a received paho message carries that replay keeps."""
    found = {}
    props = getattr(message, "properties", None)
    for name in ("ContentType", "CorrelationData", "ResponseTopic", "UserProperty", "PayloadFormatIndicator"):
        if props is not None and hasattr(props, name):
            value = getattr(props, name)
            found[name] = [tuple(pair) for pair in value] if name == "UserProperty" else value
    return found


def parse_time(text):
    """An RFC 3339 UTC time with nanoseconds, in seconds since the epoch."""
    whole, fraction = text.rstrip("Z").split(".")
    seconds = datetime.datetime.fromisoformat(whole).replace(tzinfo=datetime.timezone.utc).timestamp()
    return seconds + int(fraction.ljust(9, "0")) / 1e9


def line_count(path):
    with open(path, "rb") as f:
        return f.read().count(b"\n")


class Collector:
    """A paho MQTT v5 subscriber that keeps every message with its arrival
    time, with retain as published."""

    def __init__(self, broker, topic_filter):
        self.messages = []
        self.lock = threading.Lock()
        self.client = mqtt.Client(client_id=unique("collect"), protocol=mqtt.MQTTv5)
        self.client.on_message = self._on_message
        subscribed = threading.Event()
        self.client.on_subscribe = lambda *args: subscribed.set()
        self.client.connect("127.0.0.1", broker.port)
        # Without this, Nagle's algorithm holds the QoS 2 handshake, and
        # with it the message, for tens of milliseconds.
        self.client.socket().setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.client.loop_start()
        self.client.subscribe(topic_filter, options=SubscribeOptions(qos=2, retainAsPublished=True))
        if not subscribed.wait(10):
            self.close()
            raise AssertionError("the collector did not get its subscription")

    def _on_message(self, client, userdata, message):
        with self.lock:
            self.messages.append((time.monotonic(), message.topic, message.payload, message.qos, message.retain,
                                  properties_of(message)))

    def wait_for(self, count, timeout=20):
        wait_until(lambda: len(self.messages) >= count, timeout=timeout, what="%d messages" % count)
        time.sleep(0.2)  # and no more
        return list(self.messages)

    def close(self):
        self.client.disconnect()
        self.client.loop_stop()


def publish_stream(port, prefix):
    """Publishes STREAM under `prefix` with its delays, with paho over MQTT v5."""
    client = mqtt.Client(client_id=unique("paho"), protocol=mqtt.MQTTv5)
    client.connect("127.0.0.1", port)
    client.loop_start()
    try:
        for delay, topic, payload, qos, props in STREAM:
            time.sleep(delay)
            properties = Properties(PacketTypes.PUBLISH)
            for name, value in props.items():
                setattr(properties, name, value)
            client.publish(prefix + "/" + topic, payload, qos=qos, properties=properties).wait_for_publish(10)
    finally:
        client.disconnect()
        client.loop_stop()


class ReplayCase(BrokerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.directory = tempfile.mkdtemp(prefix="mqtk-replay-test-")
        cls.source = unique("recorded")
        # A retained message, older than the recorder's subscription, comes
        # first with its retain flag set.
        retained = Properties(PacketTypes.PUBLISH)
        retained.UserProperty = [("retained", "yes")]
        client = mqtt.Client(client_id=unique("paho"), protocol=mqtt.MQTTv5)
        client.connect("127.0.0.1", cls.broker.port)
        client.loop_start()
        client.publish(cls.source + "/retained", b"kept", qos=1, retain=True, properties=retained).wait_for_publish(10)
        client.disconnect()
        client.loop_stop()

        cls.jsonl = os.path.join(cls.directory, "stream.jsonl")
        cls.csv = os.path.join(cls.directory, "stream.csv")
        client_id = unique("rec")
        recorder = Process([RECORD, "-p", str(cls.broker.port), "-i", client_id, "-V", "5", "-q", "2", "-t",
                            cls.source + "/#", "-o", cls.jsonl, "-o", cls.csv, "--spool",
                            os.path.join(cls.directory, "spool"), "--quiet"])
        with recorder:
            cls.broker.wait_for_subscription(client_id, cls.source + "/#")
            publish_stream(cls.broker.port, cls.source)
            wait_until(lambda: line_count(cls.jsonl) == len(STREAM) + 1, what="the recording")
            recorder.signal(signal.SIGINT)
            rc, _, err = recorder.finish()
            assert rc == 0, err
        with open(cls.jsonl) as f:
            cls.recorded = [json.loads(line) for line in f]

    @classmethod
    def tearDownClass(cls):
        # Clear the retained messages this test left.
        for prefix in [cls.source] + getattr(cls, "sandboxes", []):
            run(["mosquitto_pub", "-p", str(cls.broker.port), "-t", prefix + "/retained", "-r", "-n"])
        shutil.rmtree(cls.directory, ignore_errors=True)
        super().tearDownClass()

    def sandbox(self):
        name = unique("sandbox")
        type(self).sandboxes = getattr(type(self), "sandboxes", []) + [name]
        return name

    def replay(self, flags, expected_count, broker=None):
        """Replays with `flags` into a fresh topic tree; returns (rc, out, err, received, tree)."""
        broker = broker or self.broker
        tree = self.sandbox()
        collector = Collector(broker, tree + "/#")
        try:
            self.started = time.monotonic()
            rc, out, err = run([PUB, "-p", str(broker.port), "-V", "5", "--topic-map", self.source + "=" + tree,
                                *flags], timeout=60)
            received = collector.wait_for(expected_count)
        finally:
            collector.close()
        return rc, out, err, received, tree

    def expected(self, tree):
        """What a replay into `tree` must deliver: (topic, payload, qos, retain, properties) in recorded order."""
        expected = [(tree + "/retained", b"kept", 1, True, {"UserProperty": [("retained", "yes")]})]
        for _, topic, payload, qos, props in STREAM:
            expected.append((tree + "/" + topic, payload, qos, False, props))
        return expected

    def in_recorded_order(self, received, tree):
        """`received` matched to the recording: MQTT keeps order only within
        a QoS level (mosquitto passes a QoS 2 message on at PUBREL), so
        messages are matched by topic and payload, not arrival order."""
        order = {(topic, payload): i for i, (topic, payload, *_) in enumerate(self.expected(tree))}
        self.assertEqual(len(received), len(order))
        return sorted(received, key=lambda r: order.get((r[1], r[2]), len(order)))

    def check_round_trip(self, received, tree):
        """Topics, payload bytes, QoS, retain and properties as recorded."""
        got = [(topic, payload, qos, retain, props)
               for _, topic, payload, qos, retain, props in self.in_recorded_order(received, tree)]
        self.assertEqual(got, self.expected(tree))

    def check_timing(self, received, tree, speed):
        """Each message arrives no sooner than its recorded offset from the
        first, divided by `speed`, after the replay began (which no load can
        break), and at most LATE_ALLOWANCE later."""
        recorded = [parse_time(r["time"]) for r in self.recorded]
        arrivals = [r[0] for r in self.in_recorded_order(received, tree)]
        for i, arrival in enumerate(arrivals):
            scheduled = (recorded[i] - recorded[0]) / speed
            actual = arrival - self.started
            self.assertGreater(actual, scheduled - 0.001,  # a millisecond for rounding
                               "message %d came %.3f s after the replay began, scheduled %.3f s" % (i, actual, scheduled))
            self.assertLess(actual, scheduled + LATE_ALLOWANCE,
                            "message %d came %.3f s after the replay began, scheduled %.3f s" % (i, actual, scheduled))


class ReplayTest(ReplayCase):
    def test_json_lines_at_recorded_speed(self):
        rc, out, err, received, tree = self.replay(["--replay", self.jsonl, "-d"], len(STREAM) + 1)
        self.assertEqual(rc, 0, err)
        self.check_round_trip(received, tree)
        self.check_timing(received, tree, 1)
        self.assertRegex(out.decode(), r"Replayed 6 messages; worst lag behind the recording's timing: \d+\.\d{3} ms")

    def test_csv_ten_times_faster(self):
        rc, _, err, received, tree = self.replay(["--replay", self.csv, "--speed", "10"], len(STREAM) + 1)
        self.assertEqual(rc, 0, err)
        self.check_round_trip(received, tree)
        self.check_timing(received, tree, 10)

    def test_max_speed_prefix_and_overrides(self):
        tree = self.sandbox()
        collector = Collector(self.broker, tree + "/#")
        try:
            started = time.monotonic()
            rc, _, err = run([PUB, "-p", str(self.port), "-V", "5", "--replay", self.jsonl, "--speed", "max",
                              "--topic-prefix", tree + "/", "-q", "0", "-r"])
            self.assertEqual(rc, 0, err)
            received = collector.wait_for(len(STREAM) + 1)
        finally:
            collector.close()
        self.assertLess(received[-1][0] - started, 1.9)  # the recording spans 2 s
        self.assertEqual([r[1] for r in received], [tree + "/" + r["topic"] for r in self.recorded])
        self.assertEqual({(r[3], r[4]) for r in received}, {(0, True)})
        run(["mosquitto_pub", "-p", str(self.port), "-t", tree + "/" + self.source + "/retained", "-r", "-n"])
        for _, topic, *_ in STREAM:
            run(["mosquitto_pub", "-p", str(self.port), "-t", tree + "/" + self.source + "/" + topic, "-r", "-n"])

    def test_time_bounds(self):
        first = parse_time(self.recorded[0]["time"])
        second = self.recorded[2]["time"]  # b/c, about 0.3 s in
        rc, _, err, received, tree = self.replay(["--replay", self.jsonl, "--speed", "max", "--from", second,
                                                  "--to", "%dms" % math.ceil((parse_time(self.recorded[3]["time"]) - first) * 1000)],
                                                 2)
        self.assertEqual(rc, 0, err)
        # mosquitto passes a QoS 2 message on at PUBREL, so at full speed it may come after a later one.
        self.assertEqual(sorted(r[1] for r in received), [tree + "/b/c", tree + "/bin"])

    def test_loop_a_bounded_number_of_times(self):
        rc, _, err, received, tree = self.replay(["--replay", self.jsonl, "--speed", "max", "--loop", "3"],
                                                 3 * (len(STREAM) + 1))
        self.assertEqual(rc, 0, err)
        self.assertEqual(len(received), 3 * (len(STREAM) + 1))
        self.assertEqual(sorted(r[2] for r in received), sorted(([b"kept"] + [s[2] for s in STREAM]) * 3))

    def test_loop_needs_a_file(self):
        rc, _, err = run([PUB, "-p", str(self.port), "--replay", "-", "--loop", "2"], input=b"")
        self.assertEqual(rc, 1)
        self.assertIn(b"--loop: needs a file, not standard input", err)


class MirrorTest(ReplayCase):
    def test_stdin_mirrors_one_broker_into_another(self):
        with Broker() as other:
            tree = self.sandbox()
            collector = Collector(other, "mirror/#")
            sub_id = unique("mirror-sub")
            sub = subprocess.Popen([SUB, "-p", str(self.port), "-i", sub_id, "-V", "5", "-q", "2", "--json",
                                    "-t", tree + "/#"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            pub = subprocess.Popen([PUB, "-p", str(other.port), "-V", "5", "--replay", "-", "--topic-prefix",
                                    "mirror/"], stdin=sub.stdout, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            sub.stdout.close()
            try:
                self.broker.wait_for_subscription(sub_id, tree + "/#")
                publish_stream(self.port, tree)
                received = collector.wait_for(len(STREAM))
            finally:
                sub.send_signal(signal.SIGINT)
                sub_rc = sub.wait(10)
                pub_out, pub_err = pub.communicate(timeout=20)
                sub.stderr.close()
                collector.close()
            self.assertEqual(sub_rc, 0)
            self.assertEqual(pub.returncode, 0, pub_err)
            got = [(topic, payload, qos, props) for _, topic, payload, qos, _, props in received]
            self.assertEqual(got, [("mirror/" + tree + "/" + t, p, q, props) for _, t, p, q, props in STREAM])


class BadInputTest(ReplayCase):
    def write(self, name, lines):
        path = os.path.join(self.directory, name)
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
        return path

    def good(self, i):
        return json.dumps({"time": "2026-01-01T00:00:0%dZ" % i, "topic": self.source + "/n", "qos": 1,
                           "payload": i})

    def test_malformed_line_stops_there(self):
        path = self.write("bad.jsonl", [self.good(0), self.good(1), '{"time": "2026-01-01T00:00:02Z"', self.good(3)])
        rc, _, err, received, _ = self.replay(["--replay", path, "--speed", "max"], 2)
        self.assertEqual(rc, 1)
        lines = err.decode().splitlines()
        self.assertEqual(len(lines), 1, lines)
        self.assertIn(path + ":3: not a JSON object", lines[0])
        self.assertIn("--skip-bad", lines[0])
        time.sleep(0.3)
        self.assertEqual([r[2] for r in received], [b"0", b"1"])

    def test_skip_bad_goes_on(self):
        path = self.write("skip.csv", ["time,topic,qos,retain,encoding,payload,properties",
                                       "2026-01-01T00:00:00Z,%s/n,1,0,utf-8,a," % self.source,
                                       "2026-01-01T00:00:01Z,%s/n,7,0,utf-8,b," % self.source,
                                       "2026-01-01T00:00:02Z,%s/n,1,0,utf-8,c," % self.source])
        rc, _, err, received, _ = self.replay(["--replay", path, "--speed", "max", "--skip-bad"], 2)
        self.assertEqual(rc, 0, err)
        self.assertIn((path + ":3: the qos must be 0, 1 or 2 (skipped)").encode(), err)
        self.assertIn(b"1 malformed records skipped", err)
        self.assertEqual([r[2] for r in received], [b"a", b"c"])

    def test_usage_errors(self):
        cases = [
            (["--replay", self.jsonl, "-m", "x"], "--replay: publishes the recording's own topics"),
            (["--replay", self.jsonl, "--speed", "0"], "--speed: must be a number above 0"),
            (["--replay", self.jsonl, "--speed", "fast"], "--speed: must be a number above 0"),
            (["--replay", self.jsonl, "--loop", "0"], "--loop: the count must be a whole number from 1"),
            (["--replay", self.jsonl, "--topic-map", "nothing"], "--topic-map: expected OLD=NEW"),
            (["--replay", self.jsonl, "--from", "yesterday"], "--from"),
            (["--replay", os.path.join(self.directory, "missing.jsonl")], "--replay: cannot open"),
        ]
        for flags, message in cases:
            with self.subTest(flags=flags):
                rc, out, err = run([PUB, "-p", str(self.port), *flags])
                self.assertEqual((rc, out), (1, b""))
                first_line = err.decode().splitlines()[0]
                self.assertTrue(first_line.startswith("mqtk-pub: "), first_line)
                self.assertIn(message, first_line)


class ExactBytesTest(ReplayCase):
    """Payloads the record formats once broke or lost, through mqtk-record and back."""

    PAYLOADS = [
        ("bom", b'\xef\xbb\xbf{"t": 21.5}'),   # verbatim, it made the JSON line invalid
        ("space", b" 42 "),                       # verbatim, the spaces were lost
        ("crlf", b"dos\r\nlines\r\n"),          # CSV lost the CRs
        ("deep", b"[" * 100000 + b"]" * 100000),
        ("lines", "\n".join("line %d" % i for i in range(10000)).encode()),
        ("quotes", b'"' * 5000 + b"\r\n" + b'"",'),
    ]

    def test_recorded_and_replayed_exactly(self):
        prefix = self.source + "/" + unique("exact")
        jsonl = os.path.join(self.directory, "exact.jsonl")
        csv_path = os.path.join(self.directory, "exact.csv")
        client_id = unique("rec")
        recorder = Process([RECORD, "-p", str(self.port), "-i", client_id, "-q", "1", "-t", prefix + "/#",
                            "-o", jsonl, "-o", csv_path, "--spool", os.path.join(self.directory, "exact-spool"),
                            "--quiet"])
        with recorder:
            self.broker.wait_for_subscription(client_id, prefix + "/#")
            client = mqtt.Client(client_id=unique("paho"), protocol=mqtt.MQTTv311)
            client.connect("127.0.0.1", self.port)
            client.loop_start()
            try:
                for name, payload in self.PAYLOADS:
                    client.publish(prefix + "/" + name, payload, qos=1).wait_for_publish(10)
            finally:
                client.disconnect()
                client.loop_stop()
            wait_until(lambda: line_count(jsonl) == len(self.PAYLOADS), what="the recording")
            recorder.signal(signal.SIGINT)
            rc, _, err = recorder.finish()
            self.assertEqual(rc, 0, err)
        with open(jsonl, "rb") as f:
            for line in f:
                json.loads(line)  # every line is JSON: jq and replay read it
        for path in (jsonl, csv_path):
            with self.subTest(path=os.path.basename(path)):
                rc, _, err, received, tree = self.replay(["--replay", path, "--speed", "max"], len(self.PAYLOADS))
                self.assertEqual(rc, 0, err)
                got = {topic.rsplit("/", 1)[1]: payload for _, topic, payload, *_ in received}
                self.assertEqual(got, dict(self.PAYLOADS))

    def write(self, name, lines):
        path = os.path.join(self.directory, name)
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
        return path

    def record(self, time, topic, payload_member, extra=""):
        """A JSON-lines record, written as text (json.dumps would recurse on deep payloads)."""
        return '{"time":"%s","topic":"%s/%s",%s%s}' % (time, self.source, topic, extra, payload_member)

    def test_deep_records_replay_exactly_or_fail_where_they_are(self):
        deep = "[" * 100000 + "]" * 100000
        nested = '{"k":' * 100000 + "1" + "}" * 100000
        path = self.write("deep.jsonl", [
            self.record("2026-01-01T00:00:00Z", "deep/a", '"encoding":"json","payload":' + deep),
            self.record("2026-01-01T00:00:00Z", "deep/b", '"encoding":"json","payload":' + nested,
                        extra='"properties":{"unknown":%s,"user-properties":[["k","v"]]},"extra":%s,' % (deep, nested)),
        ])
        rc, _, err, received, _ = self.replay(["--replay", path, "--speed", "max"], 2)
        self.assertEqual(rc, 0, err)
        got = {topic.rsplit("/", 1)[1]: (payload, props) for _, topic, payload, _, _, props in received}
        self.assertEqual(got, {"a": (deep.encode(), {}), "b": (nested.encode(), {"UserProperty": [("k", "v")]})})
        # Unclosed, or deep where only a property may go: an error at its line, not a crash.
        path = self.write("deeper.jsonl", [
            self.record("2026-01-01T00:00:00Z", "deep/c", '"payload":"first"'),
            self.record("2026-01-01T00:00:00Z", "deep/d", '"payload":' + "[" * 200000),
            self.record("2026-01-01T00:00:00Z", "deep/e", '"payload":1',
                        extra='"properties":{"user-properties":%s},' % deep),
        ])
        rc, _, err, received, _ = self.replay(["--replay", path, "--speed", "max", "--skip-bad"], 1)
        self.assertEqual(rc, 0, err)
        self.assertEqual([r[2] for r in received], [b"first"])
        self.assertEqual(err.decode().splitlines(), [
            "mqtk-pub: warning: %s:2: not a JSON object (skipped)" % path,
            "mqtk-pub: warning: %s:3: property user-properties must be an array of [name, value] pairs (skipped)"
            % path,
            "mqtk-pub: warning: 2 malformed records skipped"])

    def test_far_times_are_refused_where_they_are(self):
        # 2026 to 2400 overflowed an int64 of nanoseconds and went out at once; 0001 to 9999 hung.
        for far in ("2400-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z"):
            with self.subTest(far=far):
                path = self.write("far.jsonl", [self.record("2026-01-01T00:00:00Z", "far", '"payload":"first"'),
                                                self.record(far, "far", '"payload":"far"'),
                                                self.record("2026-01-01T00:00:01Z", "far", '"payload":"after"')])
                rc, _, err, received, _ = self.replay(["--replay", path], 1)
                self.assertEqual(rc, 1)
                self.assertEqual([r[2] for r in received], [b"first"])
                lines = err.decode().splitlines()
                self.assertEqual(len(lines), 1, lines)
                self.assertRegex(lines[0], r"^mqtk-pub: %s:2: the record is \d+ years after the first of the replay, "
                                           r"a wait of \d+ years at --speed 1; a replay waits at most 100 years "
                                           % re.escape(path))

    def test_compressed_recordings_replay(self):
        prefix = self.source + "/" + unique("zipped")
        client_id = unique("rec")
        paths = {}
        for compression, extension in (("gzip", "jsonl"), ("zstd", "csv")):
            base = os.path.join(self.directory, "zipped-%s.%s" % (compression, extension))
            recorder = Process([RECORD, "-p", str(self.port), "-i", client_id + compression, "-q", "1",
                                "-t", prefix + "/#", "-o", base, "--rotate", "1h", "--compress", compression,
                                "--spool", os.path.join(self.directory, "spool-" + compression), "--quiet"])
            with recorder:
                self.broker.wait_for_subscription(client_id + compression, prefix + "/#")
                for name, payload in self.PAYLOADS[:3]:
                    run(["mosquitto_pub", "-p", str(self.port), "-t", prefix + "/" + name, "-q", "1", "-s"],
                        input=payload)
                wait_until(lambda: any(line_count(os.path.join(self.directory, f)) >= 3 + (extension == "csv")
                                       for f in os.listdir(self.directory)
                                       if f.startswith("zipped-%s-" % compression) and f.endswith(extension)),
                           what="the recording")
                recorder.signal(signal.SIGINT)
                rc, _, err = recorder.finish()
                self.assertEqual(rc, 0, err)
            [paths[compression]] = [os.path.join(self.directory, f) for f in os.listdir(self.directory)
                                    if f.startswith("zipped-%s-" % compression)]
        self.assertTrue(paths["gzip"].endswith(".jsonl.gz") and paths["zstd"].endswith(".csv.zst"), paths)
        for compression, path in paths.items():
            with self.subTest(compression=compression):
                rc, _, err, received, _ = self.replay(["--replay", path, "--speed", "max"], 3)
                self.assertEqual(rc, 0, err)
                got = {topic.rsplit("/", 1)[1]: payload for _, topic, payload, *_ in received}
                self.assertEqual(got, dict(self.PAYLOADS[:3]))
        cut = os.path.join(self.directory, "cut.jsonl.gz")
        with open(paths["gzip"], "rb") as f, open(cut, "wb") as out:
            data = f.read()
            out.write(data[:len(data) - 8])  # without the gzip trailer
        rc, _, err = run([PUB, "-p", str(self.port), "--replay", cut, "--speed", "max"])
        self.assertEqual(rc, 1)
        self.assertIn(b"--replay: %s ends before its compressed data does (cut short?)" % cut.encode(), err)

    def test_line_protocol_is_named(self):
        lp = os.path.join(self.directory, "points.lp")
        client_id = unique("rec")
        with Process([RECORD, "-p", str(self.port), "-i", client_id, "-t", self.source + "/lp", "-o", lp,
                      "--spool", os.path.join(self.directory, "lp-spool"), "--quiet"]) as recorder:
            self.broker.wait_for_subscription(client_id, self.source + "/lp")
            run(["mosquitto_pub", "-p", str(self.port), "-t", self.source + "/lp", "-m", '{"t": 21.5}', "-q", "1"])
            wait_until(lambda: os.path.exists(lp) and os.path.getsize(lp) > 0, what="the point")
            recorder.signal(signal.SIGINT)
            rc, _, err = recorder.finish()
            self.assertEqual(rc, 0, err)
        unnamed = os.path.join(self.directory, "points.rec")
        shutil.copy(lp, unnamed)
        cannot = ("InfluxDB line protocol cannot be replayed (it keeps neither the exact payload nor QoS and retain); "
                  "record .jsonl or .csv as well\n")
        for path, message in ((lp, "--replay: %s: " % lp), (unnamed, "%s:1: " % unnamed)):
            for flags in ([], ["--skip-bad"]):
                with self.subTest(path=os.path.basename(path), flags=flags):
                    rc, out, err = run([PUB, "-p", str(self.port), "--replay", path, *flags])
                    self.assertEqual((rc, out), (1, b""))
                    self.assertEqual(err.decode(), "mqtk-pub: " + message + cannot)

    def test_escape_sequences_in_a_recording_are_shown_escaped(self):
        encoding = '"encoding":"\\u001b]0;owned\\u0007\\u009b2J",'
        path = self.write("escapes.jsonl", [self.record("2026-01-01T00:00:00Z", "x", '"payload":"x"', extra=encoding)])
        rc, out, err = run([PUB, "-p", str(self.port), "--replay", path])
        self.assertEqual((rc, out), (1, b""))
        self.assertIn(b"unknown encoding '\\x1b]0;owned\\x07\\xc2\\x9b2J'", err)
        for raw in (b"\x1b", b"\x07", b"\xc2\x9b"):
            self.assertNotIn(raw, err)


class BrokerLossTest(ReplayCase):
    def test_broker_going_away_fails_the_replay(self):
        path = os.path.join(self.directory, "long.jsonl")
        with open(path, "w") as f:
            for i in range(40):
                f.write(json.dumps({"time": "2026-01-01T00:00:%02d.%dZ" % (i // 10, i % 10), "topic": "long",
                                    "qos": 1, "payload": i}) + "\n")
        with Broker() as doomed:
            with Process([PUB, "-p", str(doomed.port), "--replay", path]) as replay:
                time.sleep(1)
                doomed.kill()
                rc, _, err = replay.finish()
        self.assertEqual(rc, 1)
        self.assertRegex(err.decode(), r"^mqtk-pub: lost the connection to .*: \d+ of \d+ messages were not "
                                       r"acknowledged\n$")


class ProgressTest(ReplayCase):
    def test_progress_bar_on_a_terminal_only(self):
        pid, terminal = pty.fork()
        if pid == 0:
            os.execv(PUB, [PUB, "-p", str(self.port), "--replay", self.jsonl, "--topic-prefix", "progress/"])
        seen = b""
        try:
            while True:
                if select.select([terminal], [], [], 10)[0]:
                    chunk = os.read(terminal, 4096)
                    if not chunk:
                        break
                    seen += chunk
                else:
                    break
        except OSError:
            pass  # the terminal closes when mqtk-pub exits
        finally:
            _, status = os.waitpid(pid, 0)
            os.close(terminal)
        self.assertEqual(os.waitstatus_to_exitcode(status), 0, seen)
        self.assertRegex(seen, rb"\r\x1b\[K\[#*\.*\] [1-5]/6  00:00:0\d  ETA 00:00:0\d")
        self.assertTrue(seen.endswith(b"\r\x1b[K"), seen[-40:])  # the bar is cleared at the end
        # Over MQTT v3.1.1 the properties cannot go: said once.
        self.assertEqual(seen.count(b"properties cannot be published over MQTT v3; -V 5 keeps them"), 1)
        # Not on a pipe, nor with --quiet.
        rc, _, err = run([PUB, "-p", str(self.port), "-V", "5", "--replay", self.jsonl, "--speed", "max",
                          "--topic-prefix", "progress/"])
        self.assertEqual((rc, err), (0, b""))
        for topic in ("retained",) + tuple(s[1] for s in STREAM):
            run(["mosquitto_pub", "-p", str(self.port), "-t", "progress/%s/%s" % (self.source, topic), "-r", "-n"])


if __name__ == "__main__":
    unittest.main()
