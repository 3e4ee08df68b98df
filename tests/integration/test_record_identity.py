"""mqtk-record run as a user runs it: relative -o paths from a working
directory of its own, no -i, defaults left alone. The recording's identity
(client id, session, state, spool) stays the same from run to run, follows
its filters, and is listed and forgotten on request; its failures say so."""

import contextlib
import json
import os
import re
import signal
import socket
import time
import unittest

from harness import (BrokerTestCase, InfluxDB, Process, ScratchDirectory, json_records, publish_all, run, silent_listener,
                     tool, unique, wait_until, wait_until_handling)

RECORD = tool("record")
SUB = tool("sub")


def lines_of(path):
    return json_records(path)


class RecorderCase(ScratchDirectory, BrokerTestCase):
    scratch_prefix = "mqtk-identity-"

    def record(self, *args, wait_for=None):
        """Starts mqtk-record in the scratch directory and waits until it has
        subscribed; returns the Process and its client id."""
        since = len(self.broker.log())  # a restarted recorder's id subscribed before
        process = Process([RECORD, "-p", str(self.port), *args], cwd=self.directory)
        try:
            wait_until(lambda: b"recording " in process.errors() or process.popen.poll() is not None,
                       what="mqtk-record to start")
            started = re.search(rb"as client id (\S+) ", process.errors())
            client_id = started.group(1).decode() if started else None
            topics = [args[i + 1] for i, a in enumerate(args) if a == "-t"]
            if client_id:
                self.broker.wait_for_subscription(client_id, wait_for or topics[-1], since=since)
            else:
                self.broker.wait_for_subscribers(wait_for or topics[-1])
        except AssertionError:
            process.stop()
            raise AssertionError("mqtk-record did not start: %s" % process.errors())
        return process, client_id

    def stop(self, process, sig=signal.SIGINT, status=0):
        process.signal(sig)
        rc, out, err = process.finish(timeout=30)
        self.assertEqual(rc, status, err)
        return out, err

    def run_record(self, *args):
        return run([RECORD, "-p", str(self.port), *args], cwd=self.directory, timeout=60)


