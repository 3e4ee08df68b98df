"""mqtk-record --jq (issue 17) against a real mosquitto and a real InfluxDB
1.x: the program's input is the message's JSON record, as `mqtk-sub --json
| jq` reads it; a message it makes no output of is not recorded (and still
acknowledged); the records keep the exact payload (replay gives it back)
with the outputs beside it; each output is a point. Also: halt and
halt_error end the recording, and a file recorded with other --decode/--jq
flags is refused before connecting."""

import csv
import json
import os
import re
import unittest

from harness import Process, publish_all, run, subscriber, tool, unique, wait_until
from harness import json_records as records
from test_record import RecordCase, payload_of

PUB = tool("pub")
SUB = tool("sub")
RECORD = tool("record")
JQ = "/usr/bin/jq"


def read(path):
    with open(path, "rb") as f:
        return f.read()


class RecordJqCase(RecordCase):
    def record(self, topic_filter, messages, outputs, *flags, recorded):
        """Records `messages` ((topic, payload) pairs) on `topic_filter` into
        `outputs` with `flags`, until the .jsonl among them holds `recorded`
        records; returns the recorder's stderr once it has stopped. The last
        message must be one the program records: the messages of one
        publisher arrive in order, so the others have been handled then."""
        jsonl = next(path for path in outputs if path.endswith(".jsonl"))
        argv = [arg for path in outputs for arg in ("-o", path)]
        recorder = self.start_recorder([topic_filter], *argv, *flags)
        try:
            publish_all(self.port, [(topic, payload, 1, False) for topic, payload in messages])
            wait_until(lambda: len(records(jsonl)) == recorded, what="%d records" % recorded)
        finally:
            _, err = self.stop_recorder(recorder)
        return err.decode()


class FilterTest(RecordJqCase):
    def test_no_output_is_not_recorded_and_the_records_carry_the_outputs_and_replay_byte_exact(self):
        prefix = self.topic()
        temps = [10, 31.5, 20, 35, 5, 40]
        messages = [("%s/s%d" % (prefix, i), json.dumps({"temp": t}, separators=(",", ":")).encode())
                    for i, t in enumerate(temps)]
        expression = "select(.payload.temp > 30) | .payload.temp, .topic"
        jsonl, csv_path = self.path("hot.jsonl"), self.path("hot.csv")
        err = self.record(prefix + "/#", messages, [jsonl, csv_path], "--jq", expression, recorded=3)
        self.assertNotIn("warning", err)
        self.assertIn("received 6 messages", err)
        self.assertIn("--jq left out 3 messages (no output; acknowledged, not recorded)", err)
        self.assertIn("wrote 3 records to", err)

        kept = [(topic, payload) for (topic, payload), t in zip(messages, temps) if t > 30]
        lines = records(jsonl)
        self.assertEqual([(line["topic"], payload_of(line)) for line in lines], kept)
        for line, (topic, payload) in zip(lines, kept):
            # The outputs, always an array, last; as jq makes them of the --json record.
            self.assertEqual(list(line)[-1], "jq")
            self.assertEqual(line["jq"], [json.loads(payload)["temp"], topic])
            reference = run([JQ, "-c", expression], input=json.dumps({k: v for k, v in line.items() if k != "jq"}).encode())[1]
            self.assertEqual([json.loads(out) for out in reference.splitlines()], line["jq"])
        with open(csv_path, newline="") as f:
            rows = list(csv.DictReader(f))
        self.assertEqual(list(rows[0]), ["time", "topic", "qos", "retain", "encoding", "payload", "properties", "jq"])
        self.assertEqual([json.loads(row["jq"]) for row in rows], [line["jq"] for line in lines])

        # A --jq recording replays as any other: the recorded messages, byte for byte.
        for recording in (jsonl, csv_path):
            with self.subTest(replay=recording):
                with subscriber(self.broker, SUB, [prefix + "/#"], extra=["-C", "3", "-W", "20", "--json"]) as sub:
                    rc, _, err = run([PUB, "-p", str(self.port), "--replay", recording, "--speed", "max"])
                    self.assertEqual(rc, 0, err)
                    rc, out, err = sub.finish()
                self.assertEqual(rc, 0, err)
                replayed = [json.loads(line) for line in out.decode().splitlines()]
                self.assertEqual([(r["topic"], payload_of(r)) for r in replayed], kept)

    def test_the_decoded_value_is_the_programs_payload_and_a_jq_error_is_warned_and_counted(self):
        import cbor2
        prefix = self.topic()
        messages = [(prefix + "/c", cbor2.dumps({"t": 21.5})), (prefix + "/text", b"not json"),
                    (prefix + "/c", cbor2.dumps({"t": 22}))]
        jsonl = self.path("r.jsonl")
        err = self.record(prefix + "/#", messages, [jsonl], "--decode", prefix + "/c=cbor",
                          "--jq", ".payload.t + 1", recorded=2)
        lines = records(jsonl)
        self.assertEqual([line["jq"] for line in lines], [[22.5], [23]])
        self.assertEqual([line["decoded"] for line in lines], [{"t": 21.5}, {"t": 22}])
        self.assertEqual([payload_of(line) for line in lines], [messages[0][1], messages[2][1]])
        self.assertRegex(err, r"mqtk-record: warning: \S+/text: jq: error: Cannot index string with string \"t\"")
        self.assertIn("--jq failed on 1 message", err)

    def test_debug_messages_go_to_standard_error_as_jq_prints_them_and_not_with_quiet(self):
        prefix = self.topic()
        messages = [(prefix + "/a", b'{"t":[1,"x"]}')]
        expression = ".payload.t | debug"
        _, _, expected = run([JQ, "-c", ".t | debug"], input=messages[0][1])
        self.assertTrue(expected.startswith(b'["DEBUG:",'), expected)
        err = self.record(prefix + "/#", messages, [self.path("loud.jsonl")], "--jq", expression, recorded=1)
        # As mqtk-sub prints them: after the tool's name, through the reporter
        # that keeps the status line whole and escapes what a terminal acts on.
        self.assertIn("mqtk-record: " + expected.decode(), err.splitlines(keepends=True))
        err = self.record(prefix + "/#", messages, [self.path("quiet.jsonl")], "--jq", expression, "--quiet", recorded=1)
        self.assertNotIn("DEBUG", err)


