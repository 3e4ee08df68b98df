"""mqtk-record against a real mosquitto and a real InfluxDB 1.x: the job of
a hand-written per-message subscriber, every mapping rule, each file format
read back, and durability when the recorder, the database or the disk fails."""

import base64
import csv
import gzip
import json
import os
import pty
import re
import signal
import subprocess
import time
import unittest
import urllib.error
import urllib.request

import paho.mqtt.client as mqtt

from harness import (BrokerTestCase, InfluxDB, Process, ScratchDirectory, answering_http_server, free_port,
                     publish_all, run, shared_influx_url, silent_listener, tool, unique, volume, wait_until,
                     wait_until_handling)
from harness import json_records as records

RECORD = tool("record")


def spooled_bytes(spool):
    """The bytes a spool holds past its checkpoint (those not yet in the database)."""
    segments = sorted(f for f in os.listdir(spool) if re.fullmatch(r"\d+\.lp", f))
    try:
        with open(os.path.join(spool, "checkpoint")) as f:
            segment, offset = (int(x) for x in f.read().split())
    except FileNotFoundError:
        segment, offset = 0, 0
    held = 0
    for name in segments:
        if int(name[:-3]) >= segment:
            held += os.path.getsize(os.path.join(spool, name)) - (offset if int(name[:-3]) == segment else 0)
    return held


def payload_of(record):
    if record["encoding"] == "base64":
        return base64.b64decode(record["payload"])
    if record["encoding"] == "utf-8":
        return record["payload"].encode()
    return json.dumps(record["payload"], separators=(",", ":")).encode()


class RecordCase(ScratchDirectory, BrokerTestCase):
    """A broker (shared) and an InfluxDB (the fixture's, or one of its own),
    and a scratch directory per test."""

    scratch_prefix = "mqtk-record-test-"

    influx = None
    own_influx = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        url = shared_influx_url()
        if url:
            cls.influx = InfluxDB.__new__(InfluxDB)
            cls.influx.port = int(url.rsplit(":", 1)[1])
        else:
            cls.own_influx = InfluxDB().start()
            cls.influx = cls.own_influx

    @classmethod
    def tearDownClass(cls):
        if cls.own_influx:
            cls.own_influx.__exit__(None, None, None)
        super().tearDownClass()

    def start_recorder(self, topics, *flags, broker=None, client_id=None, env=None, wrapper=()):
        broker = broker or self.broker
        client_id = client_id or unique("rec")
        argv = [*wrapper, RECORD, "-p", str(broker.port), "-i", client_id, "--spool", self.path("spool-" + client_id)]
        for t in topics:
            argv += ["-t", t]
        since = len(broker.log())  # the id may have subscribed before, in an earlier run
        process = Process(argv + list(flags), env=env)
        broker.wait_for_subscription(client_id, topics[-1], since=since)
        return process

    def stop_recorder(self, process, expect_status=0):
        process.signal(signal.SIGINT)
        rc, out, err = process.finish(timeout=30)
        self.assertEqual(rc, expect_status, err)
        return out, err

    def database(self):
        name = unique("db").replace("-", "_")
        return name

    def influx_flags(self, database):
        return ["--influx", self.influx.url, "--influx-db", database, "--batch-interval", "100ms"]

    def wait_points(self, database, measurement, count, timeout=20):
        def enough():
            try:
                rows = self.influx.rows('SELECT count(*) FROM "%s"' % measurement.replace('"', '\\"'), database)
            except AssertionError:
                return False
            return bool(rows) and max(v for k, v in rows[0].items() if k.startswith("count_")) >= count
        wait_until(enough, timeout=timeout, what="%d points in %s" % (count, measurement))


class PerMessageSubscriberTest(RecordCase):
    def test_json_on_topic_test_into_database_test_mqtt(self):
        """What people hand-write with paho and one InfluxDB write per
        message, done by mqtk-record: JSON published to `test` at QoS 1 ends
        up in database test_mqtt, readable with `select * from test`."""
        topic = "test"
        database = "test_mqtt_" + unique("db").replace("-", "_")  # test_mqtt, kept apart per run
        recorder = self.start_recorder([topic], *self.influx_flags(database))
        try:
            client = mqtt.Client()
            client.connect("127.0.0.1", self.port)
            client.loop_start()
            client.publish(topic, json.dumps({"name": "zzerii"}), 1).wait_for_publish(10)
            client.loop_stop()
            client.disconnect()
            self.wait_points(database, "test", 1)
        finally:
            self.stop_recorder(recorder)
        rows = self.influx.rows("select * from test", database)
        self.assertEqual([row["name"] for row in rows], ["zzerii"])
        self.assertGreater(rows[0]["time"], (time.time() - 60) * 1e9)  # the receive time, in nanoseconds


class MappingTest(RecordCase):
    def record_points(self, messages, *flags):
        """Publishes (topic suffix, payload) pairs and returns the line
        protocol file and the InfluxDB rows per measurement."""
        prefix = self.topic()
        database = self.database()
        lp = self.path("points.lp")
        everything = self.path("everything.jsonl")
        recorder = self.start_recorder([prefix + "/#"], "-o", lp, "-o", everything, *self.influx_flags(database),
                                       *flags)
        try:
            publish_all(self.port, [(prefix + "/" + t, p, 1, False) for t, p in messages])
            wait_until(lambda: os.path.exists(everything) and len(records(everything)) == len(messages),
                       what="every message recorded")
        finally:
            out, err = self.stop_recorder(recorder)  # sends what is spooled before it exits
        with open(lp) as f:
            lines = f.read().splitlines()
        return prefix, database, lines, err

    def test_fields_from_json(self):
        prefix, database, lines, _ = self.record_points([
            ("a", b'{"temp": 21, "half": 21.5, "ok": true, "name": "boiler \\"b\\"", "n": null}'),
            ("b", b'{"outer": {"inner": 1, "deep": {"x": 2}}, "list": [10, {"y": 3}]}'),
            ("c", b"36.5"),
            ("d", b"hello world"),
            ("e", b"[1, 2]"),
            ("f", b"\xff\xfe binary"),
            ("g", b"{}"),
            ("h", b'{"time": 5}'),
        ])
        self.assertEqual(len(lines), 6)  # binary and an empty object make no point
        rows = {row["_measurement"].rsplit("/", 1)[1]: row
                for m in ("a", "b", "c", "d", "e", "h")
                for row in self.influx.rows('SELECT * FROM "%s/%s"' % (prefix, m), database)}
        self.assertEqual((rows["a"]["temp"], rows["a"]["half"], rows["a"]["ok"], rows["a"]["name"]),
                         (21, 21.5, True, 'boiler "b"'))
        self.assertNotIn("n", rows["a"])
        self.assertEqual((rows["b"]["outer_inner"], rows["b"]["outer_deep_x"], rows["b"]["list_0"],
                          rows["b"]["list_1_y"]), (1, 2, 10, 3))
        self.assertEqual(rows["c"]["value"], 36.5)
        self.assertEqual(rows["d"]["value"], "hello world")
        self.assertEqual((rows["e"]["value_0"], rows["e"]["value_1"]), (1, 2))
        self.assertEqual(rows["h"]["time_"], 5)
        # Numbers are floats unless --integers: a sensor alternating 21 and 21.5 never conflicts.
        fields = self.influx.rows('SHOW FIELD KEYS FROM "%s/a"' % prefix, database)
        self.assertEqual({f["fieldKey"]: f["fieldType"] for f in fields},
                         {"temp": "float", "half": "float", "ok": "boolean", "name": "string"})

    def test_integers_skip_text_measurement_and_tags(self):
        prefix, database, lines, err = self.record_points(
            [("berlin/boiler/temp", b'{"count": 3, "ratio": 0.5}'), ("paris/pump/temp", b'{"count": 4}'),
             ("paris/pump/note", b"just text")],
            "--integers", "--skip-text", "--measurement", "sensors", "--topic-tag", "topic",
            "--topic-tags", "%s/+city/+device/#" % "+")
        self.assertEqual(len(lines), 2)
        rows = self.influx.rows('SELECT * FROM sensors ORDER BY time', database)
        self.assertEqual([(r["city"], r["device"], r["count"]) for r in rows], [("berlin", "boiler", 3),
                                                                                ("paris", "pump", 4)])
        self.assertEqual(rows[0]["topic"], prefix + "/berlin/boiler/temp")
        fields = self.influx.rows("SHOW FIELD KEYS FROM sensors", database)
        self.assertEqual({f["fieldKey"]: f["fieldType"] for f in fields}, {"count": "integer", "ratio": "float"})
        self.assertIn(b"1 message made no point (0 binary, 1 text, 0 without fields)", err)

    def test_time_from_a_field(self):
        prefix, database, lines, err = self.record_points(
            [("rfc", b'{"v": 1, "at": "2020-05-06T21:48:00.123456789Z"}'), ("ms", b'{"v": 2, "at": 1588801680123}'),
             ("none", b'{"v": 3}')],
            "--time-field", "at", "--time-unit", "ms")
        times = {row["_measurement"].rsplit("/", 1)[1]: row["time"]
                 for m in ("rfc", "ms") for row in self.influx.rows('SELECT * FROM "%s/%s"' % (prefix, m), database)}
        self.assertEqual(times, {"rfc": 1588801680123456789, "ms": 1588801680123000000})
        self.assertIn(b"1 point took the receive time", err)

    def test_escaping_round_trips_through_influxdb(self):
        prefix, database, lines, _ = self.record_points(
            [("with space,comma=eq", b'{"key with space": "v\\\\al \\"q\\"", "k,=": 1}')],
            "--topic-tag", "the topic")
        rows = self.influx.rows('SELECT * FROM "%s/with space,comma=eq"' % prefix, database)
        self.assertEqual(len(rows), 1)
        self.assertEqual(rows[0]["key with space"], 'v\\al "q"')
        self.assertEqual(rows[0]["k,="], 1)
        self.assertEqual(rows[0]["the topic"], prefix + "/with space,comma=eq")


