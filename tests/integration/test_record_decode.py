"""mqtk-record --decode (issue 17) against a real mosquitto and a real
InfluxDB 1.x, with payloads made by real encoders: Debian's python3-cbor2,
python3-msgpack and python3-protobuf (a schema compiled by protoc at test
time), and the Sparkplug B payloads of the decoders' fixture generator
(tests/unit/payload/fixtures/make_fixtures.py, reused through test_decode).
The records keep the exact bytes (replay gives them back) with the decoded
value beside them; points come from the decoded values."""

import csv
import json
import os
import unittest

from harness import publish_all, run, subscriber, tool, wait_until
from harness import json_records as records
from test_decode import compiled_sensors_schema, encoded_fixtures
from test_record import RecordCase, payload_of

PUB = tool("pub")
SUB = tool("sub")


class RecordDecodeCase(RecordCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.fixtures = encoded_fixtures()

    def record(self, topic_filter, messages, outputs, *flags, cwd=None):
        """Records `messages` ((topic, payload) pairs) on `topic_filter` into
        `outputs` with `flags`, and returns the recorder's stderr once it has
        stopped. `outputs` must hold a .jsonl file (how the test knows all
        came)."""
        jsonl = next(path for path in outputs if path.endswith(".jsonl"))
        argv = [arg for path in outputs for arg in ("-o", path)]
        recorder = self.start_recorder([topic_filter], *argv, *flags, cwd=cwd)
        try:
            publish_all(self.port, [(topic, payload, 1, False) for topic, payload in messages])
            wait_until(lambda: len(records(jsonl)) == len(messages), what="every message recorded")
        finally:
            _, err = self.stop_recorder(recorder)
        return err.decode()

    def start_recorder(self, topics, *flags, cwd=None):
        if cwd is None:
            return super().start_recorder(topics, *flags)
        # protobuf:FILE.proto is found from the working directory, as a user types it.
        here = os.getcwd()
        os.chdir(cwd)
        try:
            return super().start_recorder(topics, *flags)
        finally:
            os.chdir(here)


class RecordsTest(RecordDecodeCase):
    def test_records_keep_the_exact_bytes_beside_the_decoded_value_and_replay_them(self):
        import cbor2
        import msgpack
        sensors = compiled_sensors_schema(self.directory)
        document = {"temp": 31.5, "site": "grüße", "ok": True, "none": None, "list": [1, -2, 3.25]}
        prefix = self.topic()
        nbirth, nbirth_json = self.fixtures["nbirth.bin"]
        cases = [  # topic, payload, the decoded value expected (None: no decoder for the topic)
            (prefix + "/cbor", cbor2.dumps(document), document),
            (prefix + "/msgpack", msgpack.packb(document), document),
            (prefix + "/proto", sensors.Reading(temp=35.25, site="north", history=[1, -2]).SerializeToString(),
             {"temp": 35.25, "site": "north", "history": [1, -2]}),
            (prefix + "/spb", nbirth, nbirth_json),
            (prefix + "/plain", b'{"as":"it came"}', None),  # compact: payload_of re-serializes JSON
        ]
        jsonl, csv_path = self.path("r.jsonl"), self.path("r.csv")
        err = self.record(prefix + "/#", [(t, p) for t, p, _ in cases], [jsonl, csv_path],
                          "--decode", prefix + "/cbor=cbor", "--decode", prefix + "/msgpack=msgpack",
                          "--decode", prefix + "/proto=protobuf:sensors.proto:plant.Reading",
                          "--decode", prefix + "/spb=sparkplug", cwd=self.directory)
        self.assertNotIn("warning", err)

        lines = records(jsonl)
        for (topic, payload, expected), line in zip(cases, lines):
            with self.subTest(topic=topic):
                self.assertEqual(line["topic"], topic)
                self.assertEqual(payload_of(line), payload)
                if expected is None:
                    self.assertNotIn("decoded", line)
                else:
                    self.assertEqual(line["decoded"], expected)
                    self.assertEqual(list(line)[-1], "decoded")  # after the payload
        with open(csv_path, newline="") as f:
            rows = list(csv.DictReader(f))
        self.assertEqual(list(rows[0]), ["time", "topic", "qos", "retain", "encoding", "payload", "properties",
                                         "decoded"])
        for (topic, payload, expected), row in zip(cases, rows):
            with self.subTest(topic=topic):
                self.assertEqual(row["decoded"] and json.loads(row["decoded"]), expected or "")

        # Replayed, both give back the bytes that were published.
        for recording in (jsonl, csv_path):
            with self.subTest(replay=recording):
                with subscriber(self.broker, SUB, [prefix + "/#"],
                                extra=["-C", str(len(cases)), "-W", "20", "--json"]) as sub:
                    rc, _, err = run([PUB, "-p", str(self.port), "--replay", recording, "--speed", "max"])
                    self.assertEqual(rc, 0, err)
                    rc, out, err = sub.finish()
                self.assertEqual(rc, 0, err)
                replayed = [json.loads(line) for line in out.decode().splitlines()]
                self.assertEqual([(r["topic"], payload_of(r)) for r in replayed], [(t, p) for t, p, _ in cases])

    def test_a_payload_that_does_not_decode_is_recorded_counted_and_warned_about_at_a_readable_rate(self):
        import cbor2
        prefix = self.topic()
        bad = [(prefix + "/bad%d" % i, b"\xff\xfe not cbor %d" % i) for i in range(20)]
        messages = bad[:10] + [(prefix + "/good", cbor2.dumps({"t": 20.5}))] + bad[10:]
        jsonl, lp = self.path("r.jsonl"), self.path("r.lp")
        err = self.record(prefix + "/#", messages, [jsonl, lp], "--decode", "cbor")
        lines = records(jsonl)
        self.assertEqual([(line["topic"], payload_of(line)) for line in lines], messages)  # none lost
        self.assertEqual(sum("decode_error" in line for line in lines), 20)
        self.assertEqual(lines[10]["decoded"], {"t": 20.5})
        warnings = [line for line in err.splitlines() if "payload recorded as it came, not as cbor" in line]
        self.assertGreaterEqual(len(warnings), 1)
        self.assertLess(len(warnings), 20)  # at most a burst, then one per interval
        self.assertRegex(warnings[0], r"^mqtk-record: warning: \S+/bad0: payload recorded as it came, not as cbor: ")
        self.assertIn("20 payloads did not decode: recorded as received", err)
        with open(lp) as f:
            points = f.read().splitlines()
        self.assertEqual(points, [lines[10]["topic"].replace(" ", "\\ ") + " t=20.5 " + points[0].rsplit(" ", 1)[1]])

    def test_mistakes_are_one_line_and_exit_1_before_connecting(self):
        for flags, expected in [(["--decode", "yaml"], "--decode: unknown decoder"),
                                (["--decode", "protobuf:missing.proto:a.B"], "missing.proto"),
                                (["--proto-path", "."], "--proto-path")]:
            with self.subTest(flags=flags):
                rc, out, err = run([tool("record"), "-p", "1", "-t", "a", "-o", self.path("x.jsonl"), *flags],
                                   cwd=self.directory)
                self.assertEqual((rc, out), (1, b""))
                first = err.decode().splitlines()[0]
                self.assertTrue(first.startswith("mqtk-record: "), first)
                self.assertIn(expected, first)


class PointsTest(RecordDecodeCase):
    def test_line_protocol_fields_come_from_the_decoded_values(self):
        import cbor2
        import msgpack
        prefix = self.topic()
        messages = [(prefix + "/cbor", cbor2.dumps({"temp": 21, "half": 21.5, "on": True, "site": {"name": "n"}})),
                    (prefix + "/msgpack", msgpack.packb([1.5, "x"])),
                    (prefix + "/text", b"plain, not decoded")]
        jsonl, lp = self.path("r.jsonl"), self.path("r.lp")
        self.record(prefix + "/#", messages, [jsonl, lp], "--decode", prefix + "/cbor=cbor", "--decode", prefix + "/msgpack=msgpack")
        with open(lp) as f:
            fields = [line.split(" ")[1] for line in f.read().splitlines()]
        self.assertEqual(fields, ['half=21.5,on=true,site_name="n",temp=21', 'value_0=1.5,value_1="x"',
                                  'value="plain,'])  # the last split at its space

    def test_a_sparkplug_plant_into_influxdb_with_one_command(self):
        group = self.topic().replace("/", "_")
        nbirth, nbirth_json = self.fixtures["nbirth.bin"]
        dbirth, dbirth_json = self.fixtures["dbirth.bin"]
        ddata, ddata_json = self.fixtures["ddata.bin"]
        node, device = "spBv1.0/%s/{}/edge1" % group, "spBv1.0/%s/{}/edge1/motor" % group
        messages = [(node.format("NBIRTH"), nbirth), (device.format("DBIRTH"), dbirth),
                    (device.format("DDATA"), ddata)]
        database = self.database()
        jsonl = self.path("plant.jsonl")
        err = self.record("spBv1.0/%s/#" % group, messages, [jsonl], "--decode", "sparkplug",
                          *self.influx_flags(database))
        self.assertIn("2 Sparkplug metrics made no point", err)  # NBIRTH's is_null one and its empty array
        self.assertNotIn("refused", err)

        def rows(message_type, topic):
            return {row["metric"]: row for row in self.influx.rows(
                'SELECT * FROM "%s"' % topic.format(message_type), database)}

        expected = len(nbirth_json["metrics"]) - 2
        wait_until(lambda: len(rows("NBIRTH", node)) == expected, what="the NBIRTH's points")
        birth = rows("NBIRTH", node)
        at = 1700000000000 * 10**6  # the payload's timestamp, in ns
        self.assertEqual((birth["bdSeq"]["value"], birth["bdSeq"]["time"]), (0, at))
        self.assertEqual(birth["Node Control/Rebirth"]["value_boolean"], False)
        self.assertEqual(birth["int8"]["value"], -5)
        self.assertEqual(birth["string"]["value_string"], "hello, wörld")
        self.assertEqual((birth["int8s"]["value_0"], birth["int8s"]["value_1"]), (-23, 123))
        self.assertEqual((birth["old"]["value"], birth["old"]["time"]), (0.5, 1600000000000 * 10**6))  # its own
        self.assertNotIn("nothing", birth)

        device_birth = rows("DBIRTH", device)
        self.assertEqual({name: (row["value"], row["value_boolean"], row["time"]) for name, row in device_birth.items()},
                         {"Inputs/A": (None, True, 1700000000001 * 10**6),
                          "Outputs/B": (-1, None, 1700000000001 * 10**6)})
        data = rows("DDATA", device)
        # Carried by its alias alone; named by the device's birth; at the metric's time.
        self.assertEqual({name: (row["value"], row["time"]) for name, row in data.items()},
                         {"Outputs/B": (-32768, 1700000000500 * 10**6)})

        # The records hold every payload's exact bytes and its decoded value.
        lines = records(jsonl)
        self.assertEqual([payload_of(line) for line in lines], [p for _, p in messages])
        named_ddata = json.loads(json.dumps(ddata_json))
        named_ddata["metrics"][0]["name"] = "Outputs/B"
        self.assertEqual([line["decoded"] for line in lines], [nbirth_json, dbirth_json, named_ddata])

    def test_sparkplug_data_by_alias_is_named_by_the_last_birth(self):
        """NDATA usually carries only aliases (and no datatypes): the points
        are named by the node's NBIRTH, in InfluxDB and in the records; a
        node whose birth the recorder did not see keeps its aliases; after
        NDEATH they are forgotten."""
        group = self.topic().replace("/", "_")
        nbirth, _ = self.fixtures["alias_nbirth.bin"]
        ndata, ndata_json = self.fixtures["alias_ndata.bin"]
        _, named_json = self.fixtures["alias_ndata_named.bin"]
        topic = "spBv1.0/%s/{}/{}" % group
        messages = [(topic.format("NDATA", "other"), ndata),  # a node whose birth was not seen
                    (topic.format("NBIRTH", "edge1"), nbirth),
                    (topic.format("NDATA", "edge1"), ndata),
                    (topic.format("NDEATH", "edge1"), b""),
                    (topic.format("NDATA", "edge1"), ndata)]
        database = self.database()
        jsonl = self.path("plant.jsonl")
        self.record("spBv1.0/%s/#" % group, messages, [jsonl], "--decode", "sparkplug", "--measurement", "plant",
                    "--topic-tags", "spBv1.0/+group/+type/+node", *self.influx_flags(database))
        lines = records(jsonl)
        self.assertEqual([line.get("decoded") for line in lines[2:3] + lines[4:]], [named_json, ndata_json])
        self.assertEqual(lines[0]["decoded"], ndata_json)


        # Field "value": the birth's 2 (the third is value_boolean) and the NDATAs' 9 but one: alias 9,
        # unknown before and after the death, is the same series at the same time both times.
        self.wait_points(database, "plant", 2 + 9 - 1)
        rows = self.influx.rows("SELECT * FROM plant WHERE \"type\" = 'NDATA'", database)
        self.assertEqual(sorted((row["node"], row["metric"], row["value"]) for row in rows),
                         sorted([("other", "1", 21.5), ("other", "2", 4294967289), ("other", "9", 5),
                                 ("edge1", "temperature", 21.5), ("edge1", "level", -7), ("edge1", "9", 5),
                                 ("edge1", "1", 21.5), ("edge1", "2", 4294967289)]))


if __name__ == "__main__":
    unittest.main()
