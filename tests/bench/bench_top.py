"""Peak RSS and CPU of mqtk-top on a busy broker with many topics (issue
18: 100,000 topics at 50,000 msg/s must not grow memory without limit),
beside mosquitto_sub -t '#' -v, what people run on such a broker first.

Both subscribe to '#' on the same broker at once; mqtk-pub --replay then
publishes a generated recording of 100,000 topics, each message at its
recorded offset (50,000 msg/s), five passes (--loop 5: 500,000 messages).
mosquitto_sub -v writes into a file and is stopped with SIGTERM once it
holds every line. CPU is user+system from wait4 of GNU time, peak RSS GNU
time's.

mqtk-top runs headless: --json --after 60s, one snapshot of every topic
(counts, rates, histories, payloads: the table the screen shows) once the
stream is long over; the figures include that 25 MB snapshot.

A second case caps mqtk-top at --max-topics 10000 on the same stream, to
show what the cap saves (the topics beyond it are counted, not kept).

Figures only: no target; mosquitto_sub is the reference the ratios are
taken against. Also recorded: the topics mqtk-top showed, and whether it
counted every message.

Run: ./scripts/bench top   (or /usr/bin/python3 tests/bench/bench_top.py)
"""

import json
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "integration"))
from harness import Broker, tool, unique, wait_until  # noqa: E402
from peers import measured, peak_rss, stop  # noqa: E402
from report import Bench, scaled  # noqa: E402

TOPICS = scaled(100000, 1000)
RATE = scaled(50000, 5000)
PASSES = scaled(5, 2)
MESSAGES = TOPICS * PASSES
AFTER = scaled(60, 8)  # seconds mqtk-top watches before its one snapshot


def write_recording(path):
    """TOPICS messages, one per topic (a tree of 3 levels, 20-byte numeric
    payloads), spaced 1/RATE s apart."""
    start = 1_700_000_000.0
    with open(path, "w") as f:
        for i in range(TOPICS):
            at = start + i / RATE
            seconds = int(at)
            stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)) + ".%09dZ" % int((at - seconds) * 1e9)
            topic = "bench/site%02d/line%03d/sensor%05d" % (i % 50, (i // 50) % 200, i)
            f.write(json.dumps({"time": stamp, "topic": topic, "qos": 0, "retain": False, "encoding": "utf-8",
                                "payload": "%020d" % i}) + "\n")


def start(argv, rss_path, out_path):
    with open(out_path, "wb") as out:
        return subprocess.Popen(measured(argv, rss_path), stdout=out, stderr=subprocess.PIPE)


def stopped(process):
    """SIGTERM to the tool under GNU time; its CPU seconds and standard error."""
    usage = stop(process)
    err = process.stderr.read()
    process.stderr.close()
    return usage.ru_utime + usage.ru_stime, err


def last_snapshot(path):
    """The last complete JSON snapshot in mqtk-top's output: its rows."""
    with open(path, "rb") as f:
        data = f.read()
    rows = [json.loads(line) for line in data[:data.rfind(b"\n") + 1].splitlines()]
    if not rows:
        return []
    last_time = rows[-1]["time"]
    return [r for r in rows if r["time"] == last_time]


def line_count(path):
    with open(path, "rb") as f:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b""))


def run_case(bench, broker, directory, recording, label, top_flags):
    port = str(broker.port)
    top_id, sub_id = unique("top"), unique("sub")
    top_out, sub_out = os.path.join(directory, "top.jsonl"), os.path.join(directory, "sub.txt")
    top_rss, sub_rss = os.path.join(directory, "top.rss"), os.path.join(directory, "sub.rss")
    # One snapshot at the end, long after the stream: a snapshot of 100,000
    # topics is 25 MB of JSON, which every 2 s would be most of the work.
    top = start([tool("top"), "-p", port, "-i", top_id, "-t", "bench/#", "--json", "--after", "%ds" % AFTER,
                 *top_flags], top_rss, top_out)
    sub = start(["mosquitto_sub", "-p", port, "-i", sub_id, "-t", "bench/#", "-v"], sub_rss, sub_out)
    broker.wait_for_subscription(top_id, "bench/#")
    broker.wait_for_subscription(sub_id, "bench/#")
    began = time.monotonic()
    subprocess.run([tool("pub"), "-p", port, "--replay", recording, "--loop", str(PASSES)], check=True,
                   stdout=subprocess.DEVNULL)
    published = time.monotonic() - began
    wait_until(lambda: line_count(sub_out) >= MESSAGES, timeout=300, interval=0.5, what="mosquitto_sub's lines")
    sub_cpu, _ = stopped(sub)
    _, status, usage = os.wait4(top.pid, 0)  # it exits after its snapshot
    top.returncode = os.waitstatus_to_exitcode(status)
    top_cpu = usage.ru_utime + usage.ru_stime
    top_err = top.stderr.read()
    top.stderr.close()
    if published > AFTER or top.returncode != 0:
        raise SystemExit("mqtk-top ended (%d) before the stream did (%.1f s): %s" % (top.returncode, published,
                                                                                     top_err.decode()))
    rows = last_snapshot(top_out)
    counted = sum(r["count"] for r in rows)
    # The recording asks for RATE; what a loaded machine's publisher reached is said too.
    case = "%s: %d topics, %d msg paced at %d msg/s (reached %d msg/s)" % (label, TOPICS, MESSAGES, RATE,
                                                                        MESSAGES / published)
    bench.row(case, "mqtk-top", "peak RSS", "MB", peak_rss(top_rss), "mosquitto_sub -v", peak_rss(sub_rss))
    bench.row(case, "mqtk-top", "CPU", "s", top_cpu, "mosquitto_sub -v", sub_cpu)
    bench.row(case, "mqtk-top", "CPU per message", "us", top_cpu / MESSAGES * 1e6, "mosquitto_sub -v",
              sub_cpu / MESSAGES * 1e6)
    bench.row(case, "mqtk-top", "topics shown", "topics", len(rows), "topics published", TOPICS, better="higher")
    if not top_flags:
        bench.row(case, "mqtk-top", "messages counted", "msg", counted, "messages published", MESSAGES,
                  better="higher")


def main():
    bench = Bench("top")
    with tempfile.TemporaryDirectory(prefix="mqtk-bench-top-") as directory:
        recording = os.path.join(directory, "recording.jsonl")
        write_recording(recording)
        # The broker buffers what a slow subscriber has not read yet: no limit on that here.
        with Broker(extra_config="max_queued_messages 0\nmax_queued_bytes 0\n") as broker:
            run_case(bench, broker, directory, recording, "all topics", [])
            run_case(bench, broker, directory, recording, "--max-topics %d" % (TOPICS // 10),
                     ["--max-topics", str(TOPICS // 10)])
    bench.done()


if __name__ == "__main__":
    main()