class FileFormatsTest(RecordCase):
    PAYLOADS = [b'{"name": "zzerii", "temp": 21.5}', b"36.5", b"plain text, with \"quotes\"\n", b"",
                bytes(range(256)), "\uc628\ub3c4".encode()]

    def test_each_format_reads_back(self):
        prefix = self.topic()
        paths = {"jsonl": self.path("out.jsonl"), "csv": self.path("out.csv"), "lp": self.path("out.lp"),
                 "plain": self.path("out.data")}
        recorder = self.start_recorder([prefix + "/#"], "-o", paths["jsonl"], "-o", paths["csv"], "-o", paths["lp"],
                                       "-o", paths["plain"], "--format", "csv")
        publish_all(self.port, [(prefix + "/%d" % i, p, 1, False) for i, p in enumerate(self.PAYLOADS)])
        wait_until(lambda: len(open(paths["jsonl"]).read().splitlines()) == len(self.PAYLOADS), what="records")
        _, err = self.stop_recorder(recorder)
        got = records(paths["jsonl"])
        self.assertEqual([r["topic"] for r in got], ["%s/%d" % (prefix, i) for i in range(len(self.PAYLOADS))])
        for record, payload in zip(got, self.PAYLOADS):
            if record["encoding"] == "json":
                self.assertEqual(record["payload"], json.loads(payload))
            else:
                self.assertEqual(payload_of(record), payload)
        for name in ("csv", "plain"):  # --format csv for an unknown extension
            with open(paths[name], newline="") as f:
                rows = list(csv.reader(f))
            self.assertEqual(rows[0][:6], ["time", "topic", "qos", "retain", "encoding", "payload"])
            for row, payload in zip(rows[1:], self.PAYLOADS):
                data = base64.b64decode(row[5]) if row[4] == "base64" else row[5].encode()
                self.assertEqual(data, payload)
        # The line protocol file loads into InfluxDB as it is.
        database = self.database()
        self.influx.query('CREATE DATABASE "%s"' % database)
        with open(paths["lp"], "rb") as f:
            body = f.read()
        import urllib.request
        answer = urllib.request.urlopen(self.influx.url + "/write?db=" + database, data=body, timeout=10)
        self.assertEqual(answer.status, 204)
        self.assertEqual(body.count(b"\n"), 4)  # the empty and the binary payload make no point
        self.assertIn(b"wrote 6 records to " + paths["jsonl"].encode(), err)

    def test_standard_output_pipes(self):
        prefix = self.topic()
        recorder = self.start_recorder([prefix], "-o", "-", "--quiet")
        publish_all(self.port, [(prefix, b"one", 1, False), (prefix, b"two", 1, False)])
        wait_until(lambda: recorder.output().count(b"\n") == 2, what="two lines on standard output")
        out, err = self.stop_recorder(recorder)
        self.assertEqual([json.loads(line)["payload"] for line in out.splitlines()], ["one", "two"])
        self.assertEqual(err, b"")

    def test_rotation_by_size_and_time(self):
        prefix = self.topic()
        base = self.path("rotated.jsonl")
        recorder = self.start_recorder([prefix], "-o", base, "--rotate", "2KB")
        publish_all(self.port, [(prefix, b"%04d" % i + b"x" * 100, 1, False) for i in range(100)])
        time.sleep(1)
        self.stop_recorder(recorder)
        files = sorted(f for f in os.listdir(self.directory) if f.startswith("rotated-") and f.endswith(".jsonl"))
        self.assertGreater(len(files), 1)  # rotation happens between bursts: how many depends on speed
        payloads = [r["payload"][:4] for f in files for r in records(self.path(f))]
        self.assertEqual(payloads, ["%04d" % i for i in range(100)])
        time_base = self.path("timed.csv")
        recorder = self.start_recorder([prefix + "/t"], "-o", time_base, "--rotate", "1s")
        for i in range(3):
            publish_all(self.port, [(prefix + "/t", b"%d" % i, 1, False)])
            time.sleep(1.2)
        self.stop_recorder(recorder)
        timed = [f for f in os.listdir(self.directory) if f.startswith("timed-")]
        self.assertGreaterEqual(len(timed), 3)
        for name in timed:
            with open(self.path(name)) as f:
                self.assertTrue(f.read().startswith("time,topic,"))  # every rotated CSV has its header

    def test_rotation_on_the_clock(self):
        prefix = self.topic()
        recorder = self.start_recorder([prefix], "-o", self.path("clock.jsonl"), "--rotate", "1s",
                                       "--rotate-clock", "utc")
        deadline = time.monotonic() + 3.5
        i = 0
        while time.monotonic() < deadline:  # a message every 100 ms across several second boundaries
            publish_all(self.port, [(prefix, b"%d" % i, 1, False)])
            i += 1
            time.sleep(0.1)
        self.stop_recorder(recorder)
        files = sorted(f for f in os.listdir(self.directory) if f.startswith("clock-"))
        self.assertGreaterEqual(len(files), 3)
        seen = 0
        for name in files:
            seconds = {r["time"][:19] for r in records(self.path(name))}
            self.assertEqual(len(seconds), 1, "%s holds records of more than one second: %s" % (name, seconds))
            self.assertEqual(name[len("clock-"):len("clock-") + 15].replace("T", ""),
                             next(iter(seconds)).replace("-", "").replace(":", "").replace("T", ""))
            seen += len(records(self.path(name)))
        self.assertEqual(seen, i)

    def test_keep_and_compress(self):
        for compression, suffix, reader in (("gzip", ".gz", lambda data: gzip.decompress(data)),
                                            ("zstd", ".zst", lambda data: subprocess.run(
                                                ["zstd", "-d", "-c"], input=data, stdout=subprocess.PIPE,
                                                check=True).stdout)):
            with self.subTest(compression=compression):
                prefix = self.topic(compression)
                base = self.path("kept-%s.jsonl" % compression)
                recorder = self.start_recorder([prefix], "-o", base, "--rotate", "300B", "--keep", "3",
                                               "--compress", compression)
                def recorded(number):
                    marker = b'"payload":"%04d' % number
                    for name in os.listdir(self.directory):
                        if name.startswith("kept-%s-" % compression) and not name.endswith(".tmp"):
                            try:
                                with open(self.path(name), "rb") as f:
                                    data = f.read()
                                if marker in (data if name.endswith(".jsonl") else reader(data)):
                                    return True
                            except Exception:  # noqa: BLE001 - being compressed or removed meanwhile
                                pass
                    return False

                for i in range(12):  # each message fills a file of its own
                    publish_all(self.port, [(prefix, b"%04d" % i + b"x" * 300, 1, False)])
                    wait_until(lambda: recorded(i), timeout=20, what="message %d recorded" % i)
                _, err = self.stop_recorder(recorder)
                files = sorted(f for f in os.listdir(self.directory) if f.startswith("kept-%s-" % compression))
                self.assertEqual(len(files), 3, files)
                self.assertTrue(all(f.endswith(".jsonl" + suffix) for f in files), files)  # the last one too
                payloads = []
                for name in files:
                    with open(self.path(name), "rb") as f:
                        payloads += [json.loads(line)["payload"][:4] for line in reader(f.read()).splitlines()]
                self.assertEqual(payloads, ["0009", "0010", "0011"])
                self.assertIn(b"compressed 12 finished files", err)
                self.assertIn(b"removed 9 old files past --keep", err)

    def test_files_are_appended_to_never_cut(self):
        prefix = self.topic()
        path = self.path("appended.jsonl")
        with open(path, "w") as f:
            f.write('{"kept": true}\n{"theirs": "no line end')
        # A line the recorder did not write is not its to cut: it refuses.
        rc, _, err = run([RECORD, "-p", str(self.port), "-t", prefix, "-o", path])
        self.assertEqual(rc, 1, err)
        self.assertIn(path.encode() + b" ends inside a line that mqtk-record did not write", err)
        with open(path) as f:
            self.assertEqual(f.read(), '{"kept": true}\n{"theirs": "no line end')
        with open(path, "a") as f:
            f.write('"}\n')
        recorder = self.start_recorder([prefix], "-o", path)
        publish_all(self.port, [(prefix, b"new", 1, False)])
        wait_until(lambda: open(path).read().endswith('"new"}\n'), what="the new record")
        self.stop_recorder(recorder)
        lines = open(path).read().splitlines()
        self.assertEqual(lines[:2], ['{"kept": true}', '{"theirs": "no line end"}'])
        self.assertEqual(len(lines), 3)

    def test_its_own_torn_record_is_cut_after_a_crash(self):
        prefix = self.topic()
        client_id = unique("rec")
        path = self.path("crash.csv")
        recorder = self.start_recorder([prefix], "-o", path, client_id=client_id)
        publish_all(self.port, [(prefix, b"line 1\nline 2", 1, False)])
        wait_until(lambda: open(path).read().count("\n") >= 3, what="the record")
        recorder.popen.kill()  # SIGKILL: no clean stop
        recorder.stop()
        with open(path, "a") as f:
            f.write('2026-01-01T00:00:00Z,%s,1,0,utf-8,"torn\nin the middle\n' % prefix)  # as a crash mid-write leaves it
        recorder = self.start_recorder([prefix], "-o", path, client_id=client_id)
        publish_all(self.port, [(prefix, b"after", 1, False)])
        wait_until(lambda: open(path).read().endswith(",after,\n"), what="the next record")
        self.stop_recorder(recorder)
        with open(path, newline="") as f:
            rows = list(csv.DictReader(f))
        # The torn record is gone; the first message may come twice (its
        # acknowledgement may not have left before the kill).
        payloads = [row["payload"] for row in rows]
        self.assertEqual(payloads[-1], "after")
        self.assertIn(payloads[:-1], (["line 1\nline 2"], ["line 1\nline 2"] * 2))


