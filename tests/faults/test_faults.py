"""Fault injection: real brokers on loopback killed and restarted, readers
that stop reading, signals at random moments, huge payloads and many topics.
Each scenario prints its figure (lines starting "FIGURE:")."""

import base64
import json
import os
import random
import re
import select
import shutil
import signal
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "integration"))

from harness import (SANITIZED, Broker, Process, ScratchDirectory, json_records, publish_all, run, tool,  # noqa: E402
                     unique, wait_until)
from measure import Measured, report  # noqa: E402

# Under AddressSanitizer memory and CPU figures mean nothing (SANITIZED, from
# the harness): they are printed but not held to their bounds.

PUB = tool("pub")
SUB = tool("sub")
RECORD = tool("record")


class FaultCase(ScratchDirectory, unittest.TestCase):
    scratch_prefix = "mqtk-faults-"


def line_count(path):
    with open(path, "rb") as f:
        return f.read().count(b"\n")


def payloads_in_jsonl(path):
    return [record["payload"] for record in json_records(path)]


class BrokerRestartTest(FaultCase):
    """SIGKILL the broker (persistence on) under a persistent mqtk-sub and
    mqtk-record, publish while it is down... and after it is back."""

    def restart_scenario(self, qos):
        broker = Broker(persistence=True, extra_config="max_queued_messages 0\n")
        broker.start()
        prefix = unique("restart")
        sub_id, rec_id = unique("sub"), unique("rec")
        sub = Process([SUB, "-p", str(broker.port), "-i", sub_id, "-c", "-q", str(qos), "-t", prefix + "/#"])
        record_path = self.path("record-%d.jsonl" % qos)
        recorder = Process([RECORD, "-p", str(broker.port), "-i", rec_id, "-q", str(qos), "-t", prefix + "/#",
                            "-o", record_path, "--spool", self.path("spool-%d" % qos), "--quiet"])
        try:
            broker.wait_for_subscription(sub_id, prefix + "/#")
            broker.wait_for_subscription(rec_id, prefix + "/#")
            batches = [["%d-%s-%d" % (qos, name, i) for i in range(300)] for name in ("before", "down", "after")]

            def received():
                return (sub.output().decode().splitlines(),
                        payloads_in_jsonl(record_path) if os.path.exists(record_path) else [])

            publish_all(broker.port, [(prefix + "/a", p.encode(), qos, False) for p in batches[0]])
            wait_until(lambda: all(len(r) >= 300 for r in received()), timeout=20, what="the first batch")
            # The broker has saved the sessions (autosave) since: what it loses
            # by its own crash is not what is measured here.
            saves = broker.log().count("Saving in-memory database")
            wait_until(lambda: broker.log().count("Saving in-memory database") >= saves + 1, timeout=10,
                       what="the broker's autosave")
            time.sleep(0.5)  # the line is logged as the save starts
            broker.kill()
            broker.start()  # same port, same persistence file
            # Published while the subscribers are still reconnecting: queued in their sessions.
            publish_all(broker.port, [(prefix + "/b", p.encode(), qos, False) for p in batches[1]])
            wait_until(lambda: broker.log().count("as %s " % sub_id) >= 2 and broker.log().count("as %s " % rec_id) >= 2,
                       timeout=30, what="both to reconnect")
            publish_all(broker.port, [(prefix + "/c", p.encode(), qos, False) for p in batches[2]])
            expected = set(batches[0] + batches[1] + batches[2])
            try:
                wait_until(lambda: all(expected <= set(r) for r in received()), timeout=30, what="every message")
            except AssertionError:
                missing = [sorted(expected - set(r)) for r in received()]
                raise AssertionError("missing from mqtk-sub: %s; from mqtk-record: %s; broker log:\n%s"
                                     % (missing[0][:20], missing[1][:20], broker.log()[-3000:]))
            time.sleep(0.5)
            figures = {}
            for name, got in zip(("mqtk-sub", "mqtk-record"), received()):
                lost = len(expected - set(got))
                duplicated = len(got) - len(set(got))
                figures[name] = (lost, duplicated)
                report("broker SIGKILL + restart, QoS %d, %s: %d published, %d lost, %d duplicated"
                       % (qos, name, len(expected), lost, duplicated))
            return figures
        finally:
            sub.stop()
            recorder.stop()
            broker.stop()
            shutil.rmtree(broker.directory, ignore_errors=True)

    def test_qos1_loses_nothing(self):
        for name, (lost, _) in self.restart_scenario(1).items():
            self.assertEqual(lost, 0, name)

    def test_qos2_loses_nothing_and_duplicates_nothing(self):
        for name, (lost, duplicated) in self.restart_scenario(2).items():
            self.assertEqual((lost, duplicated), (0, 0), name)


