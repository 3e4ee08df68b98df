"""Where mqtk must beat the reference: every message delivered, in order,
and a non-zero exit with a count when the broker goes away first."""

import signal
import subprocess
import tempfile
import time
import unittest

from harness import Broker, BrokerTestCase, Process, run, subscriber, tool, unique, volume, wait_until

PUB = tool("pub")
SUB = tool("sub")

LINES = volume(200000)


class LosslessTest(BrokerTestCase):
    """With a broker of its own: mosquitto queues at most 1000 QoS 1/2 messages
    for a subscriber that falls behind and drops the rest (max_queued_messages),
    which would hide what this test is about: that mqtk-pub loses nothing."""

    broker_config = "max_queued_messages 0\n"

    def stream(self, qos, count=LINES):
        """Publishes `count` numbered lines with mqtk-pub -l at `qos` while
        mqtk-sub receives them at the same QoS; returns what arrived."""
        t = self.topic()
        lines = b"".join(b"%d\n" % i for i in range(count))
        with subscriber(self.broker, SUB, [t], extra=["-q", str(qos), "-C", str(count), "-W", "240"]) as sub:
            rc, out, err = run([PUB, "-p", str(self.port), "-t", t, "-q", str(qos), "-l"], input=lines, timeout=240)
            self.assertEqual((rc, out, err), (0, b"", b""))
            sub_rc, received, sub_err = sub.finish(timeout=240)
        self.assertEqual(sub_rc, 0, sub_err)
        return lines, received

    def test_lines_at_qos_1(self):  # LINES: 200,000 (a fifth under the sanitizers)
        sent, received = self.stream(1)
        self.assertEqual(received.count(b"\n"), LINES)
        self.assertTrue(received == sent, "messages lost, duplicated or reordered")

    def test_lines_at_qos_2(self):
        sent, received = self.stream(2)
        self.assertEqual(received.count(b"\n"), LINES)
        self.assertTrue(received == sent, "messages lost, duplicated or reordered")

    def test_lines_at_qos_0(self):
        # QoS 0 promises nothing across the network, but on an idle loopback
        # broker mqtk-pub must not drop any itself.
        sent, received = self.stream(0, count=volume(50000))
        self.assertTrue(received == sent)

    def test_repeat_file_and_stdin_at_qos_2(self):
        t = self.topic()
        with tempfile.NamedTemporaryFile() as f:
            f.write(b"file body")
            f.flush()
            with subscriber(self.broker, SUB, [t], extra=["-q", "2", "-C", "3002", "-W", "60"]) as sub:
                self.assertEqual(run([PUB, "-p", str(self.port), "-t", t, "-q", "2", "-m", "m", "--repeat", "3000"])[0], 0)
                self.assertEqual(run([PUB, "-p", str(self.port), "-t", t, "-q", "2", "-f", f.name])[0], 0)
                self.assertEqual(run([PUB, "-p", str(self.port), "-t", t, "-q", "2", "-s"], input=b"stdin body")[0], 0)
                rc, received, _ = sub.finish(timeout=60)
        self.assertEqual(received, b"m\n" * 3000 + b"file body\nstdin body\n")


class BrokerGoesAwayTest(unittest.TestCase):
    def test_pub_reports_unacknowledged_messages(self):
        with Broker() as broker:
            t = unique("away")
            # A slow, endless input: the broker dies while messages are in flight.
            feeder = subprocess.Popen(["bash", "-c", "for i in $(seq 1 100000); do echo $i; done; sleep 30"],
                                      stdout=subprocess.PIPE)
            try:
                with Process([PUB, "-p", str(broker.port), "-t", t, "-q", "1", "-l"], stdin=feeder.stdout) as pub:
                    wait_until(lambda: "as " in broker.log(), what="mqtk-pub to connect")
                    time.sleep(0.3)
                    broker.kill()
                    rc, out, err = pub.finish(timeout=20)
            finally:
                feeder.kill()
                feeder.wait()
        self.assertEqual(rc, 1)
        self.assertEqual(out, b"")
        self.assertRegex(err.decode(), r"^mqtk-pub: lost the connection to localhost:\d+ \(.*\): \d+ of \d+ messages "
                                       r"were not acknowledged\n$")

    def test_pub_interrupted_waits_for_acknowledgements(self):
        with Broker() as broker:
            t = unique("int")
            client_id = unique("reader")
            with subscriber(broker, SUB, [t], client_id=client_id, extra=["-q", "1"]) as sub:
                with Process([PUB, "-p", str(broker.port), "-t", t, "-q", "1", "-l"], stdin=subprocess.PIPE) as pub:
                    pub.popen.stdin.write(b"one\ntwo\n")
                    pub.popen.stdin.flush()
                    wait_until(lambda: broker.log().count("as ") >= 2, what="mqtk-pub to connect")
                    time.sleep(0.5)
                    pub.signal(signal.SIGINT)
                    rc, _, err = pub.finish(timeout=10)
                self.assertEqual((rc, err), (130, b""))
                sub.signal(signal.SIGINT)
                self.assertEqual(sub.finish()[1], b"one\ntwo\n")


if __name__ == "__main__":
    unittest.main()
