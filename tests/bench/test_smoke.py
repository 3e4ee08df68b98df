"""The benchmarks' smoke test (ctest bench.smoke): every tests/bench/bench_*.py
runs on tiny counts (MQTK_BENCH_SMOKE=1) and must exit 0 and write
well-formed rows into its own report file. It times nothing and never fails
on a missed target: targets are verdicts for ./scripts/bench only. MQTT.js
is used only where an earlier ./scripts/bench installed it.

Run: MQTK_BIN_DIR=build/tools /usr/bin/python3 -m unittest -v test_smoke   (in tests/bench)
"""

import concurrent.futures
import glob
import json
import numbers
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from report import FIELDS, TARGET  # noqa: E402

BENCHES = sorted(glob.glob(os.path.join(HERE, "bench_*.py")))


def run(bench, directory):
    name = os.path.basename(bench)[:-3]
    report = os.path.join(directory, name + ".jsonl")
    env = dict(os.environ, MQTK_BENCH_SMOKE="1", MQTK_BENCH_REPORT=report, MQTK_BENCH_RUN="smoke-" + name,
               PYTHONDONTWRITEBYTECODE="1")
    done = subprocess.run(["/usr/bin/python3", bench], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          timeout=300)
    return name, done.returncode, done.stdout.decode(errors="replace"), report


class SmokeTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.directory = tempfile.TemporaryDirectory(prefix="mqtk-bench-smoke-")
        with concurrent.futures.ThreadPoolExecutor(3) as pool:  # nothing is timed: they may share the cores
            cls.results = list(pool.map(lambda bench: run(bench, cls.directory.name), BENCHES))

    @classmethod
    def tearDownClass(cls):
        cls.directory.cleanup()

    def test_there_are_benches(self):
        self.assertGreaterEqual(len(BENCHES), 5)

    def test_every_bench_exits_0_and_writes_well_formed_rows(self):
        for name, status, output, report in self.results:
            with self.subTest(bench=name):
                self.assertEqual(status, 0, output)
                with open(report) as f:
                    rows = [json.loads(line) for line in f]
                self.assertTrue(rows, output)
                for row in rows:
                    self.check_row(row, name)

    def check_row(self, row, name):
        self.assertEqual(set(row), set(FIELDS), row)
        self.assertEqual(row["run"], "smoke-" + name)
        for field in ("bench", "case", "tool", "metric", "unit", "against"):
            self.assertIsInstance(row[field], str, row)
        self.assertIn(row["role"], ("reference", "peer"), row)
        self.assertIn(row["better"], ("lower", "higher"), row)
        self.assertIn(row["met"], (True, False, None), row)
        if row["value"] is None:
            self.assertTrue(row["note"].startswith("n/a"), row)
        else:
            self.assertIsInstance(row["value"], numbers.Real, row)
            self.assertGreaterEqual(row["value"], 0, row)
        if row["target"] is not None:
            self.assertRegex(row["target"], TARGET, row)
            self.assertEqual(row["role"], "reference", row)
            self.assertIsNotNone(row["met"], row)
        if row["ratio"] is not None:
            self.assertAlmostEqual(row["ratio"], row["value"] / row["reference"], places=6)


if __name__ == "__main__":
    unittest.main()