class PublisherBrokerDeathTest(FaultCase):
    def test_pub_lines_counts_what_was_not_acknowledged(self):
        with Broker() as broker:
            pub = Measured([PUB, "-p", str(broker.port), "-t", unique("dying"), "-l", "-q", "1"],
                           stdin=subprocess.PIPE)
            sent = 0
            for _ in range(50):  # lines keep coming while the broker dies
                pub.popen.stdin.write(b"line %d\n" % sent)
                pub.popen.stdin.flush()
                sent += 1
                time.sleep(0.01)
            broker.kill()
            try:
                for _ in range(50):
                    pub.popen.stdin.write(b"line %d\n" % sent)
                    pub.popen.stdin.flush()
                    sent += 1
                    time.sleep(0.01)
            except BrokenPipeError:
                pass  # mqtk-pub already gave up
            rc, _, err = pub.wait(30)
        match = re.search(rb"(\d+) of (\d+) messages were not acknowledged", err)
        self.assertEqual(rc, 1, err)
        self.assertIsNotNone(match, err)
        unacknowledged, published = int(match.group(1)), int(match.group(2))
        self.assertLessEqual(published, sent)
        report("mqtk-pub -l -q 1, broker SIGKILLed: exit 1, %d of %d published unacknowledged (%d lines fed)"
               % (unacknowledged, published, sent))