class UnlimitedQueueCase(RecordCase):
    """With a broker of its own that queues without limit for a session
    whose client is absent or slow (mosquitto keeps 1000 by default and
    drops the rest: a recorder slower than the stream, as under a sanitizer,
    would lose messages at the broker)."""

    broker_config = "max_queued_messages 0\n"


class VolumeTest(UnlimitedQueueCase):
    def test_a_volume_of_messages_none_lost_or_duplicated(self):  # 100,000 (a fifth under the sanitizers)
        prefix = self.topic()
        database = self.database()
        path = self.path("volume.jsonl")
        count = volume(100000)
        recorder = self.start_recorder([prefix], "-o", path, *self.influx_flags(database), "-V", "5")
        lines = b"".join(b'{"n": %d}\n' % i for i in range(count))
        rc, _, err = run([tool("pub"), "-p", str(self.port), "-t", prefix, "-q", "1", "-l"], input=lines, timeout=240)
        self.assertEqual(rc, 0, err)
        try:
            self.wait_points(database, prefix, count, timeout=240)
        except AssertionError as e:
            recorder.signal(signal.SIGINT)
            raise AssertionError("%s; the recorder said: %s" % (e, recorder.finish()[2].decode(errors="replace")))
        self.stop_recorder(recorder)
        numbers = [r["payload"]["n"] for r in records(path)]
        self.assertEqual(numbers, list(range(count)))
        rows = self.influx.rows('SELECT count(n) FROM "%s"' % prefix, database)
        self.assertEqual(rows[0]["count"], count)