class InfluxTest(RecordJqCase):
    def test_reshaped_for_influxdb_a_point_per_output(self):
        prefix = self.topic()
        database = self.database()
        messages = [(prefix + "/kitchen", b'{"t":21.5,"noise":1}'), (prefix + "/cellar", b'{"t":12,"noise":2}'),
                    (prefix + "/attic", b'{"t":"broken"}'), (prefix + "/hall", b'{"t":19}')]
        jsonl = self.path("r.jsonl")
        self.record(prefix + "/#", messages, [jsonl], "--measurement", "rooms", *self.influx_flags(database),
                    "--jq", 'select(.payload.t | type == "number") | {temp: .payload.t, site: (.topic | split("/")[-1])}',
                    recorded=3)
        self.wait_points(database, "rooms", 3)
        rows = self.influx.rows("SELECT temp, site FROM rooms", database)
        self.assertEqual(sorted((row["site"], row["temp"]) for row in rows),
                         [("cellar", 12), ("hall", 19), ("kitchen", 21.5)])  # noise left out, attic filtered

        # Several outputs: a point each (times strictly increasing, so none overwrites another).
        database = self.database()
        jsonl = self.path("many.jsonl")
        self.record(prefix + "/#", [(prefix + "/a", b'{"v":[1,2,3]}')], [jsonl], "--measurement", "each",
                    *self.influx_flags(database), "--jq", "{v: .payload.v[]}", recorded=1)
        self.wait_points(database, "each", 3)
        self.assertEqual(sorted(row["v"] for row in self.influx.rows("SELECT v FROM each", database)), [1, 2, 3])
        self.assertEqual(records(jsonl)[0]["jq"], [{"v": 1}, {"v": 2}, {"v": 3}])


