"""mqtk-sub beside mosquitto_sub: the same messages received with the same
flags must give the same bytes and the same exit status."""

import os
import re
import signal
import subprocess
import tempfile
import time
import unittest

from harness import (Broker, BrokerTestCase, Process, publish_all, run, side_by_side, silent_listener, subscriber,
                     tool, unique, wait_until, wait_until_handling)

SUB = tool("sub")
PUB = tool("pub")


def message_set(prefix, qos=None):
    """Messages of every kind. Published with mixed QoS unless `qos` is given:
    deliveries at different QoS levels may overtake each other (MQTT orders
    messages per topic and QoS only), so a subscription above QoS 0 gets them
    all at one level to keep the order comparable."""
    messages = [
        (prefix + "/text", b"hello world", 0),
        (prefix + "/empty", b"", 0),
        (prefix + "/binary", bytes(range(256)), 1),
        (prefix + "/\u00fcn\u00efc\u00f6d\u00e9/\ud1a0\ud53d", "unicode \u2713".encode(), 2),
        (prefix + "/json", b'{"name":"zzerii","temp":21.5}', 1),
        (prefix + "/multi", b"line1\nline2", 0),
        (prefix + "/nul", b"a\x00b", 2),
        (prefix + "/space topic", b"36.5", 0),
    ]
    return [(t, p, q if qos is None else qos, False) for t, p, q in messages]


class SideBySideTest(BrokerTestCase):
    def compare(self, flags, messages=None, retained=(), count=None, topics=None, qos=None):
        prefix = self.topic()
        messages = messages if messages is not None else message_set(prefix, qos)
        if retained:
            publish_all(self.port, [(prefix + "/" + t, p, 1, True) for t, p in retained])
        count = count if count is not None else len(messages) + len(retained)
        topics = topics or [prefix + "/#"]
        result = side_by_side(self, self.broker, flags, lambda: publish_all(self.port, messages), count, topics)
        if retained:
            publish_all(self.port, [(prefix + "/" + t, b"", 1, True) for t, _ in retained])
        (our_rc, our_out, our_err), (ref_rc, ref_out, ref_err) = result
        self.assertEqual(our_out, ref_out, "stdout differs for flags %s" % flags)
        self.assertEqual(our_rc, ref_rc, "exit status differs; stderr: %r vs %r" % (our_err, ref_err))
        return our_out

    def test_default_output(self):
        out = self.compare([])
        self.assertIn(b"hello world\n", out)

    def test_verbose(self):
        out = self.compare(["-v"])
        self.assertIn(b"/empty (null)\n", out)

    def test_no_end_of_line(self):
        self.compare(["-N"])

    def test_verbose_no_end_of_line(self):
        self.compare(["-v", "-N"])

    def test_qos_1_and_2(self):
        self.compare(["-q", "1", "-v"], qos=1)
        self.compare(["-q", "2"], qos=2)

    def test_mqtt_v5_and_v31(self):
        self.compare(["-V", "mqttv5", "-v"])
        self.compare(["-V", "mqttv31", "-v"])

    def test_retained_messages(self):
        out = self.compare(["-v"], retained=[("r1", b"old one"), ("r2", b"old two")])
        self.assertIn(b"/r1 old one\n", out)

    def test_skip_retained(self):
        out = self.compare(["-R", "-v"], retained=[("r", b"stale")], count=len(message_set("")))
        self.assertNotIn(b"stale", out)

    def test_filter_out(self):
        prefix = self.topic()
        messages = [(prefix + "/a", b"1", 0, False), (prefix + "/b/c", b"2", 0, False), (prefix + "/a", b"3", 0, False)]
        extra = ["-T", prefix + "/b/#", "-v"]
        # Filtered messages do not count towards -C.
        out = self.compare(extra, messages=messages + [(prefix + "/d", b"4", 0, False)], count=3,
                           topics=[prefix + "/#"])
        self.assertEqual(out, ("%s/a 1\n%s/a 3\n%s/d 4\n" % (prefix, prefix, prefix)).encode())

    def test_several_topics(self):
        prefix = self.topic()
        messages = [(prefix + "/x", b"x", 0, False), (prefix + "/y", b"y", 0, False), (prefix + "/z", b"z", 0, False)]
        out = self.compare(["-v"], messages=messages, count=2, topics=[prefix + "/x", prefix + "/z"])
        self.assertEqual(out, ("%s/x x\n%s/z z\n" % (prefix, prefix)).encode())


