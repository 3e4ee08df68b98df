"""Pins the libmosquitto behaviour mqtk's durability rests on (see
lib/mqtk/mqtt/session.hpp): a QoS 1 message is acknowledged only after
mqtk-sub has written it out. A subscriber stuck on a stalled reader and then
killed must not have acknowledged what it never wrote, so its persistent
session gets everything again."""

import os
import signal
import subprocess
import time
import unittest

from harness import Broker, run, tool, unique, wait_until

SUB = tool("sub")
PUB = tool("pub")
COUNT = 3000


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
            # Nothing is torn: every line is a whole message.
            self.assertTrue(all(len(line) == 94 for line in written.splitlines()))


if __name__ == "__main__":
    unittest.main()