class HaltTest(RecordJqCase):
    def run_until_halt(self, expression, messages):
        """Records with `expression` until it halts; returns (status,
        stderr, the records, the recorder's client id, the file, the topic
        filter)."""
        prefix = self.topic()
        client_id = unique("halt")
        jsonl = self.path(client_id + ".jsonl")
        recorder = self.start_recorder([prefix + "/#"], "-o", jsonl, "--jq", expression, client_id=client_id)
        try:
            publish_all(self.port, [(prefix + "/" + name, payload, 1, False) for name, payload in messages])
            rc, _, err = recorder.finish(timeout=30)
        finally:
            recorder.stop()
        return rc, err.decode(), records(jsonl), client_id, jsonl, prefix + "/#"

    def test_halt_ends_the_recording_with_status_0_and_what_came_after_waits_at_the_broker(self):
        expression = "if .payload.stop then halt else . end"
        rc, err, lines, client_id, jsonl, topic_filter = self.run_until_halt(
            expression, [("a", b'{"n":1}'), ("b", b'{"stop":true}'), ("c", b'{"n":3}')])
        self.assertEqual(rc, 0, err)
        self.assertEqual([payload_of(line) for line in lines], [b'{"n":1}'])
        self.assertIn("received 2 messages", err)
        # The message after the halt was not read, so not acknowledged: the next run records it.
        recorder = self.start_recorder([topic_filter], "-o", jsonl, "--jq", expression, client_id=client_id)
        try:
            wait_until(lambda: len(records(jsonl)) == 2, what="the message after the halt")
        finally:
            self.stop_recorder(recorder)
        self.assertEqual(payload_of(records(jsonl)[1]), b'{"n":3}')

    def test_halt_error_ends_it_with_its_status_and_message(self):
        rc, err, lines, *_ = self.run_until_halt(
            'if .payload.stop then ("stopped by \\(.topic)\\n" | halt_error(3)) else . end',
            [("a", b'{"n":1}'), ("b", b'{"stop":true}')])
        self.assertEqual(rc, 3, err)
        self.assertRegex(err, r"(?m)^mqtk-record: stopped by \S+/b$")
        self.assertEqual([payload_of(line) for line in lines], [b'{"n":1}'])


class MistakesTest(RecordJqCase):
    def test_an_invalid_expression_exits_1_naming_the_position_before_connecting(self):
        client_id = unique("badjq")
        rc, out, err = run([RECORD, "-p", str(self.port), "-i", client_id, "-t", "a", "-o", "x.jsonl",
                            "--jq", ".payload | {"], cwd=self.directory)
        self.assertEqual((rc, out), (1, b""))
        first = err.decode().splitlines()[0]  # then the usage line, as for every usage error
        self.assertTrue(first.startswith("mqtk-record: --jq: syntax error"), first)
        self.assertIn("line 1", first)
        self.assertNotIn(client_id, self.broker.log())
        self.assertFalse(os.path.exists(self.path("x.jsonl")))

    def test_a_file_recorded_with_other_flags_is_refused_before_connecting(self):
        # As a user runs it: relative paths, from a working directory of its own.
        prefix = self.topic()
        cases = [("plain.jsonl", [], ["--jq", "."], "recorded with neither --decode nor --jq, and this run has --jq"),
                 ("jq.jsonl", ["--jq", "."], [], "recorded with --jq, and this run has neither --decode nor --jq"),
                 ("plain.csv", [], ["--decode", "hex"], "recorded with neither --decode nor --jq, and this run has --decode"),
                 ("decoded.csv", ["--decode", "hex"], ["--decode", "hex", "--jq", "."],
                  "recorded with --decode, and this run has --decode and --jq")]
        for name, first, then, expected in cases:
            with self.subTest(file=name):
                first_id = unique("first")
                since = len(self.broker.log())
                recorder = Process([RECORD, "-p", str(self.port), "-i", first_id, "-t", prefix + "/#", "-o", name,
                                    *first], cwd=self.directory)
                try:
                    self.broker.wait_for_subscription(first_id, prefix + "/#", since=since)
                    publish_all(self.port, [(prefix + "/x", b"6869", 1, False)])
                    lines_wanted = 2 if name.endswith(".csv") else 1  # a CSV file's header, then the record
                    wait_until(lambda: os.path.exists(self.path(name)) and
                               read(self.path(name)).count(b"\n") >= lines_wanted,
                               what="a record in " + name)
                finally:
                    self.stop_recorder(recorder)
                before = read(self.path(name))
                client_id = unique("then")
                rc, out, err = run([RECORD, "-p", str(self.port), "-i", client_id, "-t", prefix + "/#",
                                    "-o", name, *then], cwd=self.directory)
                self.assertEqual((rc, out), (1, b""))
                # (A note may say that the first recording keeps a session: it does.)
                lines = [line for line in err.decode().splitlines() if not line.startswith("mqtk-record: note: ")]
                self.assertEqual(len(lines), 1, err)
                self.assertRegex(lines[0], "^mqtk-record: /\\S*/" + re.escape(
                    "%s: %s: its records would change columns; give the same flags as before, or record into "
                    "another file" % (name, expected)) + "$")
                self.assertNotIn(client_id, self.broker.log())
                self.assertEqual(read(self.path(name)), before)  # untouched


if __name__ == "__main__":
    unittest.main()