class SubFlagsTest(BrokerTestCase):
    def test_random_filter_prints_about_the_share_asked(self):
        t = self.topic()
        with subscriber(self.broker, SUB, [t], extra=["-C", "400", "-W", "20", "--random-filter", "25"]) as sub:
            publish_all(self.port, [(t, b"%d" % i, 0, False) for i in range(400)])
            rc, out, _ = sub.finish()
        printed = out.count(b"\n")
        self.assertEqual(rc, 0)
        self.assertTrue(40 <= printed <= 180, printed)
        with subscriber(self.broker, SUB, [t], extra=["-C", "50", "-W", "20", "--random-filter", "100"]) as sub:
            publish_all(self.port, [(t, b"%d" % i, 0, False) for i in range(50)])
            self.assertEqual(sub.finish()[1].count(b"\n"), 50)

    def test_retained_only(self):
        t = self.topic()
        publish_all(self.port, [(t + "/a", b"kept-a", 1, True), (t + "/b", b"kept-b", 1, True)])
        with subscriber(self.broker, SUB, [t + "/#"], extra=["--retained-only", "-v", "-W", "20"]) as sub:
            publish_all(self.port, [(t + "/c", b"live", 0, False)])
            rc, out, _ = sub.finish()
        self.assertEqual(rc, 0)
        self.assertEqual(sorted(out.splitlines()), [(t + "/a kept-a").encode(), (t + "/b kept-b").encode()])
        publish_all(self.port, [(t + "/a", b"", 1, True), (t + "/b", b"", 1, True)])

    def test_retain_handling(self):
        """--retain-handling (mosquitto 2.1): the broker sends a retained
        message always, never, or only for a subscription the session did not
        hold yet."""
        t = self.topic()
        client_id = unique("rh")
        publish_all(self.port, [(t, b"kept", 1, True)])
        try:
            def receive(handling, extra=(), live=True):
                # One client id throughout (a session must be found again), so
                # the broker's log is waited on for one more subscription.
                before = self.broker.count_subscriptions(client_id, t)
                argv = [SUB, "-p", str(self.port), "-i", client_id, "-t", t, "-V", "mqttv5", "--retain-handling",
                        handling, "-v", "-C", "1", "-W", "20", *extra]
                with Process(argv) as sub:
                    wait_until(lambda: self.broker.count_subscriptions(client_id, t) > before,
                               what="the subscription")
                    if live:  # after the retained message, if the broker sends it
                        publish_all(self.port, [(t, b"live", 1, False)])
                    rc, out, err = sub.finish()
                self.assertEqual((rc, err), (0, b""), handling)
                return out

            self.assertEqual(receive("always"), (t + " kept").encode() + b"\n")
            self.assertEqual(receive("never"), (t + " live").encode() + b"\n")
            session = ["-c", "-x", "60", "-q", "1"]
            # A new subscription gets it (and nothing is left queued in the session)...
            self.assertEqual(receive("new", session, live=False), (t + " kept").encode() + b"\n")
            # ...one the session holds already does not.
            self.assertEqual(receive("new", session), (t + " live").encode() + b"\n")
            rc, _, err = run([SUB, "-p", str(self.port), "-t", t, "--retain-handling", "never"])
            self.assertEqual(rc, 1)
            self.assertIn("--retain-handling: a subscription option of MQTT v5", err.decode())
            rc, _, err = run([SUB, "-p", str(self.port), "-V", "5", "-t", t, "--retain-handling", "sometimes"])
            self.assertEqual(rc, 1)
            self.assertIn("--retain-handling", err.decode())
        finally:
            publish_all(self.port, [(t, b"", 1, True)])
            run([SUB, "-p", str(self.port), "-t", t, "-V", "5", "-i", client_id, "-E"])  # ends the kept session

    def test_remove_retained(self):
        t = self.topic()
        publish_all(self.port, [(t + "/a", b"x", 1, True), (t + "/b", b"y", 1, True)])
        rc, out, err = run([SUB, "-p", str(self.port), "-t", t + "/#", "--remove-retained", "-T", t + "/b",
                            "--retained-only", "-W", "2"])
        # Clearing t/a publishes an empty (live) message to it, which ends
        # --retained-only; -T kept t/b from being cleared.
        self.assertEqual((rc, out), (0, b"x\n"), err)
        rc, out, _ = run(["mosquitto_sub", "-p", str(self.port), "-t", t + "/#", "-W", "1", "-v"])
        self.assertEqual(out, (t + "/b y\n").encode())
        publish_all(self.port, [(t + "/b", b"", 1, True)])

    def test_exit_after_subscribe(self):
        rc, out, err = run([SUB, "-p", str(self.port), "-t", self.topic(), "-E"], timeout=10)
        self.assertEqual((rc, out, err), (0, b"", b""))

    def test_timeout_exit_status(self):
        started = time.monotonic()
        rc, out, err = run([SUB, "-p", str(self.port), "-t", self.topic(), "-W", "1"])
        reference = run(["mosquitto_sub", "-p", str(self.port), "-t", self.topic(), "-W", "1"])
        self.assertEqual((rc, out), (reference[0], b""))
        self.assertEqual(rc, 27)
        self.assertIn(b"Timed out", err)
        self.assertLess(time.monotonic() - started, 4)

    def test_unsubscribe(self):
        t = self.topic()
        client_id = unique("persist")
        # A persistent session subscribed to t ...
        rc, _, err = run([SUB, "-p", str(self.port), "-t", t, "-c", "-q", "1", "-i", client_id, "-E"])
        self.assertEqual(rc, 0, err)
        # ... which -U removes; afterwards nothing queues for it.
        rc, _, err = run([SUB, "-p", str(self.port), "-t", t + "/other", "-U", t, "-c", "-q", "1", "-i", client_id,
                          "-E"])
        self.assertEqual(rc, 0, err)
        publish_all(self.port, [(t, b"not for us", 1, False)])
        rc, out, _ = run([SUB, "-p", str(self.port), "-t", t + "/other", "-c", "-q", "1", "-i", client_id, "-W", "1"])
        self.assertEqual((rc, out), (27, b""))

    def test_persistent_session_receives_what_came_while_away(self):
        t = self.topic()
        client_id = unique("persist")
        rc, _, _ = run([SUB, "-p", str(self.port), "-t", t, "-c", "-q", "1", "-i", client_id, "-E"])
        self.assertEqual(rc, 0)
        publish_all(self.port, [(t, b"while away %d" % i, 1, False) for i in range(5)])
        rc, out, _ = run([SUB, "-p", str(self.port), "-t", t, "-c", "-q", "1", "-i", client_id, "-C", "5", "-W", "10"])
        self.assertEqual((rc, out), (0, b"".join(b"while away %d\n" % i for i in range(5))))

    def test_v5_session_expiry_reaches_the_broker(self):
        # CONNECT properties travel by libmosquitto's stored copy (see session.cpp):
        # with -x 60 the session outlives the connection; with -x 0 it does not.
        for expiry, expected in (("60", b"queued\n"), ("0", b"")):
            with self.subTest(expiry=expiry):
                t = self.topic()
                client_id = unique("v5")
                argv = [SUB, "-p", str(self.port), "-t", t, "-c", "-q", "1", "-i", client_id, "-V", "5", "-x", expiry]
                self.assertEqual(run(argv + ["-E"])[0], 0)
                publish_all(self.port, [(t, b"queued", 1, False)])
                rc, out, _ = run(argv + ["-W", "1"])
                self.assertEqual(out, expected)

    def test_interrupt_exits_zero_like_mosquitto_sub(self):
        for sig in (signal.SIGINT, signal.SIGTERM):
            with self.subTest(sig=sig):
                t = self.topic()
                with subscriber(self.broker, SUB, [t]) as sub:
                    sub.signal(sig)
                    rc, out, err = sub.finish(timeout=10)
                self.assertEqual((rc, out, err), (0, b"", b""))

    def test_interrupt_reaches_a_background_job_like_mosquitto_sub(self):
        # A shell starts a script's background jobs with SIGINT ignored;
        # `kill -INT` still stops mosquitto_sub there (it sets its handler
        # regardless). mosquitto_sub itself is not run here: its handler calls
        # mosquitto_disconnect_v5, which is not async-signal-safe, and a signal
        # landing inside libmosquitto hung it once in ten loaded runs.
        t = self.topic()
        client_id = unique("bg")
        with Process(["sh", "-c", 'trap "" INT; exec "$0" "$@"', SUB, "-p", str(self.port), "-t", t,
                      "-i", client_id]) as sub:
            self.broker.wait_for_subscription(client_id, t)
            sub.signal(signal.SIGINT)
            rc, out, err = sub.finish(timeout=30)
            self.assertEqual((rc, out), (0, b""), err)

    def test_interrupt_before_the_broker_answers_exits_255_like_mosquitto_sub(self):
        with silent_listener() as port:
            for tool_path in (SUB, "mosquitto_sub"):
                with self.subTest(tool=tool_path):
                    with Process([tool_path, "-p", str(port), "-t", "x"]) as sub:
                        wait_until_handling(sub.popen.pid, signal.SIGINT)  # not while it is still being loaded
                        sub.signal(signal.SIGINT)
                        self.assertEqual(sub.finish(timeout=10)[:2], (255, b""))

    def test_count_with_small_receive_maximum_keeps_the_rest_queued(self):
        # -C 2 at QoS 1 on a persistent session: the third message must still
        # be waiting in the session, not acknowledged and dropped.
        t = self.topic()
        client_id = unique("count")
        argv = [SUB, "-p", str(self.port), "-t", t, "-c", "-q", "1", "-i", client_id]
        self.assertEqual(run(argv + ["-E"])[0], 0)
        publish_all(self.port, [(t, b"m%d" % i, 1, False) for i in range(5)])
        first = run(argv + ["-C", "2", "-W", "10"])[1]
        rest = run(argv + ["-C", "3", "-W", "10"])[1]
        self.assertEqual(first + rest, b"m0\nm1\nm2\nm3\nm4\n")

    def test_debug_prints_subscribed_line(self):
        t = self.topic()
        rc, out, _ = run([SUB, "-p", str(self.port), "-t", t, "-d", "-E", "-q", "2"])
        self.assertEqual(rc, 0)
        self.assertRegex(out.decode(), r"Subscribed \(mid: 1\): 2\n")
        self.assertIn("sending SUBSCRIBE", out.decode())

    def test_url_and_extra_topics(self):
        t = self.topic()
        url = "mqtt://127.0.0.1:%d/%s/a" % (self.port, t)
        client_id = unique("url")
        with Process([SUB, "-L", url, "-t", t + "/b", "-i", client_id, "-v", "-C", "2", "-W", "10"]) as sub:
            self.broker.wait_for_subscription(client_id, t + "/b")
            publish_all(self.port, [(t + "/a", b"1", 0, False), (t + "/b", b"2", 0, False)])
            self.assertEqual(sub.finish()[1], ("%s/a 1\n%s/b 2\n" % (t, t)).encode())