class IdentityTest(RecorderCase):
    def test_restart_with_a_relative_output_loses_nothing(self):
        t = self.topic()
        recorder, first_id = self.record("-t", t + "/#", "-o", "sensors.jsonl")
        self.stop(recorder)
        publish_all(self.port, [(t + "/a", b'{"while": "down"}', 1, False)])  # waits at the broker
        recorder, second_id = self.record("-t", t + "/#", "-o", "sensors.jsonl")
        self.assertEqual(first_id, second_id)
        wait_until(lambda: lines_of(self.path("sensors.jsonl")), what="the message sent while it was down")
        _, err = self.stop(recorder)
        self.assertEqual([r["payload"] for r in lines_of(self.path("sensors.jsonl"))], [{"while": "down"}])
        self.assertIn(b"client id " + first_id.encode() + b"; state in ", err)

    def test_other_filters_are_another_recording(self):
        t = self.topic()
        recorder, kitchen_id = self.record("-t", t + "/kitchen/#", "-o", "home.jsonl")
        self.stop(recorder)
        recorder, garage_id = self.record("-t", t + "/garage/#", "-o", "home.jsonl")
        self.assertNotEqual(kitchen_id, garage_id)
        self.assertIn(b"note: an earlier recording into " + self.path("home.jsonl").encode() +
                      b" (client id " + kitchen_id.encode() + b", filters " + t.encode() + b"/kitchen/#) keeps a "
                      b"session at", recorder.errors())
        publish_all(self.port, [(t + "/kitchen/1", b"1", 1, False), (t + "/garage/1", b"2", 1, False)])
        wait_until(lambda: lines_of(self.path("home.jsonl")), what="the garage message")
        self.stop(recorder)
        self.assertEqual([r["topic"] for r in lines_of(self.path("home.jsonl"))], [t + "/garage/1"])

    def test_with_a_fixed_id_the_old_filters_are_unsubscribed(self):
        t = self.topic()
        client_id = unique("fixed")
        recorder, _ = self.record("-i", client_id, "-t", t + "/kitchen/#", "-o", "home.jsonl")
        self.stop(recorder)
        recorder, _ = self.record("-i", client_id, "-t", t + "/garage/#", "-o", "home.jsonl")
        wait_until(lambda: re.search(r"Received UNSUBSCRIBE from %s|%s .*unsubscri" % (client_id, client_id),
                                     self.broker.log(), re.I) or b"no longer recording" in recorder.errors(),
                   what="the unsubscription")
        self.assertIn(b"note: no longer recording " + t.encode() + b"/kitchen/# (subscribed by an earlier run of " +
                      client_id.encode() + b"): unsubscribing", recorder.errors())
        state_file = os.path.join(os.environ["XDG_STATE_HOME"], "mqtk", "record", client_id, "state.json")
        wait_until(lambda: json.load(open(state_file))["subscribed"] == [t + "/garage/#"], what="the state")
        publish_all(self.port, [(t + "/kitchen/1", b"1", 1, False), (t + "/garage/1", b"2", 1, False)])
        wait_until(lambda: lines_of(self.path("home.jsonl")), what="the garage message")
        self.stop(recorder)
        self.assertEqual([r["topic"] for r in lines_of(self.path("home.jsonl"))], [t + "/garage/1"])
        # Nothing of the kitchen is kept for the session any more.
        publish_all(self.port, [(t + "/kitchen/2", b"3", 1, False)])
        rc, out, _ = run([SUB, "-p", str(self.port), "-c", "-i", client_id, "-t", t + "/garage/#", "-q", "1",
                          "-v", "-W", "2"])
        self.assertEqual((rc, out), (27, b""))

    def test_two_recorders_to_standard_output_keep_apart(self):
        t = self.topic()
        a = Process([RECORD, "-p", str(self.port), "-t", t + "/a/#", "-o", "-"], cwd=self.directory)
        b = Process([RECORD, "-p", str(self.port), "-t", t + "/b/#", "-o", "-"], cwd=self.directory)
        with a, b:
            self.broker.wait_for_subscribers(t + "/a/#")
            self.broker.wait_for_subscribers(t + "/b/#")
            publish_all(self.port, [(t + "/a/1", b"1", 1, False), (t + "/b/1", b"2", 1, False)])
            wait_until(lambda: a.output().count(b"\n") >= 1 and b.output().count(b"\n") >= 1, what="both records")
            a_out, a_err = self.stop(a)
            b_out, b_err = self.stop(b)
        self.assertEqual([json.loads(line)["topic"] for line in a_out.splitlines()], [t + "/a/1"])
        self.assertEqual([json.loads(line)["topic"] for line in b_out.splitlines()], [t + "/b/1"])
        for err in (a_err, b_err):
            self.assertIn(b"with a clean session", err)
            self.assertNotIn(b"lost the connection", err)

    def test_list_and_forget(self):
        t = self.topic()
        recorder, client_id = self.record("-t", t, "-o", "data.csv")
        self.stop(recorder)
        rc, out, err = self.run_record("--list")
        self.assertEqual(rc, 0, err)
        block = out.decode()[out.decode().index(client_id):]
        self.assertRegex(block, r"^%s  localhost:%d\n  filters:  %s\n  outputs:  %s\n  last run: \S+Z to \S+Z\n"
                         % (client_id, self.port, re.escape(t), re.escape(self.path("data.csv"))))
        state = os.path.join(os.environ["XDG_STATE_HOME"], "mqtk", "record", client_id)
        self.assertTrue(os.path.isdir(state))

        rc, _, err = self.run_record("-t", t, "-o", "data.csv", "--forget")
        self.assertEqual(rc, 0, err)
        self.assertIn(("forgetting %s: its session at localhost:%d and its state in %s" % (client_id, self.port, state))
                      .encode(), err)
        self.assertFalse(os.path.exists(state))
        # The broker keeps nothing for that id: a message now is not queued.
        publish_all(self.port, [(t, b"after forget", 1, False)])
        rc, out, _ = run([SUB, "-p", str(self.port), "-c", "-i", client_id, "-t", t, "-q", "1", "-W", "2"])
        self.assertEqual((rc, out), (27, b""))
        rc, out, _ = self.run_record("--list")
        self.assertNotIn(client_id.encode(), out)


    def test_a_start_refused_is_listed_as_ended_not_as_a_crash(self):
        t = self.topic()
        with open(self.path("theirs.jsonl"), "wb") as f:
            f.write(b'{"written by": "another program"')  # no newline: inside a line
        rc, _, err = self.run_record("-t", t, "-o", "theirs.jsonl")
        self.assertEqual(rc, 1)
        self.assertIn(b"ends inside a line that mqtk-record did not write", err)
        rc, out, _ = self.run_record("--list")
        self.assertRegex(out.decode(), r"  outputs:  %s\n  last run: \S+Z to \S+Z\n"
                         % re.escape(self.path("theirs.jsonl")))


