"""mqtk-sub's own output shapes: --json and --csv read back to the exact
payload bytes, and --color, on a pipe and on a terminal."""

import base64
import csv
import io
import json
import os
import pty
import re
import select
import subprocess
import tempfile
import time
import unittest

from harness import BrokerTestCase, publish_all, run, subscriber, tool, unique

SUB = tool("sub")

PAYLOADS = [
    b"hello world",
    b"",
    bytes(range(256)),
    "\uc628\ub3c4 36.5\u2103".encode(),
    b'{"name": "zzerii",  "temp": 21.50}',
    b"42",
    b'"quoted"',
    b"line one\nline two\r\n",
    b"comma, \"quote\"",
    b"a\x00b",
    b"{\n  \"pretty\": true\n}",
]

RFC3339_NS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$")


def payload_from(encoding, value):
    if encoding == "base64":
        return base64.b64decode(value)
    return value.encode()


class OutputFormatsTest(BrokerTestCase):
    def receive(self, flags, messages, protocol_extra=()):
        prefix = self.topic()
        with subscriber(self.broker, SUB, [prefix + "/#"],
                        extra=["-C", str(len(messages)), "-W", "20", "-q", "1", *protocol_extra, *flags]) as sub:
            publish_all(self.port, [(prefix + "/" + t, p, 1, r) for t, p, r in messages])
            rc, out, err = sub.finish()
        self.assertEqual((rc, err), (0, b""))
        return prefix, out

    def test_json_lines_read_back_exactly(self):
        before = time.time()
        prefix, out = self.receive(["--json"], [("p%d" % i, p, False) for i, p in enumerate(PAYLOADS)])
        lines = out.decode().splitlines()
        self.assertEqual(len(lines), len(PAYLOADS))
        for i, line in enumerate(lines):
            record = json.loads(line)
            self.assertEqual(list(record), ["time", "topic", "qos", "retain", "encoding", "payload"])
            self.assertEqual(record["topic"], "%s/p%d" % (prefix, i))
            self.assertEqual((record["qos"], record["retain"]), (1, False))
            self.assertRegex(record["time"], RFC3339_NS)
            if record["encoding"] == "json":
                # Verbatim: the payload's own bytes sit in the line.
                self.assertIn(b'"payload":' + PAYLOADS[i] + b"}", line.encode())
                self.assertEqual(record["payload"], json.loads(PAYLOADS[i]))
            else:
                self.assertEqual(payload_from(record["encoding"], record["payload"]), PAYLOADS[i])
        encodings = [json.loads(line)["encoding"] for line in lines]
        self.assertEqual(encodings, ["utf-8", "utf-8", "base64", "utf-8", "json", "json", "json", "utf-8", "utf-8",
                                     "base64", "utf-8"])
        stamp = time.mktime(time.strptime(json.loads(lines[0])["time"][:19], "%Y-%m-%dT%H:%M:%S")) - time.timezone
        self.assertLess(abs(stamp - before), 5)

    def test_json_lines_with_retain_and_v5_properties(self):
        prefix = self.topic()
        rc, _, _ = run(["mosquitto_pub", "-p", str(self.port), "-t", prefix + "/r", "-m", "kept", "-r", "-q", "1",
                        "-V", "5", "-D", "publish", "user-property", "k", "v1", "-D", "publish", "user-property",
                        "k", "v2", "-D", "publish", "content-type", "text/plain", "-D", "publish",
                        "correlation-data", "abc"])
        self.assertEqual(rc, 0)
        rc, out, err = run([SUB, "-p", str(self.port), "-t", prefix + "/#", "-V", "5", "--json", "-C", "1", "-W", "10"])
        run(["mosquitto_pub", "-p", str(self.port), "-t", prefix + "/r", "-n", "-r"])
        self.assertEqual(rc, 0, err)
        record = json.loads(out)
        self.assertTrue(record["retain"])
        self.assertEqual(record["properties"], {"user-properties": [["k", "v1"], ["k", "v2"]],
                                                "content-type": "text/plain", "correlation-data": "YWJj"})

    def test_csv_reads_back_exactly(self):
        prefix, out = self.receive(["--csv"], [("p%d" % i, p, False) for i, p in enumerate(PAYLOADS)])
        rows = list(csv.reader(io.StringIO(out.decode(), newline="")))
        self.assertEqual(rows[0], ["time", "topic", "qos", "retain", "encoding", "payload", "properties"])
        self.assertEqual(len(rows), len(PAYLOADS) + 1)
        for i, row in enumerate(rows[1:]):
            self.assertRegex(row[0], RFC3339_NS)
            self.assertEqual(row[1:4], ["%s/p%d" % (prefix, i), "1", "0"])
            self.assertEqual(payload_from(row[4], row[5]), PAYLOADS[i])
            self.assertEqual(row[6], "")

    def test_odd_and_deep_json_payloads(self):
        # What the JSON parser accepts around or inside a document, and nesting
        # no recursive walk survives: every output stays valid and exact.
        payloads = [b'\xef\xbb\xbf{"t": 21.5}', b" 42 ", b"[" * 200000, b"[" * 100000 + b"]" * 100000,
                    b'{"k":' * 100000 + b"1" + b"}" * 100000]
        messages = [("p%d" % i, p, False) for i, p in enumerate(payloads)]
        _, out = self.receive(["--json"], messages)
        records = [json.loads(line) for line in out.splitlines()]
        self.assertEqual([r["encoding"] for r in records], ["utf-8"] * len(payloads))
        self.assertEqual([payload_from(r["encoding"], r["payload"]) for r in records], payloads)
        _, out = self.receive(["--csv"], messages)
        csv.field_size_limit(1 << 24)
        rows = list(csv.reader(io.StringIO(out.decode(), newline="")))[1:]
        self.assertEqual([payload_from(row[4], row[5]) for row in rows], payloads)
        for flags in (["-F", "%j"], ["-F", "%j", "--pretty"]):
            _, out = self.receive(flags, messages)
            documents = json.loads("[" + out.decode().replace("}\n{", "},{") + "]")
            self.assertEqual([d["payload"].encode() for d in documents], payloads)
        # %J parses as cJSON does (1,000 levels at most), like mosquitto_sub.
        prefix = self.topic()
        with subscriber(self.broker, SUB, [prefix + "/#"], extra=["-C", "5", "-W", "20", "-F", "%J"]) as ours, \
                subscriber(self.broker, "mosquitto_sub", [prefix + "/#"], extra=["-C", "5", "-W", "20", "-F", "%J"]) \
                as reference:
            publish_all(self.port, [(prefix + "/" + t, p, 1, r) for t, p, r in messages])
            results = [ours.finish(), reference.finish()]
        (rc, out, err), (ref_rc, ref_out, ref_err) = results
        self.assertEqual(rc, ref_rc)
        self.assertEqual(re.sub(rb'"tst":"[^"]*"', b"", out), re.sub(rb'"tst":"[^"]*"', b"", ref_out))
        self.assertEqual(err.count(b"not valid JSON"), 3)
        self.assertEqual(err.count(b"not valid JSON"), ref_err.count(b"not valid JSON"))

    def test_color(self):
        prefix = self.topic()
        cases = [(["--color", "always", "-v"], {}, True), (["--color", "never", "-v"], {}, False),
                 (["-v"], {}, False),  # auto, and standard output is a pipe
                 (["--color", "always", "-v"], {"NO_COLOR": "1"}, True)]
        for flags, env, colored in cases:
            with self.subTest(flags=flags, env=env):
                with subscriber(self.broker, SUB, [prefix], extra=["-C", "1", "-W", "10", *flags],
                                env=dict(os.environ, **env)) as sub:
                    publish_all(self.port, [(prefix, b"36.5", 0, False)])
                    out = sub.finish()[1]
                expected = "\x1b[36m%s\x1b[0m 36.5\n" % prefix if colored else "%s 36.5\n" % prefix
                self.assertEqual(out.decode(), expected)
        rc, out, err = run([SUB, "-p", str(self.port), "-t", prefix, "--color", "sometimes"])
        self.assertEqual((rc, out), (1, b""))
        self.assertIn(b"--color", err)

    def test_terminal_output_is_immediate_and_colored(self):
        prefix = self.topic()
        client_id = unique("tty")
        main, secondary = pty.openpty()
        process = subprocess.Popen([SUB, "-p", str(self.port), "-t", prefix, "-i", client_id, "-v"],
                                   stdout=secondary, stderr=subprocess.DEVNULL, env=dict(os.environ, NO_COLOR=""))
        os.close(secondary)
        try:
            self.broker.wait_for_subscription(client_id, prefix)
            received = b""
            for i in range(3):
                publish_all(self.port, [(prefix, b"reading %d" % i, 0, False)])
                deadline = time.monotonic() + 2
                expected = b"reading %d\r\n" % i
                while not received.endswith(expected) and time.monotonic() < deadline:
                    if select.select([main], [], [], 0.1)[0]:
                        received += os.read(main, 4096)
                self.assertTrue(received.endswith(expected), received)
            self.assertIn(b"\x1b[36m" + prefix.encode() + b"\x1b[0m reading 0", received)
        finally:
            process.kill()
            process.wait()
            os.close(main)

    def test_flag_conflicts(self):
        for flags, words in ((["--json", "--csv"], "one of"), (["--json", "-F", "%p"], "one of"),
                             (["--csv", "-v"], "--csv"), (["--json", "-N"], "--json")):
            with self.subTest(flags=flags):
                rc, out, err = run([SUB, "-p", str(self.port), "-t", "x", *flags])
                self.assertEqual((rc, out), (1, b""))
                self.assertIn(words, err.decode().splitlines()[0])

    def test_options_file_for_sub(self):
        prefix = self.topic()
        with tempfile.TemporaryDirectory() as config:
            os.makedirs(os.path.join(config, "mqtk"))
            with open(os.path.join(config, "mqtk", "sub"), "w") as f:
                f.write("-p %d\n# print topics too\n-v\n-F %%t=%%p\n" % self.port)
            env = dict(os.environ, XDG_CONFIG_HOME=config)
            client_id = unique("conf")
            with subscriber(self.broker, SUB, [prefix], client_id=client_id, extra=["-C", "1", "-W", "10"],
                            env=env) as sub:
                publish_all(self.port, [(prefix, b"x", 0, False)])
                self.assertEqual(sub.finish()[1], (prefix + "=x\n").encode())


if __name__ == "__main__":
    unittest.main()