class OutputTimingTest(BrokerTestCase):
    def test_output_to_a_file_is_current_within_milliseconds(self):
        t = self.topic()
        path = os.path.join(tempfile.gettempdir(), unique("out") + ".txt")
        client_id = unique("file")
        with open(path, "wb") as out:
            process = subprocess.Popen([SUB, "-p", str(self.port), "-t", t, "-i", client_id], stdout=out)
        try:
            self.broker.wait_for_subscription(client_id, t)
            for i in range(3):
                publish_all(self.port, [(t, b"reading %d" % i, 0, False)])
                wait_until(lambda: open(path, "rb").read().endswith(b"reading %d\n" % i), timeout=0.5,
                           what="message %d in the file" % i)
        finally:
            process.kill()
            process.wait()
            os.unlink(path)

    def test_head_ends_the_pipeline_quietly(self):
        t = self.topic()
        client_id = unique("head")
        pipeline = subprocess.Popen(
            "set -o pipefail; '%s' -p %d -t '%s' -i %s | head -n 3; echo \"status=${PIPESTATUS[0]}\" >&2"
            % (SUB, self.port, t, client_id),
            shell=True, executable="/bin/bash", stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            self.broker.wait_for_subscription(client_id, t)
            publish_all(self.port, [(t, b"%d" % i, 0, False) for i in range(3)])
            out, err = pipeline.communicate(timeout=10)
        finally:
            if pipeline.poll() is None:
                pipeline.kill()
        self.assertEqual(out, b"0\n1\n2\n")
        # mosquitto_sub dies of SIGPIPE (141) without a message; so do we.
        self.assertEqual(err, b"status=141\n")

    def assert_few_writes(self, trace, count):
        """The strace file `trace` shows fewer writes to standard output than
        a tenth of `count` messages."""
        with open(trace) as f:
            writes = sum(1 for line in f if "write(1," in line)
        self.assertLess(writes, count // 10, "%d writes to standard output for %d messages" % (writes, count))

    def test_no_write_per_message_under_load(self):
        t = self.topic()
        client_id = unique("load")
        trace = os.path.join(tempfile.gettempdir(), unique("strace"))
        count = 20000
        with Process(["strace", "-f", "-qq", "-e", "trace=write", "-o", trace, SUB, "-p", str(self.port), "-t", t,
                      "-i", client_id, "-C", str(count), "-W", "60"],
                     env=dict(os.environ, ASAN_OPTIONS="detect_leaks=0")) as sub:  # LeakSanitizer cannot run traced
            self.broker.wait_for_subscription(client_id, t, timeout=20)
            lines = b"".join(b"message %06d\n" % i for i in range(count))
            rc, _, err = run([PUB, "-p", str(self.port), "-t", t, "-l"], input=lines)
            self.assertEqual(rc, 0, err)
            rc, out, err = sub.finish(timeout=60)
        self.assertEqual(rc, 0, err)
        self.assertEqual(out.count(b"\n"), count)
        self.assert_few_writes(trace, count)
        os.unlink(trace)

    def test_no_write_per_message_at_qos_1(self):
        """Output is committed before acknowledgements leave, once per burst
        read. libmosquitto leaves EAGAIN in errno when it queues an
        acknowledgement and its own wake-up pipe is full, which once ended
        every burst after one message (and a recorder synced its file for
        each). The messages wait at the broker for a kept session, which sends
        them all at once on reconnection (no limit on messages in flight)."""
        count = 5000
        with Broker(extra_config="max_queued_messages 0\nmax_inflight_messages 0\n") as broker:
            t, client_id = unique("queued"), unique("queued")
            rc, _, err = run(["mosquitto_sub", "-p", str(broker.port), "-t", t, "-q", "1", "-c", "-i", client_id,
                              "-E"])
            self.assertEqual(rc, 0, err)
            rc, _, err = run([PUB, "-p", str(broker.port), "-t", t, "-q", "1", "-l"],
                             input=b"".join(b"queued %06d\n" % i for i in range(count)))
            self.assertEqual(rc, 0, err)
            trace = os.path.join(tempfile.gettempdir(), unique("strace"))
            rc, out, err = run(["strace", "-f", "-qq", "-e", "trace=read,write", "-o", trace, SUB, "-p",
                                str(broker.port), "-t", t, "-q", "1", "-c", "-i", client_id, "-C", str(count), "-W",
                                "60"],
                               env=dict(os.environ, ASAN_OPTIONS="detect_leaks=0"), timeout=90)
        self.assertEqual(rc, 0, err)
        self.assertEqual(out.count(b"\n"), count)
        self.assertEqual(out, b"".join(b"queued %06d\n" % i for i in range(count)))
        self.assert_few_writes(trace, count)
        # libmosquitto reads a packet with three read() calls here; the
        # socket is read ahead (socket_read_ahead.hpp), many packets a call.
        with open(trace) as f:
            reads = sum(1 for line in f if re.search(r"\bread\(", line))
        os.unlink(trace)
        self.assertLess(reads, count // 2, "%d reads for %d queued messages" % (reads, count))


class ReconnectTest(unittest.TestCase):
    def test_resubscribes_after_the_broker_restarts(self):
        broker = Broker().start()
        try:
            t = unique("restart")
            client_id = unique("resub")
            with subscriber(broker, SUB, [t], client_id=client_id, extra=["-C", "2", "-W", "30"]) as sub:
                publish_all(broker.port, [(t, b"before", 0, False)])
                broker.stop()
                time.sleep(1)
                broker.start()
                wait_until(lambda: broker.count_subscriptions(client_id, t) >= 2, timeout=15,
                           what="the resubscription")
                publish_all(broker.port, [(t, b"after", 0, False)])
                rc, out, err = sub.finish()
            self.assertEqual((rc, out), (0, b"before\nafter\n"))
            lines = err.decode().splitlines()
            self.assertRegex(lines[0], r"^mqtk-sub: warning: lost the connection to localhost:\d+: .*; reconnecting$")
            self.assertNotIn("(", lines[0])
            self.assertRegex(lines[-1], r"^mqtk-sub: note: reconnected to localhost:\d+ after \d+\.\d s$")
            self.assertEqual(sum("reconnected" in line for line in lines), 1)  # once for the outage
        finally:
            broker.__exit__(None, None, None)

    def test_gives_up_after_reconnect_max(self):
        with Broker() as broker:
            t = unique("gone")
            with subscriber(broker, SUB, [t], extra=["--reconnect-delay", "100ms", "--reconnect-max", "3"]) as sub:
                broker.stop()
                rc, out, err = sub.finish(timeout=30)
        self.assertEqual((rc, out), (1, b""))
        self.assertRegex(err.decode().splitlines()[-1],
                         r"^mqtk-sub: gave up reconnecting to localhost:\d+ after 3 attempts \(--reconnect-max\): ")


if __name__ == "__main__":
    unittest.main()