class StoppedReaderTest(FaultCase):
    def test_head_closing_the_pipe_ends_mqtk_sub_quickly(self):
        with Broker() as broker:
            topic, client_id = unique("head"), unique("head")
            head = subprocess.Popen(["head", "-n", "5"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
            sub = Measured([SUB, "-p", str(broker.port), "-i", client_id, "-t", topic, "-q", "1"], stdout=head.stdin)
            head.stdin.close()
            broker.wait_for_subscription(client_id, topic)
            publish_all(broker.port, [(topic, b"message %d" % i, 1, False) for i in range(100)])
            started = time.monotonic()
            rc, _, err = sub.wait(10)
            self.assertEqual(head.stdout.read().count(b"\n"), 5)
            head.wait()
        self.assertEqual(rc, 141, err)
        report("mqtk-sub | head -n 5: exit 141 %.2f s after the last publish, %.2f s CPU in all"
               % (time.monotonic() - started, sub.total_cpu))

    def test_stalled_reader_bounds_memory_and_does_not_spin(self):
        with Broker(extra_config="max_queued_messages 0\n") as broker:
            topic, client_id = unique("stalled"), unique("stalled")
            read_end, write_end = os.pipe()
            sub = Measured([SUB, "-p", str(broker.port), "-i", client_id, "-t", topic, "-q", "1"], stdout=write_end)
            os.close(write_end)
            try:
                broker.wait_for_subscription(client_id, topic)
                payload = b"x" * 1000
                count = 20000  # 20 MB, far more than a pipe holds
                rc, _, err = run([PUB, "-p", str(broker.port), "-t", topic, "-q", "1", "-l"],
                                 input=b"".join(payload + b"\n" for _ in range(count)), timeout=120)
                self.assertEqual(rc, 0, err)
                time.sleep(1)
                cpu_before = sub.cpu_seconds()
                time.sleep(3)
                idle_cpu = sub.cpu_seconds() - cpu_before
                rss_mb = sub.rss_kb() / 1024
                # Now read everything: nothing was lost while it waited.
                received = 0
                deadline = time.monotonic() + 60
                while received < count * 1001 and time.monotonic() < deadline:
                    if select.select([read_end], [], [], 1)[0]:
                        received += len(os.read(read_end, 1 << 20))
            finally:
                os.close(read_end)
            rc, _, err = sub.wait(10)
        report("mqtk-sub with a stalled reader, 20,000 x 1 KB at QoS 1: RSS %.1f MB, %.3f s CPU in 3 s waiting"
               % (rss_mb, idle_cpu))
        self.assertEqual(received, count * 1001)
        if not SANITIZED:
            self.assertLess(idle_cpu, 0.3)  # no busy loop while the pipe is full
            self.assertLess(rss_mb, 64)  # the messages wait at the broker, not in mqtk-sub
        self.assertEqual(rc, 141, err)  # the reader closed its end


class SignalTest(FaultCase):
    def test_signals_at_random_moments_leave_no_torn_record(self):
        """mqtk-record is stopped by SIGINT, SIGTERM or SIGHUP at random
        moments while messages stream in; each time it is started again.
        Every file holds only whole records, and nothing is lost."""
        rng = random.Random(int(os.environ.get("MQTK_FAULT_SEED", "0")) or None)
        with Broker(extra_config="max_queued_messages 0\n") as broker:
            prefix, client_id = unique("signals"), unique("rec")
            paths = {"jsonl": self.path("s.jsonl"), "csv": self.path("s.csv"), "lp": self.path("s.lp")}
            argv = [RECORD, "-p", str(broker.port), "-i", client_id, "-t", prefix + "/#", "--quiet",
                    "--spool", self.path("spool"), *sum((["-o", p] for p in paths.values()), [])]
            count = 20000
            publisher = Process([PUB, "-p", str(broker.port), "-t", prefix + "/n", "-q", "1", "-l"],
                                stdin=subprocess.PIPE)
            stops = 0
            try:
                recorder = Process(argv)
                broker.wait_for_subscription(client_id, prefix + "/#")
                subscriptions = broker.count_subscriptions(client_id, prefix + "/#")
                for i in range(count):
                    publisher.popen.stdin.write(b'{"n": %d}\n' % i)
                    if i % 500 == 499:
                        publisher.popen.stdin.flush()
                        time.sleep(rng.uniform(0, 0.05))
                        if rng.random() < 0.5:
                            sig = rng.choice([signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
                            recorder.signal(sig)
                            rc, _, err = recorder.finish(30)
                            self.assertEqual(rc, 0, "signal %d: %s" % (sig, err))
                            stops += 1
                            recorder = Process(argv)
                            # Signalled once it runs: its signals are blocked from the first thing its main
                            # does, but nothing can block them while the program is still being loaded.
                            wait_until(lambda: broker.count_subscriptions(client_id, prefix + "/#") > subscriptions,
                                       timeout=30, what="the recorder to subscribe again")
                            subscriptions = broker.count_subscriptions(client_id, prefix + "/#")
                publisher.popen.stdin.close()
                self.assertEqual(publisher.finish(120)[0], 0)
                wait_until(lambda: len(open(paths["jsonl"]).read().splitlines()) >= count, timeout=60,
                           what="every message")
                recorder.signal(signal.SIGTERM)
                self.assertEqual(recorder.finish(30)[0], 0)
            finally:
                publisher.stop()
                recorder.stop()
        numbers = [json.loads(line)["payload"]["n"] for line in open(paths["jsonl"])]  # every line parses
        import csv
        with open(paths["csv"], newline="") as f:
            rows = list(csv.reader(f))
        self.assertEqual(rows[0], ["time", "topic", "qos", "retain", "encoding", "payload", "properties"])
        self.assertTrue(all(len(row) == 7 for row in rows[1:]))
        with open(paths["lp"]) as f:
            lines = f.read().split("\n")
        self.assertEqual(lines[-1], "")  # ends with a whole line
        self.assertTrue(all(re.fullmatch(r"\S+ n=\d+ \d+", line) for line in lines[:-1]))
        self.assertEqual(set(numbers), set(range(count)))
        report("mqtk-record stopped %d times by SIGINT/SIGTERM/SIGHUP during %d messages: 0 torn records, "
               "0 lost, %d duplicated" % (stops, count, len(numbers) - len(set(numbers))))


class VolumeTest(FaultCase):
    def test_huge_payloads(self):
        # Under mosquitto's 256 MB limit with the topic and header; a quarter
        # under the sanitizers, which check the same code paths for memory
        # errors (the whole size took them a minute and a half of CPU).
        size = (63 if SANITIZED else 255) * 1024 * 1024
        payload_path = self.path("huge.bin")
        with open(payload_path, "wb") as f:
            block = os.urandom(1 << 20)
            for _ in range(size >> 20):
                f.write(block)
        with Broker(extra_config="max_queued_messages 0\n") as broker:
            topic, client_id, rec_id = unique("huge"), unique("huge"), unique("rec")
            output = self.path("out.bin")
            recording = self.path("huge.jsonl")
            with open(output, "wb") as out:
                sub = Measured([SUB, "-p", str(broker.port), "-i", client_id, "-t", topic, "-N"], stdout=out)
                recorder = Measured([RECORD, "-p", str(broker.port), "-i", rec_id, "-t", topic, "-o", recording,
                                     "--quiet"])
                broker.wait_for_subscription(client_id, topic)
                broker.wait_for_subscription(rec_id, topic)
                # The delay keeps mqtk-pub alive, and measured, after its peak.
                pub = Measured([PUB, "-p", str(broker.port), "-t", topic, "-f", payload_path, "-q", "1",
                                "--repeat", "2", "--repeat-delay", "1"])

                def state():
                    """Where each side stands, for a timeout's message."""
                    lines = line_count(recording) if os.path.exists(recording) else 0
                    return "; ".join(
                        ["mqtk-sub wrote %d bytes, mqtk-record %d records" % (os.path.getsize(output), lines)] +
                        ["%s %s, stderr %r" % (name, "running" if p.popen.poll() is None else
                                               "exited %s" % p.popen.returncode, b"".join(p.err)[-300:])
                         for name, p in (("mqtk-pub", pub), ("mqtk-sub", sub), ("mqtk-record", recorder))])

                try:
                    wait_until(lambda: os.path.getsize(output) >= 2 * size, timeout=360, what="both copies")
                    wait_until(lambda: os.path.exists(recording) and line_count(recording) >= 2, timeout=360,
                               what="both records")
                except AssertionError as timeout:
                    raise AssertionError("%s: %s; broker log:\n%s" % (timeout, state(), broker.log()[-2000:])) from None
                time.sleep(0.1)
                sub.popen.send_signal(signal.SIGINT)
                recorder.popen.send_signal(signal.SIGINT)
                pub_rc, _, pub_err = pub.wait(120)
                sub_rc, _, sub_err = sub.wait(120)
                rec_rc, _, rec_err = recorder.wait(120)
        self.assertEqual((pub_rc, sub_rc, rec_rc), (0, 0, 0), pub_err + sub_err + rec_err)
        self.assertEqual(os.path.getsize(output), 2 * size)
        with open(output, "rb") as f:
            self.assertEqual(f.read(1 << 20), block)
        with open(recording, "rb") as f:
            first = f.readline()
        self.assertIn(b'"encoding":"base64","payload":"' + base64.b64encode(block)[:64], first[:1024])
        self.assertTrue(first.endswith(b'"}\n'))
        mb = size / (1 << 20)
        report("a %d MB payload: mqtk-pub -f peak RSS %.0f MB (%.2fx), mqtk-sub %.0f MB (%.2fx), mqtk-record into "
               "JSON lines %.0f MB (%.2fx)" % (mb, pub.peak_kb / 1024, pub.peak_kb / 1024 / mb, sub.peak_kb / 1024,
                                               sub.peak_kb / 1024 / mb, recorder.peak_kb / 1024,
                                               recorder.peak_kb / 1024 / mb))
        # mqtk-pub: three copies at the peak (the file, libmosquitto's message and packet). mqtk-sub and
        # mqtk-record: libmosquitto's two (packet and message); the payload goes out from there, a piece at a
        # time, never copied into a buffer.
        if not SANITIZED:
            self.assertLess(pub.peak_kb / 1024, 3.2 * mb + 32)
            self.assertLess(sub.peak_kb / 1024, 2.2 * mb + 32)
            self.assertLess(recorder.peak_kb / 1024, 2.2 * mb + 32)

    def test_100000_topics(self):
        count = 100000
        recording = self.path("topics.jsonl")
        with open(recording, "w") as f:
            for i in range(count):
                f.write('{"time":"2026-01-01T00:00:00Z","topic":"t/%d/%d","payload":%d}\n' % (i % 317, i, i))
        with Broker(extra_config="max_queued_messages 0\n") as broker:
            sub_id, rec_id = unique("topics"), unique("rec")
            sub = Measured([SUB, "-p", str(broker.port), "-i", sub_id, "-t", "t/#", "-v", "-q", "1"])
            recorder = Measured([RECORD, "-p", str(broker.port), "-i", rec_id, "-t", "t/#", "-o", self.path("r.lp"),
                                 "-o", self.path("r.jsonl"), "--spool", self.path("spool"), "--quiet"])
            broker.wait_for_subscription(sub_id, "t/#")
            broker.wait_for_subscription(rec_id, "t/#")
            rc, _, err = run([PUB, "-p", str(broker.port), "--replay", recording, "--speed", "max", "-q", "1"],
                             timeout=300)
            self.assertEqual(rc, 0, err)
            wait_until(lambda: b"".join(sub.out).count(b"\n") >= count, timeout=120, what="mqtk-sub's output")
            wait_until(lambda: os.path.exists(self.path("r.lp")) and
                       open(self.path("r.lp")).read().count("\n") >= count, timeout=60, what="the recording")
            time.sleep(0.1)
            sub.popen.send_signal(signal.SIGINT)
            recorder.popen.send_signal(signal.SIGINT)
            sub_rc, out, sub_err = sub.wait(30)
            rec_rc, _, rec_err = recorder.wait(30)
        self.assertEqual((sub_rc, rec_rc), (0, 0), sub_err + rec_err)
        self.assertEqual(len(set(out.splitlines())), count)
        report("100,000 distinct topics: mqtk-sub peak RSS %.1f MB, mqtk-record (jsonl + lp) peak RSS %.1f MB"
               % (sub.peak_kb / 1024, recorder.peak_kb / 1024))
        if not SANITIZED:
            self.assertLess(sub.peak_kb / 1024, 48)
            self.assertLess(recorder.peak_kb / 1024, 96)


class PoisonPayloadTest(FaultCase):
    """Payloads built to hurt a JSON walk (deep nesting, very many fields):
    recorded, acknowledged once, in bounded memory; never a crash that the
    persistent session would hand back at every start."""

    def test_deep_and_wide_json_is_recorded_and_acknowledged(self):
        depth = 100000
        payloads = [b"[" * depth + b"]" * depth,                          # 200 KB, balanced
                    b"[" * 200000,                                         # 200 KB, never closed
                    b'{"a":' * 20000 + b"1" + b"}" * 20000,               # 20,000 levels of objects
                    b"{" + b",".join(b'"f%d":%d' % (i, i) for i in range(100000)) + b"}"]  # 100,000 fields
        with Broker(extra_config="max_queued_messages 0\n") as broker:
            topic, rec_id = unique("poison"), unique("rec")
            argv = [RECORD, "-p", str(broker.port), "-i", rec_id, "-t", topic, "-o", self.path("r.lp"),
                    "-o", self.path("r.jsonl"), "--quiet"]
            recorder = Measured(argv)
            broker.wait_for_subscription(rec_id, topic)
            publish_all(broker.port, [(topic, p, 1, False) for p in payloads] + [(topic, b'{"after": 1}', 1, False)])
            wait_until(lambda: os.path.exists(self.path("r.jsonl")) and
                       line_count(self.path("r.jsonl")) == len(payloads) + 1, timeout=60,
                       what="every payload recorded")
            recorder.popen.send_signal(signal.SIGINT)
            rc, _, err = recorder.wait(30)
            self.assertEqual(rc, 0, err)
            # Started again, it gets nothing back: everything was acknowledged.
            since = len(broker.log())
            again = Measured(argv)
            broker.wait_for_subscription(rec_id, topic, since=since)
            time.sleep(0.5)
            again.popen.send_signal(signal.SIGINT)
            rc, _, err = again.wait(30)
            self.assertEqual(rc, 0, err)
        with open(self.path("r.jsonl"), "rb") as f:
            lines = f.read().splitlines()
        self.assertEqual(len(lines), len(payloads) + 1)
        # (Python's json module itself cannot read such depths: the records are checked as bytes.)
        # JSON deeper than the records keep verbatim is kept as text.
        for line, payload, verbatim in zip(lines, payloads + [b'{"after": 1}'], (False, False, False, True, True)):
            self.assertTrue(line.endswith(b'"encoding":"json","payload":' + payload + b"}") if verbatim else
                            line.endswith(b'"encoding":"utf-8","payload":"' + payload.replace(b'"', b'\\"') + b'"}'),
                            line[:100])
        with open(self.path("r.lp"), "rb") as f:
            points = f.read().splitlines()
        self.assertEqual(len(points), len(payloads) + 1)
        for point, payload in zip(points, payloads):  # each beyond a limit: the payload as text
            self.assertTrue(point.startswith(topic.encode() + b' value="' + payload.replace(b'"', b'\\"') + b'" '),
                            point[:80])
        self.assertTrue(points[-1].startswith(topic.encode() + b" after=1 "))
        biggest = max(len(p) for p in payloads) / (1 << 20)
        report("poison payloads (100,000 levels, 200 KB unclosed, 20,000 object levels, 100,000 fields): "
               "recorded as text, acknowledged once; mqtk-record peak RSS %.1f MB" % (recorder.peak_kb / 1024))
        if not SANITIZED:
            self.assertLess(recorder.peak_kb / 1024, 16 + 20 * biggest)


if __name__ == "__main__":
    unittest.main()