class FailuresTest(RecorderCase):
    def test_takeover_is_named_and_ends_the_run(self):
        for version in ("mqttv5", "mqttv311"):
            with self.subTest(version=version):
                t = self.topic(version)
                recorder, client_id = self.record("-V", version, "-t", t, "-o", "x-%s.jsonl" % version)
                # Another client connects with the same id (it reconnects too).
                other = Process(["mosquitto_sub", "-p", str(self.port), "-V", version, "-i", client_id, "-t", "other"])
                with other:
                    rc, _, err = recorder.finish(timeout=60)
                self.assertEqual(rc, 1, err)
                self.assertIn(b"mqtk-record: another client is using client id " + client_id.encode(), err)
                self.assertIn(b"stop the other client, or give this one another -i", err)
                self.assertIn(b"received 0 messages", err)  # summed up all the same

    def test_quiet_still_prints_the_error_that_ends_the_run(self):
        rc, _, err = self.run_record("--quiet", "-t", self.topic(), "-o", "no/such/dir/x.jsonl")
        self.assertEqual(rc, 1)
        self.assertIn(b"mqtk-record: -o no/such/dir/x.jsonl: cannot use the directory no/such/dir: No such file", err)

    def test_a_second_signal_stops_at_once_and_keeps_the_rest_spooled(self):
        with silent_listener() as port:
            pass  # nothing listens there now: InfluxDB is down
        t = self.topic()
        influx = ["--influx", "http://127.0.0.1:%d" % port, "--influx-db", "d", "--influx-wait"]
        recorder, _ = self.record("-t", t, *influx)
        publish_all(self.port, [(t, b"%d" % i, 1, False) for i in range(3)])
        wait_until(lambda: b"keeping points spooled" in recorder.errors(), what="the failed send")
        recorder.signal(signal.SIGTERM)
        wait_until(lambda: b"sending 3 spooled points to InfluxDB, for up to 10 s; Ctrl-C again to stop now"
                   in recorder.errors(), what="what the stop waits for")
        recorder.signal(signal.SIGTERM)
        rc, _, err = recorder.finish(timeout=30)
        self.assertEqual(rc, 0, err)
        self.assertIn(b"3 points wait in ", err)

    @contextlib.contextmanager
    def sending_to_an_influxdb_that_hangs(self):
        """A recorder whose first batch of 3 points went to a server that took
        the request and never answers (libcurl would wait out its 10 s
        timeout). Yields the recorder; the server stays until the end."""
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
            server.bind(("127.0.0.1", 0))
            server.listen(4)
            server.settimeout(30)
            t = self.topic()
            influx = ["--influx", "http://127.0.0.1:%d" % server.getsockname()[1], "--influx-db", "d", "--influx-wait"]
            recorder, _ = self.record("-t", t, *influx)
            publish_all(self.port, [(t, b"%d" % i, 1, False) for i in range(3)])
            try:
                connection, _ = server.accept()
                with connection:
                    yield recorder
            finally:
                recorder.stop()  # when the test failed before it ended

    def test_a_second_signal_does_not_wait_for_an_influxdb_that_hangs(self):
        with self.sending_to_an_influxdb_that_hangs() as recorder:
            recorder.signal(signal.SIGTERM)
            wait_until(lambda: b"Ctrl-C again to stop now" in recorder.errors(), what="the stop's drain")
            recorder.signal(signal.SIGTERM)
            rc, _, err = recorder.finish(timeout=5)
        self.assertEqual(rc, 0, err)
        self.assertIn(b"3 points wait in ", err)
        self.assertNotIn(b"keeping points spooled", err)  # a cancelled request is no failure of InfluxDB's

    def test_the_stop_ends_with_its_grace_when_influxdb_hangs(self):
        # One signal: the spool is sent "for up to 10 s". A request InfluxDB
        # never answers is cut there, not at libcurl's own 10 s timeout (of
        # that request, and of the next one, tried at once).
        with self.sending_to_an_influxdb_that_hangs() as recorder:
            time.sleep(3)  # the request has run for a while when the stop comes
            recorder.signal(signal.SIGINT)
            stopped = time.monotonic()
            rc, _, err = recorder.finish(timeout=30)
            took = time.monotonic() - stopped
        self.assertEqual(rc, 0, err)
        self.assertIn(b"3 points wait in ", err)
        self.assertLess(took, 15, err)  # 10 s of grace; without the cut, 17 s and more

    def test_ctrl_c_does_not_wait_for_an_influxdb_that_never_answers_at_start(self):
        # Ctrl-C while the start-up check waits for an InfluxDB that never
        # answers: the wait ends (libcurl's own timeout is 10 s), why is
        # printed, then the signal ends the process, as it ends mosquitto's
        # clients.
        with silent_listener() as port:
            recorder = Process([RECORD, "-p", str(self.port), "-t", self.topic(), "--influx",
                                "http://127.0.0.1:%d" % port, "--influx-db", "d"], cwd=self.directory)
            try:
                wait_until_handling(recorder.popen.pid, signal.SIGINT)
                recorder.signal(signal.SIGINT)
                stopped = time.monotonic()
                rc, _, err = recorder.finish(timeout=30)
                took = time.monotonic() - stopped
            finally:
                recorder.stop()
        self.assertEqual(rc, -signal.SIGINT, err)
        self.assertIn(b"mqtk-record: stopped while waiting for InfluxDB at http://127.0.0.1:%d to answer" % port, err)
        self.assertLess(took, 8, err)  # about a second; without the stop, the check's 10 s

    def test_spool_carried_over_when_influxdb_is_down_at_first(self):
        t = self.topic()
        influx = InfluxDB()  # its port is chosen; it starts later
        flags = ["-t", t, "--influx", influx.url, "--influx-db", "carried", "--influx-wait", "--batch-interval", "100ms"]
        recorder, first_id = self.record(*flags)
        publish_all(self.port, [(t, b'{"n": %d}' % i, 1, False) for i in range(5)])
        wait_until(lambda: b"keeping points spooled" in recorder.errors(), what="the failed send")
        _, err = self.stop(recorder, status=0)
        self.assertIn(b"5 points wait in ", err)
        with influx:
            recorder, second_id = self.record(*flags)
            self.assertEqual(first_id, second_id)
            def stored():
                try:
                    return len(influx.rows('SELECT * FROM "%s"' % t, "carried"))
                except AssertionError:  # the database is made with the first write
                    return 0
            wait_until(lambda: stored() == 5, timeout=30, what="the spooled points in InfluxDB")
            _, err = self.stop(recorder)
        self.assertIn(b"sent 5 points to InfluxDB", err)


if __name__ == "__main__":
    unittest.main()