class DurabilityTest(UnlimitedQueueCase):

    def test_killed_and_restarted_loses_nothing(self):
        prefix = self.topic()
        client_id = unique("durable")
        path = self.path("durable.jsonl")
        count = 20000
        recorder = self.start_recorder([prefix], "-o", path, client_id=client_id)
        feeder = subprocess.Popen([tool("pub"), "-p", str(self.port), "-t", prefix, "-q", "1", "-l"],
                                  stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            for i in range(count):
                feeder.stdin.write(b'{"n": %d}\n' % i)
                if i == count // 3:
                    feeder.stdin.flush()
                    wait_until(lambda: os.path.exists(path) and os.path.getsize(path) > 0, what="some records")
                    recorder.signal(signal.SIGKILL)
                    recorder.finish()
                if i == count // 2:
                    feeder.stdin.flush()
                    recorder = self.start_recorder([prefix], "-o", path, client_id=client_id)
            feeder.stdin.close()
            self.assertEqual(feeder.wait(timeout=120), 0)
            wait_until(lambda: len(set(r["payload"]["n"] for r in records(path))) == count, timeout=60,
                       what="every message recorded")
        finally:
            feeder.kill()
            self.stop_recorder(recorder)
        numbers = [r["payload"]["n"] for r in records(path)]
        self.assertEqual(sorted(set(numbers)), list(range(count)))
        # QoS 1: redelivery after the kill may repeat a few, never more than were in flight.
        self.assertLess(len(numbers) - count, 2000)

    def test_influxdb_down_for_a_while_loses_nothing(self):
        prefix = self.topic()
        with InfluxDB() as influx:
            database = self.database()
            recorder = self.start_recorder([prefix], "--influx", influx.url, "--influx-db", database,
                                           "--batch-interval", "100ms")
            publish_all(self.port, [(prefix, b'{"n": %d}' % i, 1, False) for i in range(100)])
            wait_until(lambda: _count(influx, database, prefix) == 100, what="the first 100 points")
            influx.stop(keep_port=True)
            publish_all(self.port, [(prefix, b'{"n": %d}' % i, 1, False) for i in range(100, 1100)])
            time.sleep(3)
            self.assertTrue(os.listdir(self.path("spool-" + recorder.argv[4])))
            influx.start()
            wait_until(lambda: _count(influx, database, prefix) == 1100, timeout=60, what="all 1100 points")
            out, err = self.stop_recorder(recorder)
        self.assertIn(b"keeping points spooled and retrying", err)
        self.assertIn(b"is accepting points again", err)

    def test_full_spool_leaves_messages_at_the_broker(self):
        prefix = self.topic()
        with InfluxDB() as influx:
            database = self.database()
            client_id = unique("bounded")
            spool = self.path("spool-" + client_id)
            recorder = self.start_recorder([prefix], "--influx", influx.url, "--influx-db", database,
                                           "--batch-interval", "100ms", "--spool-max", "2KB", client_id=client_id)
            publish_all(self.port, [(prefix, b'{"n": 0}', 1, False)])
            wait_until(lambda: _count(influx, database, prefix) == 1, what="the first point")
            influx.stop(keep_port=True)
            publish_all(self.port, [(prefix, b'{"n": %d}' % i, 1, False) for i in range(1, 1000)])
            wait_until(lambda: b"keeping points spooled and retrying" in recorder.errors(),
                       what="the recorder to find InfluxDB down")
            time.sleep(2)
            # About the bound (plus what one turn read): the rest waits at the broker.
            self.assertLess(spooled_bytes(spool), 8000, "recorder: %r" % recorder.errors()[-1000:])
            influx.start()
            wait_until(lambda: _count(influx, database, prefix) == 1000, timeout=60, what="all 1000 points")
            self.stop_recorder(recorder)

    def test_refused_point_is_set_aside_and_the_rest_kept(self):
        prefix = self.topic()
        database = self.database()
        recorder = self.start_recorder([prefix], *self.influx_flags(database), "--batch-interval", "1s")
        messages = [(prefix, b'{"v": %d}' % i, 1, False) for i in range(5)]
        messages.insert(2, (prefix, b'{"v": "not a number"}', 1, False))  # a field type conflict
        publish_all(self.port, messages[:1])
        self.wait_points(database, prefix, 1)
        publish_all(self.port, messages[1:])
        self.wait_points(database, prefix, 5)
        time.sleep(0.5)
        out, err = self.stop_recorder(recorder, expect_status=65)  # points were refused
        values = sorted(row["v"] for row in self.influx.rows('SELECT * FROM "%s"' % prefix, database))
        self.assertEqual(values, [0, 1, 2, 3, 4])
        self.assertIn(b"InfluxDB refused a point (", err)
        self.assertIn(b"field type conflict", err)
        self.assertIn(b'v="not a number"', err)
        with open(os.path.join(self.path("spool-" + recorder.argv[4]), "rejected.lp")) as f:
            self.assertIn('v="not a number"', f.read())

    def test_a_type_conflict_names_the_fix_and_rejected_points_are_sent_again(self):
        prefix = self.topic()
        database = self.database()
        self.influx.query('CREATE DATABASE "%s"' % database)
        request = urllib.request.Request("%s/write?db=%s" % (self.influx.url, database),
                                         data=("%s v=1i %d" % (prefix, time.time_ns() - 10**9)).encode(),
                                         method="POST")
        urllib.request.urlopen(request, timeout=10).close()  # the field holds integers already (this week's shard)
        client_id = unique("rec")
        recorder = self.start_recorder([prefix], *self.influx_flags(database), client_id=client_id)
        publish_all(self.port, [(prefix, b'{"v": 2}', 1, False)])
        wait_until(lambda: b"InfluxDB refused a point" in recorder.errors(), what="the refusal")
        _, err = self.stop_recorder(recorder, expect_status=65)
        self.assertIn(b"the field already holds integers: record with --integers, then --resend-rejected", err)
        resend = [RECORD, "-p", str(self.port), "-i", client_id, "-t", prefix, "--spool",
                  self.path("spool-" + client_id), *self.influx_flags(database), "--resend-rejected"]
        rc, _, err = run(resend)
        self.assertEqual(rc, 65, err)  # the cause is still there: refused again, kept
        self.assertIn(b"1 point refused again, kept in ", err)
        self.influx.query('DROP MEASUREMENT "%s"' % prefix, database)  # the cause, fixed
        rc, _, err = run(resend)
        self.assertEqual(rc, 0, err)
        self.assertIn(b"sent 1 point of 1 refused point to InfluxDB", err)
        self.assertEqual([row["v"] for row in self.influx.rows('SELECT * FROM "%s"' % prefix, database)], [2])
        self.assertFalse(os.path.exists(os.path.join(self.path("spool-" + client_id), "rejected.lp")))

    @unittest.skipUnless(os.geteuid() == 0, "mounting a small tmpfs needs root")
    def test_full_disk_is_a_clear_error_without_torn_lines(self):
        mount = self.path("small")
        os.makedirs(mount)
        if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", mount]).returncode != 0:
            self.skipTest("cannot mount a tmpfs here")
        try:
            prefix = self.topic()
            path = os.path.join(mount, "full.jsonl")
            recorder = self.start_recorder([prefix], "-o", path)
            publish_all(self.port, [(prefix, b"%06d" % i + b"x" * 1000, 1, False) for i in range(400)])
            rc, out, err = recorder.finish(timeout=30)
            self.assertEqual(rc, 1)
            self.assertIn(b"cannot write to " + path.encode() + b": No space left on device", err)
            with open(path, "rb") as f:
                content = f.read()
            self.assertTrue(content.endswith(b"\n"))
            for line in content.splitlines():
                json.loads(line)  # every line whole
        finally:
            subprocess.run(["umount", mount])


class InfluxBatchTest(RecordCase):
    def test_large_points_go_as_soon_as_a_request_is_full(self):
        """A batch is full at --batch-size points or at the most one request
        carries (8 MB): 60 KB points fill the second after about 140, so
        they must not wait for the batch interval (here an hour)."""
        prefix = self.topic()
        database = self.database()
        recorder = self.start_recorder([prefix], "--influx", self.influx.url, "--influx-db", database,
                                       "--batch-interval", "1h")
        try:
            publish_all(self.port, [(prefix, b'{"n": %d, "s": "%s"}' % (i, b"x" * 60000), 1, False)
                                    for i in range(300)])
            self.wait_points(database, prefix, 250, timeout=60)  # two full requests at least
        finally:
            self.stop_recorder(recorder)

    def test_points_go_once_the_messages_pause(self):
        """Points wait for a full batch only while messages keep coming:
        after a pause of a twentieth of --batch-interval (here 3 of 60 s),
        what waits is sent, long before the interval ends."""
        prefix = self.topic()
        database = self.database()
        recorder = self.start_recorder([prefix], "--influx", self.influx.url, "--influx-db", database,
                                       "--batch-interval", "60s")
        try:
            publish_all(self.port, [(prefix, b'{"n": %d}' % i, 1, False) for i in range(3)])
            self.wait_points(database, prefix, 3, timeout=30)
        finally:
            self.stop_recorder(recorder)


class InfluxProxy:
    """A loopback HTTP proxy in front of a real InfluxDB that keeps every
    write it was given: (the lines' "n" fields, whether it was passed on).
    With `hold`, a write waits up to 5 s for a second before it goes on, so
    that two sent at once are seen at once (max_in_flight), and writes held
    together go on one after the other, the one with the highest "n" first:
    the order least kind to points that should have been sent in order.
    `refuse(body, first, paired)` true answers 503 and passes nothing on; a
    number is the status to answer with, and a Retry-After of 3 s. `first`:
    the write came on the recorder's first connection, the one of its check
    at start-up (the first of its two senders); `paired`: another write was
    under way with it (with `hold`). `started` holds when each write came."""

    def __init__(self, influx_url, hold=False, refuse=lambda body, first, paired: False):
        import http.server
        import threading
        proxy = self
        self.writes, self.started, self.max_in_flight, self.in_flight = [], [], 0, 0
        first_connection = []  # the client port of the check's empty write
        changed = threading.Condition()
        held = []  # the highest "n" of each write held

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def forward(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                is_write = self.path.startswith("/write") and body  # not the empty one of the check at start-up
                if self.path.startswith("/write") and not body and not first_connection:
                    first_connection.append(self.client_address[1])
                numbers = [int(n) for n in re.findall(rb"\bn=(\d+)", body)]
                highest = max(numbers, default=-1)
                headers = {}
                paired = False
                if is_write:
                    with changed:
                        proxy.started.append(time.monotonic())
                        arrived = len(proxy.started)
                        proxy.in_flight += 1
                        proxy.max_in_flight = max(proxy.max_in_flight, proxy.in_flight)
                        held.append(highest)
                        changed.notify_all()
                        if hold:
                            # Paired: another write is held, or came since (and may be done already).
                            paired = changed.wait_for(lambda: len(held) >= 2 or len(proxy.started) > arrived,
                                                      timeout=5)
                            changed.wait_for(lambda: highest == max(held))
                try:
                    refused = is_write and refuse(body, self.client_address[1] in first_connection, paired)
                    if refused:
                        status, answer = 503 if refused is True else refused, b'{"error":"refused by the test"}'
                        if refused is not True:
                            headers["Retry-After"] = "3"
                    else:
                        request = urllib.request.Request(influx_url + self.path, data=body if body else None,
                                                         method=self.command)
                        try:
                            with urllib.request.urlopen(request, timeout=60) as response:
                                status, answer = response.status, response.read()
                        except urllib.error.HTTPError as e:
                            status, answer = e.code, e.read()
                    if is_write:
                        with changed:
                            proxy.writes.append((numbers, 200 <= status < 300))
                finally:
                    if is_write:
                        with changed:
                            proxy.in_flight -= 1
                            held.remove(highest)
                            changed.notify_all()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(answer)

            do_GET = do_POST = forward

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.url = "http://127.0.0.1:%d" % self.server.server_address[1]

    def passed(self):
        """Each number's count of writes that reached InfluxDB."""
        counts = {}
        for numbers, ok in self.writes:
            for n in numbers if ok else ():
                counts[n] = counts.get(n, 0) + 1
        return counts

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


class InfluxRequestsAtOnceTest(RecordCase):
    """A batch over a megabyte goes as two requests at once, cut by time:
    InfluxDB keeps the later of two points with the same series and time, so
    points sharing a time must stay in one request, in order."""

    def large_messages(self, topic, count, **extra):
        return [(topic, json.dumps({"n": i, "s": "x" * 30000, **{k: f(i) for k, f in extra.items()}}).encode(),
                 1, False) for i in range(count)]

    def test_two_requests_at_once_and_the_later_of_two_points_at_one_time_stays(self):
        prefix = self.topic()
        database = self.database()
        with InfluxProxy(self.influx.url, hold=True) as proxy:
            recorder = self.start_recorder([prefix], "--influx", proxy.url, "--influx-db", database,
                                           "--batch-interval", "2s", "--time-field", "t", "--time-unit", "s")
            try:
                # 210 messages at 21 times: of each time's ten points the last (n = 189 + k) stays.
                publish_all(self.port, self.large_messages(prefix, 210, t=lambda i: 1700000000 + i % 21))
                wait_until(lambda: len(proxy.passed()) == 210, timeout=60, what="every point passed on")
            finally:
                self.stop_recorder(recorder)
        self.assertEqual(proxy.max_in_flight, 2)
        self.assertEqual(set(proxy.passed().values()), {1})
        rows = self.influx.rows('SELECT n FROM "%s"' % prefix, database)
        self.assertEqual(sorted(row["n"] for row in rows), list(range(189, 210)))

    def test_a_part_that_fails_is_sent_again_and_only_it(self):
        prefix = self.topic()
        database = self.database()
        refused = []

        def refuse_once(body, first, paired):  # the request with point 50, the first time
            if not refused and re.search(rb"\bn=50i?\b", body):
                refused.append(body)
                return True
            return False

        with InfluxProxy(self.influx.url, refuse=refuse_once) as proxy:
            recorder = self.start_recorder([prefix], "--influx", proxy.url, "--influx-db", database,
                                           "--batch-interval", "2s")
            publish_all(self.port, self.large_messages(prefix, 100))
            wait_until(lambda: len(proxy.passed()) == 100, timeout=60, what="every point passed on")
            _, err = self.stop_recorder(recorder)
        self.assertTrue(refused)
        self.assertEqual(set(proxy.passed().values()), {1}, "a point went twice: %r" % proxy.writes)
        self.assertIn(b"HTTP 503", err)
        self.assertIn(b"is accepting points again", err)
        self.wait_points(database, prefix, 100)

    def test_the_longest_retry_after_of_the_two_requests_is_waited_for(self):
        """Of a batch's two requests, the first sender's answered 503 and the
        second's 429 with Retry-After: 3: the batch goes again after 3 s, not
        after the first sender's short backoff."""
        prefix = self.topic()
        database = self.database()
        answered = []  # (first sender, when) of the pair of writes refused

        def refuse(body, first, paired):
            if len(answered) == 2 or not paired:
                return False
            answered.append((first, time.monotonic()))
            return True if first else 429

        with InfluxProxy(self.influx.url, hold=True, refuse=refuse) as proxy:
            recorder = self.start_recorder([prefix], "--influx", proxy.url, "--influx-db", database,
                                           "--batch-interval", "2s")
            try:
                publish_all(self.port, self.large_messages(prefix, 100))
                wait_until(lambda: len(proxy.passed()) == 100, timeout=60, what="every point passed on")
            finally:
                self.stop_recorder(recorder)
        self.assertEqual(sorted(first for first, _ in answered), [False, True])  # one answer to each sender
        refused_at = max(when for _, when in answered)
        next_write = min(t for t in proxy.started if t > refused_at)
        self.assertGreaterEqual(next_write - refused_at, 2.9, (answered, proxy.started))

    def test_a_database_dropped_mid_run_is_created_again_once(self):
        """Both requests of a batch find the database gone: it is created once
        (one note), not by each; dropped again, it is an error to report, and
        the points wait in the spool."""
        prefix = self.topic()
        database = self.database()
        recorder = self.start_recorder([prefix], "--influx", self.influx.url, "--influx-db", database,
                                       "--batch-interval", "2s")
        try:
            publish_all(self.port, self.large_messages(prefix, 50))
            self.wait_points(database, prefix, 50)
            self.influx.query('DROP DATABASE "%s"' % database)
            publish_all(self.port, self.large_messages(prefix, 50))
            self.wait_points(database, prefix, 50)
            self.influx.query('DROP DATABASE "%s"' % database)
            publish_all(self.port, self.large_messages(prefix, 50))
            spool = self.path("spool-" + recorder.argv[4])
            wait_until(lambda: spooled_bytes(spool) > 50 * 30000, what="the points waiting in the spool")
            time.sleep(1)  # retries, which must not create it again
        finally:
            recorder.signal(signal.SIGINT)
            wait_until(lambda: b"Ctrl-C again" in recorder.errors() or recorder.popen.poll() is not None,
                       what="the recorder stopping")
            recorder.signal(signal.SIGINT)
            _, _, err = recorder.finish(timeout=30)
        # One note from the check at the start, one from the first drop.
        self.assertEqual(err.count(b'had no database "%s": created it' % database.encode()), 2, err)
        self.assertIn(b"database not found", err)
        self.assertGreater(spooled_bytes(spool), 50 * 30000)

    def test_a_refused_point_in_a_large_batch_is_set_aside_once(self):
        prefix = self.topic()
        database = self.database()
        recorder = self.start_recorder([prefix], "--influx", self.influx.url, "--influx-db", database,
                                       "--batch-interval", "2s")
        publish_all(self.port, self.large_messages(prefix, 1))
        self.wait_points(database, prefix, 1)
        messages = self.large_messages(prefix, 100)
        messages[60] = (prefix, b'{"n": 60, "s": 5}', 1, False)  # "s" holds strings: a field type conflict
        publish_all(self.port, messages)
        self.wait_points(database, prefix, 100)  # the first message's point, and 99
        time.sleep(0.5)
        _, err = self.stop_recorder(recorder, expect_status=65)
        self.assertEqual(err.count(b"InfluxDB refused a point ("), 1, err)
        with open(os.path.join(self.path("spool-" + recorder.argv[4]), "rejected.lp")) as f:
            kept = f.read()
        self.assertEqual(kept.count("\n# "), 0)  # one reason
        self.assertEqual(len(kept.splitlines()), 2)  # and its point
        self.assertIn("n=60", kept)


class RejectedOnceTest(RecordCase):
    def test_a_point_refused_again_after_a_restart_is_kept_once(self):
        """A batch whose refused point was set aside, but whose other lines
        failed, is sent again by the next run (its checkpoint never moved):
        InfluxDB refuses the point again, and rejected.lp keeps it once."""
        prefix = self.topic()
        database = self.database()
        self.influx.query('CREATE DATABASE "%s"' % database)
        request = urllib.request.Request("%s/write?db=%s" % (self.influx.url, database),
                                         data=("%s v=1 %d" % (prefix, time.time_ns() - 10**9)).encode(),
                                         method="POST")
        urllib.request.urlopen(request, timeout=10).close()  # "v" holds floats
        client_id = unique("rec")
        first_run = [True]

        def refuse(body, first, paired):  # the second half of the batch, while the first run lasts
            return first_run[0] and re.search(rb"\bn=9\b", body) and not re.search(rb"\bn=0\b", body)

        messages = [(prefix, b'{"n": %d, "v": %d}' % (i, i), 1, False) for i in range(10)]
        messages[2] = (prefix, b'{"n": 2, "v": "text"}', 1, False)
        with InfluxProxy(self.influx.url, refuse=refuse) as proxy:
            flags = ["--influx", proxy.url, "--influx-db", database, "--batch-interval", "2s"]
            recorder = self.start_recorder([prefix], *flags, client_id=client_id)
            publish_all(self.port, messages)
            wait_until(lambda: b"keeping points spooled and retrying" in recorder.errors(), what="the failure")
            recorder.signal(signal.SIGINT)
            wait_until(lambda: b"Ctrl-C again" in recorder.errors(), what="the recorder stopping")
            recorder.signal(signal.SIGINT)
            rc, _, err = recorder.finish(timeout=30)
            self.assertEqual(rc, 65, err)
            self.assertEqual(err.count(b"InfluxDB refused a point ("), 1, err)
            first_run[0] = False
            recorder = self.start_recorder([prefix], *flags, client_id=client_id)
            self.wait_points(database, prefix, 10)  # the point written first, and 9
            _, err = self.stop_recorder(recorder)
        self.assertNotIn(b"InfluxDB refused a point", err)  # said by the first run
        with open(os.path.join(self.path("spool-" + client_id), "rejected.lp")) as f:
            self.assertEqual(f.read().count('v="text"'), 1)


class SpoolDamageTest(RecordCase):
    def test_a_spool_segment_deleted_under_the_recorder_ends_the_run_with_the_reason(self):
        """The writer thread cannot read the spool: the recorder stops with
        the error and status 1, not an abort, and not a silent stall."""
        prefix = self.topic()
        client_id = unique("damaged")
        spool = self.path("spool-" + client_id)
        nothing_there = "http://127.0.0.1:%d" % free_port()  # refused at once: the writer retries every second or so
        recorder = self.start_recorder([prefix], "--influx", nothing_there, "--influx-db", "d", "--influx-wait",
                                       client_id=client_id)
        publish_all(self.port, [(prefix, b'{"n": %d}' % i, 1, False) for i in range(3)])
        segment = os.path.join(spool, "0000000000000001.lp")
        wait_until(lambda: os.path.getsize(segment) > 0, what="the points in the spool")
        os.unlink(segment)
        rc, _, err = recorder.finish(timeout=60)
        self.assertEqual(rc, 1, err)
        self.assertIn(b"cannot send to InfluxDB: spool: cannot open %s: No such file or directory" % segment.encode(),
                      err)
        self.assertNotIn(b"will be sent on the next run", err)
        self.assertNotIn(b"terminate called", err)


class InfluxAuthTest(RecordCase):
    def test_user_and_password_from_the_environment_or_a_file(self):
        with InfluxDB(auth=True) as influx:
            influx.query("CREATE USER admin WITH PASSWORD 'secret words' WITH ALL PRIVILEGES")
            database = self.database()
            influx.query('CREATE DATABASE "%s"' % database, user="admin", password="secret words")
            prefix = self.topic()
            flags = ["--influx", influx.url, "--influx-db", database, "--influx-user", "admin",
                     "--batch-interval", "100ms"]
            env = dict(os.environ, MQTK_INFLUX_PASSWORD="secret words")
            recorder = self.start_recorder([prefix], *flags, env=env)
            publish_all(self.port, [(prefix, b'{"n": 1}', 1, False)])
            wait_until(lambda: _authorized_count(influx, database, prefix) == 1, what="a point")
            self.stop_recorder(recorder)
            password_file = self.path("influx-password")
            with open(password_file, "w") as f:
                f.write("secret words\n")
            recorder = self.start_recorder([prefix], *flags, "--influx-password-file", password_file)
            publish_all(self.port, [(prefix, b'{"n": 2}', 1, False)])
            wait_until(lambda: _authorized_count(influx, database, prefix) == 2, what="a second point")
            self.stop_recorder(recorder)
            # A user who may write but not create the database: the refusal is said, not hidden.
            influx.query("CREATE USER writer WITH PASSWORD 'w'", user="admin", password="secret words")
            rc, _, err = run([RECORD, "-p", str(self.port), "-t", prefix, "--influx", influx.url, "--influx-db",
                              database + "_new", "--influx-user", "writer", "--spool", self.path("spool-w")],
                             env=dict(os.environ, MQTK_INFLUX_PASSWORD="w"))
            self.assertEqual(rc, 1, err)
            self.assertIn(b'has no database "%s_new" and creating it failed: HTTP 403: ' % database.encode(), err)
            # A wrong password is an error at start...
            rc, _, err = run([RECORD, "-p", str(self.port), "-t", prefix, *flags, "--spool", self.path("spool-x")],
                             env=dict(os.environ, MQTK_INFLUX_PASSWORD="wrong"))
            self.assertEqual(rc, 1, err)
            self.assertRegex(err, rb"^mqtk-record: InfluxDB at http://\S+ refused our credentials \(HTTP 401: "
                                  rb"authorization failed\); check --influx-user and its password\n$")
            # ... and, with --influx-wait, keeps points spooled and says why.
            recorder = self.start_recorder([prefix], *flags, "--influx-wait",
                                           env=dict(os.environ, MQTK_INFLUX_PASSWORD="wrong"))
            publish_all(self.port, [(prefix, b'{"n": 3}', 1, False)])
            wait_until(lambda: b"HTTP 401" in b"".join(recorder._err), what="the refusal")
            _, err = self.stop_recorder(recorder)
            self.assertIn(b"1 point waits in", err)
            self.assertNotIn(b"secret", err)


class InfluxStartTest(RecordCase):
    """A wrong InfluxDB URL is a mistake to report at once, not an outage to
    wait out; --influx-wait is for a database that is still starting."""

    def start(self, url, *flags):
        return run([RECORD, "-p", str(self.port), "-t", self.topic(), "--influx", url, "--influx-db", "x",
                    "--spool", self.path("spool"), *flags], timeout=30)

    def test_wrong_port_path_and_scheme_fail_fast(self):
        with silent_listener() as unused_port:
            pass  # a port nothing listens on now
        rc, _, err = self.start("http://127.0.0.1:%d" % unused_port)
        self.assertEqual(rc, 1, err)
        self.assertRegex(err, rb"^mqtk-record: cannot reach InfluxDB at http://127.0.0.1:\d+: .*[Cc]onnect.*; "
                              rb"--influx-wait starts anyway and keeps points spooled until it answers\n$")
        rc, _, err = self.start(self.influx.url + "/influx")
        self.assertEqual(rc, 1, err)
        self.assertIn(b"has no write endpoint (HTTP 404: 404 page not found for /write); check the URL's path", err)
        rc, _, err = self.start(self.influx.url.replace("http:", "https:"))
        self.assertEqual(rc, 1, err)
        self.assertIn(b"cannot reach InfluxDB at https://", err)
        self.assertIn(b"SSL", err)
        self.assertEqual(err.count(b"\n"), 1)

    def test_influx_wait_records_into_the_spool_until_the_database_answers(self):
        with silent_listener() as unused_port:
            pass
        prefix = self.topic()
        recorder = self.start_recorder([prefix], "--influx", "http://127.0.0.1:%d" % unused_port, "--influx-db", "x",
                                       "--influx-wait", "--batch-interval", "100ms")
        publish_all(self.port, [(prefix, b"1", 1, False)])
        wait_until(lambda: b"keeping points spooled and retrying" in b"".join(recorder._err), what="the warning")
        _, err = self.stop_recorder(recorder)
        self.assertIn(b"1 point waits in", err)

    def test_database_names_are_quoted_in_influxql(self):
        victim = self.database()
        self.influx.query('CREATE DATABASE "%s"' % victim)
        hostile = 'x"; DROP DATABASE "%s' % victim
        prefix = self.topic()
        recorder = self.start_recorder([prefix], "--influx", self.influx.url, "--influx-db", hostile,
                                       "--batch-interval", "100ms")
        publish_all(self.port, [(prefix, b"1", 1, False)])
        wait_until(lambda: self.influx.rows('SELECT * FROM "%s"' % prefix, hostile), what="the point")
        _, err = self.stop_recorder(recorder)
        self.assertIn(b'note: InfluxDB at %s had no database "%s": created it' % (self.influx.url.encode(),
                                                                                   hostile.encode()), err)
        databases = [row[0] for row in self.influx.query("SHOW DATABASES")["results"][0]["series"][0]["values"]]
        self.assertIn(victim, databases)
        self.assertIn(hostile, databases)
        self.influx.query('DROP DATABASE "%s"' % hostile.replace("\\", "\\\\").replace('"', '\\"'))
        rc, _, err = run([RECORD, "-t", "x", "--influx", self.influx.url, "--influx-db", "a\nb"])
        self.assertEqual(rc, 1)
        self.assertIn(b"--influx-db: InfluxQL cannot name a database with a line break in it", err)


class InfluxV2ProtocolTest(RecordCase):
    """InfluxDB 2 is not packaged in Debian 12, so this checks the request
    mqtk-record sends against a stand-in that records it."""

    def test_v2_write_request(self):
        requests = []
        with answering_http_server(204, requests) as port:
            prefix = self.topic()
            token_file = self.path("token")
            with open(token_file, "w") as f:
                f.write("t0ken\n")
            recorder = self.start_recorder([prefix], "--influx", "http://127.0.0.1:%d/" % port,
                                           "--influx-org", "my org", "--influx-bucket", "sensors",
                                           "--influx-token-file", token_file, "--batch-interval", "100ms")
            publish_all(self.port, [(prefix, b'{"t": 21.5}', 1, False)])
            wait_until(lambda: any(body for *_, body in requests), what="a write request")
            self.stop_recorder(recorder)
        probe, write = requests[0], requests[-1]
        self.assertEqual(probe[3], b"")  # the check at start: an empty write
        _, path, authorization, body = write
        self.assertEqual(path, "/api/v2/write?org=my%20org&bucket=sensors&precision=ns")
        self.assertEqual(authorization, "Token t0ken")
        self.assertRegex(body.decode(), r"^%s t=21\.5 \d{19}\n$" % prefix)


class SharedSubscriptionTest(UnlimitedQueueCase):
    def test_two_recorders_share_the_stream_exactly_once(self):
        prefix = self.topic()
        group = "$share/rec/" + prefix + "/#"
        first = self.start_recorder([group], "-o", self.path("one.jsonl"), "-V", "5")
        second = self.start_recorder([group], "-o", self.path("two.jsonl"), "-V", "5")
        count = 2000
        publish_all(self.port, [(prefix + "/%d" % (i % 7), b"%d" % i, 1, False) for i in range(count)])
        both = lambda: len(records(self.path("one.jsonl"))) + len(records(self.path("two.jsonl")))
        wait_until(lambda: both() >= count, what="every message")
        time.sleep(0.5)
        self.stop_recorder(first)
        self.stop_recorder(second)
        one = [r["payload"] for r in records(self.path("one.jsonl"))]
        two = [r["payload"] for r in records(self.path("two.jsonl"))]
        self.assertGreater(len(one), count // 4)
        self.assertGreater(len(two), count // 4)
        self.assertEqual(sorted(one + two), sorted(range(count)))


class RetainHandlingTest(RecordCase):
    """A recorder subscribes again at every start: --retain-handling new
    keeps a retained message from being recorded once per run."""

    def payloads_over_two_runs(self, *flags):
        prefix = self.topic()
        client_id = unique("rec")
        output = self.path("out.jsonl")
        publish_all(self.port, [(prefix + "/kept", b"retained", 1, True)])
        try:
            for live in ("first run", "second run"):
                recorder = self.start_recorder([prefix + "/#"], "-V", "5", "-o", output, *flags, client_id=client_id)
                publish_all(self.port, [(prefix + "/live", live.encode(), 1, False)])
                wait_until(lambda: live in [r["payload"] for r in records(output)], what="the live message")
                self.stop_recorder(recorder)
        finally:
            publish_all(self.port, [(prefix + "/kept", b"", 1, True)])
        return sorted(r["payload"] for r in records(output))  # a resumed session may send it after the live one

    def test_new_records_a_retained_message_once_across_runs(self):
        self.assertEqual(self.payloads_over_two_runs("--retain-handling", "new"),
                         ["first run", "retained", "second run"])

    def test_by_default_it_is_recorded_at_every_start(self):
        self.assertEqual(self.payloads_over_two_runs(), ["first run", "retained", "retained", "second run"])


class StatusTest(RecordCase):
    def test_live_status_on_a_terminal_and_summary(self):
        prefix = self.topic()
        client_id = unique("tty")
        pid, terminal = pty.fork()
        if pid == 0:
            os.execv(RECORD, [RECORD, "-p", str(self.port), "-t", prefix, "-i", client_id, "-o", self.path("s.jsonl")])
        try:
            self.broker.wait_for_subscription(client_id, prefix)
            publish_all(self.port, [(prefix, b"%d" % i, 1, False) for i in range(10)])
            seen = b""
            deadline = time.monotonic() + 10
            while b"received 10 " not in seen and time.monotonic() < deadline:
                seen += os.read(terminal, 4096)
            self.assertIn(b"\r\x1b[Kreceived 10 (", seen)
            self.assertIn(b"written 10", seen)
            # The rate is the current one: it falls to 0/s once the stream stops.
            deadline = time.monotonic() + 5
            while b"received 10 (0/s)" not in seen and time.monotonic() < deadline:
                seen += os.read(terminal, 4096)
            self.assertIn(b"received 10 (0/s)", seen)
            os.kill(pid, signal.SIGTERM)
            _, status = os.waitpid(pid, 0)
            try:
                while True:
                    seen += os.read(terminal, 4096)
            except OSError:
                pass
        finally:
            os.close(terminal)
        self.assertEqual(os.waitstatus_to_exitcode(status), 0)
        self.assertIn(b"mqtk-record: received 10 messages", seen)

    def test_stopped_before_the_broker_answers(self):
        # Nothing was received, so nothing can be lost: status 0 for every
        # stopping signal (mqtk-sub keeps mosquitto_sub's 255 here).
        with silent_listener() as port:
            for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
                with self.subTest(sig=sig):
                    with Process([RECORD, "-p", str(port), "-t", "x", "-o", self.path("never.jsonl"),
                                  "--spool", self.path("spool")]) as recorder:
                        wait_until_handling(recorder.popen.pid, sig)  # not while it is still being loaded
                        recorder.signal(sig)
                        rc, out, err = recorder.finish(timeout=10)
                    self.assertEqual((rc, out), (0, b""), err)
                    self.assertIn(b"received 0 messages", err)

    def test_nohup_keeps_it_recording(self):
        # nohup starts it with SIGHUP ignored: a hangup must not stop it.
        prefix = self.topic()
        recorder = self.start_recorder([prefix], "-o", self.path("nohup.jsonl"), wrapper=["nohup"])
        recorder.signal(signal.SIGHUP)
        publish_all(self.port, [(prefix, b"after the hangup", 1, False)])
        wait_until(lambda: os.path.exists(self.path("nohup.jsonl")) and records(self.path("nohup.jsonl")),
                   what="a record after SIGHUP")
        self.assertIsNone(recorder.popen.poll())
        self.stop_recorder(recorder)
        self.assertEqual([r["payload"] for r in records(self.path("nohup.jsonl"))], ["after the hangup"])

    def test_quiet(self):
        prefix = self.topic()
        recorder = self.start_recorder([prefix], "-o", self.path("q.jsonl"), "--quiet")
        publish_all(self.port, [(prefix, b"1", 1, False)])
        wait_until(lambda: os.path.exists(self.path("q.jsonl")) and records(self.path("q.jsonl")), what="a record")
        out, err = self.stop_recorder(recorder)
        self.assertEqual((out, err), (b"", b""))


class RecordUsageTest(RecordCase):
    def test_mistakes(self):
        out_file = self.path("x.jsonl")
        env = {k: v for k, v in os.environ.items() if k != "MQTK_INFLUX_TOKEN"}
        for flags, words in ((["-t", "a"], "nothing to record"), (["-o", out_file], "-t"),
                             (["-t", "a", "-o", out_file, "--format", "xml"], "--format"),
                             (["-t", "a", "--influx", "http://127.0.0.1:1"], "--influx-db"),
                             (["-t", "a", "--influx", "ftp://h", "--influx-db", "d"], "http://"),
                             (["-t", "a", "--influx-db", "d", "-o", out_file], "needs --influx"),
                             (["-t", "a", "-o", out_file, "--rotate", "soon"], "--rotate"),
                             (["-t", "a", "-o", out_file, "--fsync", "always"], "--fsync"),
                             (["-t", "a", "-o", out_file, "--topic-tags", "a/#/+b"], "--topic-tags"),
                             (["-t", "a", "--influx", "http://h", "--influx-bucket", "b", "--influx-org", "o"],
                              "token")):
            with self.subTest(flags=flags):
                rc, out, err = run([RECORD, "-p", str(self.port), *flags], env=env, timeout=10)
                self.assertEqual((rc, out), (1, b""))
                self.assertIn(words, err.decode().splitlines()[0])
        self.assertFalse(os.path.exists(out_file))

    def test_unwritable_output_names_the_path(self):
        path = "/proc/no-such-dir/out.jsonl"
        rc, out, err = run([RECORD, "-p", str(self.port), "-t", "x", "-o", path], timeout=10)
        self.assertEqual((rc, out), (1, b""))
        self.assertIn(path.encode(), err)


def _authorized_count(influx, database, measurement):
    try:
        rows = _rows_as(influx, database, measurement)
    except (AssertionError, OSError):
        return 0
    return rows[0]["count"] if rows else 0


def _rows_as(influx, database, measurement):
    result = influx.query('SELECT count(n) FROM "%s"' % measurement, database, user="admin",
                          password="secret words")["results"][0]
    if "error" in result:
        raise AssertionError(result["error"])
    return [dict(zip(s["columns"], v)) for s in result.get("series", []) for v in s["values"]]


def _count(influx, database, measurement):
    try:
        rows = influx.rows('SELECT count(n) FROM "%s"' % measurement, database)
    except (AssertionError, OSError):
        return 0
    return rows[0]["count"] if rows else 0


if __name__ == "__main__":
    unittest.main()
