"""Pins the libmosquitto behaviour mqtk's durability rests on (see
lib/mqtk/mqtt/session.hpp): a QoS 1 message is acknowledged only after
mqtk-sub has written it out. A subscriber stuck on a stalled reader and then
killed must not have acknowledged what it never wrote, so its persistent
session gets everything again."""

import fcntl
import json
import os
import signal
import subprocess
import tempfile
import time
import unittest

import hostile_broker
from harness import Broker, run, tool, unique, wait_until

SUB = tool("sub")
PUB = tool("pub")
RECORD = tool("record")
COUNT = 3000
F_SETPIPE_SZ = 1031  # fcntl.F_SETPIPE_SZ from Python 3.10 on


class AckAfterWriteTest(unittest.TestCase):
    def test_killed_while_output_stalls_loses_nothing(self):
        with Broker(extra_config="max_queued_messages 0\n") as broker:
            t = unique("stall")
            client_id = unique("durable")
            argv = [SUB, "-p", str(broker.port), "-t", t, "-q", "1", "-c", "-i", client_id]
            self.assertEqual(run(argv + ["-E"])[0], 0)

            read_end, write_end = os.pipe()  # never read while the subscriber runs
            sub = subprocess.Popen(argv, stdout=write_end, stderr=subprocess.DEVNULL)
            os.close(write_end)
            try:
                wait_until(lambda: broker.count_subscriptions(client_id, t) >= 2, what="the subscription")
                lines = b"".join(b"message %05d %s\n" % (i, b"x" * 80) for i in range(COUNT))
                rc, _, err = run([PUB, "-p", str(broker.port), "-t", t, "-q", "1", "-l"], input=lines, timeout=60)
                self.assertEqual(rc, 0, err)
                time.sleep(1)  # the subscriber is now blocked writing into the full pipe
                self.assertIsNone(sub.poll())
                sub.send_signal(signal.SIGKILL)
                sub.wait()
            finally:
                if sub.poll() is None:
                    sub.kill()
                    sub.wait()
            with os.fdopen(read_end, "rb") as pipe:
                written = pipe.read()
            self.assertLess(written.count(b"\n"), COUNT, "the pipe should have stalled the subscriber")

            rc, rest, _ = run(argv + ["-W", "3"], timeout=20)
            self.assertEqual(rc, 27)
            received = set(written.splitlines()) | set(rest.splitlines())
            missing = [i for i in range(COUNT) if b"message %05d %s" % (i, b"x" * 80) not in received]
            self.assertEqual(missing, [], "acknowledged but never written: %d messages" % len(missing))
            # Every line is a whole message but the last, which the kill may
            # have cut short: a write blocked on the full pipe leaves what it
            # had put there (for writes longer than PIPE_BUF no writer can
            # prevent that). That message was not acknowledged: it came again.
            *whole, cut = written.split(b"\n")
            self.assertTrue(all(len(line) == 94 for line in whole))
            published = lines.split(b"\n")
            self.assertTrue(cut == b"" or any(line.startswith(cut) for line in published), cut)


