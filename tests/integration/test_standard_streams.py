"""Standard input, output or error closed by the parent (`1>&-`): no file
or connection may take their place, and a tool that needs one says so."""

import json
import os
import signal
import subprocess
import unittest

from harness import BrokerTestCase, ScratchDirectory, publish_all, tool, unique, wait_until

SUB = tool("sub")
PUB = tool("pub")
RECORD = tool("record")


def line_count(path):
    with open(path, "rb") as f:
        return f.read().count(b"\n")


def closing(*fds):
    """A preexec_fn that closes these descriptors in the child."""
    def close():
        for fd in fds:
            os.close(fd)
    return close


class ClosedStreamsTest(ScratchDirectory, BrokerTestCase):
    def run_closed(self, argv, fds, input=None):
        process = subprocess.Popen(argv, stdin=subprocess.PIPE if input is not None else None,
                                   stdout=subprocess.PIPE if 1 not in fds else None,
                                   stderr=subprocess.PIPE, preexec_fn=closing(*fds))
        out, err = process.communicate(input, timeout=30)
        return process.returncode, out, err

    def test_mqtk_sub_without_standard_output_refuses_to_run(self):
        rc, _, err = self.run_closed([SUB, "-p", str(self.port), "-t", self.topic(), "-q", "1"], [1])
        self.assertEqual(rc, 1)
        self.assertIn(b"mqtk-sub: standard output is closed; mqtk-sub prints the messages there", err)

    def test_mqtk_pub_reading_a_closed_standard_input_refuses_to_run(self):
        for flags, what in ((["-t", "x", "-l"], b"-l publishes"), (["-t", "x", "-s"], b"-s publishes"),
                            (["--replay", "-"], b"--replay - reads")):
            rc, _, err = self.run_closed([PUB, "-p", str(self.port), *flags], [0])
            self.assertEqual(rc, 1, flags)
            self.assertIn(b"mqtk-pub: standard input is closed; " + what, err)

    def test_mqtk_record_keeps_debug_lines_out_of_its_recording(self):
        t = self.topic()
        client_id = unique("rec")
        path = self.path("x.jsonl")
        recorder = subprocess.Popen([RECORD, "-p", str(self.port), "-t", t, "-i", client_id, "-d", "-o", path],
                                    stderr=subprocess.PIPE, preexec_fn=closing(1))
        try:
            self.broker.wait_for_subscription(client_id, t)
            publish_all(self.port, [(t, b'{"n":%d}' % i, 1, False) for i in range(3)])
            wait_until(lambda: line_count(path) >= 3, what="three records")
        finally:
            recorder.send_signal(signal.SIGINT)
            _, err = recorder.communicate(timeout=30)
        self.assertEqual(recorder.returncode, 0, err)
        with open(path, "rb") as f:
            records = [json.loads(line) for line in f]
        self.assertEqual([r["payload"] for r in records], [{"n": 0}, {"n": 1}, {"n": 2}])


if __name__ == "__main__":
    unittest.main()