class ReaderGoneTest(unittest.TestCase):
    """A reader that goes away (EPIPE) must not make the tool acknowledge
    the messages of the write that failed: a persistent session gets them
    again. Only what the pipe itself had taken can be lost with the pipe."""

    SIZE = 2000  # a 4,096-byte pipe holds at most two of these messages

    def queue(self, broker, t, argv_tool, count):
        """A persistent session for a new client id with `count` messages
        waiting in it; returns the client id and the lines published."""
        client_id = unique("gone")
        rc, _, err = run([SUB, "-p", str(broker.port), "-t", t, "-q", "1", "-c", "-i", client_id, "-E"])
        self.assertEqual(rc, 0, err)
        lines = [b"message %05d %s" % (i, b"x" * (self.SIZE - 15)) for i in range(count)]
        rc, _, err = run([PUB, "-p", str(broker.port), "-t", t, "-q", "1", "-l"], input=b"\n".join(lines) + b"\n")
        self.assertEqual(rc, 0, err)
        return client_id, lines

    def test_mqtk_sub_acknowledges_nothing_its_failed_write_held(self):
        """A scripted broker sends 20 QoS 1 messages at once and counts the
        PUBACKs; the reader stops after three lines. Only messages the pipe
        took whole may be acknowledged: what was read, and at most the two
        that a 4,096-byte pipe can hold."""
        pubacks = []

        def script(peer):
            peer.connect_and_subscribe(v5=False)
            peer.send(b"".join(hostile_broker.publish("t", b"%05d%s" % (mid, b"x" * (self.SIZE - 6)), qos=1, mid=mid,
                                                      v5=False) for mid in range(1, 21)))
            try:
                while True:
                    kind, _, body = peer.read_packet()
                    if kind == hostile_broker.PUBACK:
                        pubacks.append(int.from_bytes(body[:2], "big"))
            except (ConnectionError, OSError):
                pass

        with hostile_broker.HostileBroker(script) as broker:
            read_end, write_end = os.pipe()
            fcntl.fcntl(read_end, F_SETPIPE_SZ, 4096)
            sub = subprocess.Popen([SUB, "-p", str(broker.port), "-t", "t", "-q", "1"], stdout=write_end,
                                   stderr=subprocess.PIPE)
            os.close(write_end)
            read = b""
            while read.count(b"\n") < 3:  # like head -n 3, reading whatever has arrived
                chunk = os.read(read_end, 65536)
                self.assertTrue(chunk, "mqtk-sub ended before writing three lines")
                read += chunk
            os.close(read_end)
            _, err = sub.communicate(timeout=30)
            self.assertEqual(sub.returncode, 141, err)
            self.assertEqual(err, b"")
        self.assertEqual(broker.errors, [])
        whole_lines = read.count(b"\n")
        self.assertLessEqual(len(pubacks), whole_lines + 2,
                             "acknowledged %s, but only %d lines were read" % (sorted(pubacks), whole_lines))

    def test_mqtk_record_into_a_closed_pipe_records_nothing_and_says_so(self):
        with Broker(extra_config="max_queued_messages 0\n") as broker, \
                tempfile.TemporaryDirectory() as directory:
            t = unique("true")
            client_id, lines = self.queue(broker, t, RECORD, 100)
            read_end, write_end = os.pipe()
            os.close(read_end)  # | true: the reader is gone before anything is written
            argv = [RECORD, "-p", str(broker.port), "-t", t, "-i", client_id]
            recorder = subprocess.Popen(argv + ["-o", "-"], stdout=write_end, stderr=subprocess.PIPE)
            os.close(write_end)
            _, err = recorder.communicate(timeout=30)
            self.assertEqual(recorder.returncode, 141, err)
            self.assertIn(b"wrote 0 records to standard output", err)

            path = os.path.join(directory, "all.jsonl")
            recorder = subprocess.Popen(argv + ["-o", path], stderr=subprocess.PIPE)
            try:
                def recorded():
                    with open(path, "rb") as f:
                        return f.read().count(b"\n")
                wait_until(lambda: os.path.exists(path) and recorded() >= len(lines), timeout=30,
                           what="the queued messages in the file")
            finally:
                recorder.send_signal(signal.SIGINT)
                recorder.communicate(timeout=30)
            with open(path, "rb") as f:
                payloads = [json.loads(line)["payload"].encode() for line in f]
            self.assertEqual(payloads, lines)


@unittest.skipUnless(os.geteuid() == 0, "mounting a small tmpfs needs root")
class DiskFullTest(unittest.TestCase):
    """mqtk-sub > file on a disk that fills up: an error naming the cause,
    the file cut back to its last whole message, and the messages not
    written still queued at the broker."""

    def test_full_disk_under_mqtk_sub(self):
        with tempfile.TemporaryDirectory() as directory, Broker(extra_config="max_queued_messages 0\n") as broker:
            mount = os.path.join(directory, "small")
            os.makedirs(mount)
            if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", mount]).returncode != 0:
                self.skipTest("cannot mount a tmpfs here")
            try:
                t = unique("full")
                client_id = unique("full")
                argv = [SUB, "-p", str(broker.port), "-t", t, "-q", "1", "-c", "-i", client_id]
                self.assertEqual(run(argv + ["-E"])[0], 0)
                lines = [b"message %05d %s" % (i, b"y" * 1000) for i in range(600)]  # 600 KB: does not fit
                rc, _, err = run([PUB, "-p", str(broker.port), "-t", t, "-q", "1", "-l"], input=b"\n".join(lines) + b"\n")
                self.assertEqual(rc, 0, err)
                path = os.path.join(mount, "out.txt")
                with open(path, "wb") as out:
                    sub = subprocess.run(argv, stdout=out, stderr=subprocess.PIPE, timeout=60)
                rc, err = sub.returncode, sub.stderr
                self.assertEqual(rc, 1, err)
                self.assertIn(b"cannot write output: No space left on device", err)
                with open(path, "rb") as f:
                    written = f.read()
                self.assertTrue(written.endswith(b"\n"))
                self.assertTrue(all(line in lines for line in written.splitlines()))
            finally:
                subprocess.run(["umount", mount])
            rc, rest, err = run(argv + ["-W", "3"], timeout=30)
            self.assertEqual(rc, 27, err)
            received = set(written.splitlines()) | set(rest.splitlines())
            self.assertEqual([line[:13] for line in lines if line not in received], [])


if __name__ == "__main__":
    unittest.main()
