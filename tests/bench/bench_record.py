"""Messages per second that mqtk-record records, against the rate mqtk-sub
receives into a file, on the same broker in the same run; and into InfluxDB
against the hand-written per-message subscriber (paho + influxdb-python, one
request per message). Each rate runs from the start of publishing (by
mosquitto_pub -l) until the last message is in the file or in InfluxDB
(its write counter, read every 20 ms: a count query would cost InfluxDB a
share of the cores the run measures; the points are counted once after).

Targets, at QoS 0, for JSON payloads of ~32 bytes, 1 KB and 64 KB (100,000,
20,000 and 2,000 messages): mqtk-record into a file (JSON lines) and into
InfluxDB at least 0.9x mqtk-sub's rate; into InfluxDB at least 50x the
per-message subscriber (32-byte payloads only). InfluxDB's ingest costs CPU
that mqtk-sub's rate never pays: the run also measures InfluxDB's own ingest
of the same points (no MQTT) and the CPU-seconds the whole machine was busy
in each, and holds the rate into InfluxDB against the most the cores allow
for both at once (at least 0.9x; see shared_cores_bound). At QoS 1 (32-byte payloads),
the file sink again at least 0.9x mqtk-sub; there a single mosquitto on two
cores is the limit, so InfluxDB's rate against mqtk-sub's is shown without
a target. The subscribers ask for QoS 1, as the per-message subscriber does.
A rate of a second or two moves by a tenth from one run to the next on a
shared machine: each of mqtk-sub's, mqtk-record's into a file and into
InfluxDB is the median of three runs, taken in turn.

Run: ./scripts/bench   (or /usr/bin/python3 tests/bench/bench_record.py)
"""

import concurrent.futures
import contextlib
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "integration"))
from harness import Broker, InfluxDB, tool, unique, wait_until  # noqa: E402
from report import Bench, scaled, size_label  # noqa: E402

PER_MESSAGE_MESSAGES = scaled(3000, 100)
RUNS = scaled(3, 1)
SIZES = [(32, scaled(100000, 1000)), (1024, scaled(20000, 200)), (65536, scaled(2000, 20))]
FIELD = 16000  # InfluxDB 1.x keeps string fields under 64 KB: big payloads get several


def payload(size, n):
    """A JSON object of exactly `size` bytes (at least 28) with the number n."""
    text = b'{"temp": 21.5, "n": %7d' % n
    k = 0
    while len(text) + 2 < size - 10:
        pad = min(FIELD, size - len(text) - 12)
        text += b', "p%d": "%s"' % (k, b"x" * pad)
        k += 1
    return text + b" " * (size - len(text) - 1) + b"}"


def lines(size, count):
    return b"".join(payload(size, i) + b"\n" for i in range(count))


def count_points(influx, database, measurement):
    try:
        rows = influx.rows('SELECT count(n) FROM "%s"' % measurement, database)
    except (AssertionError, OSError):
        return 0
    return rows[0]["count"] if rows else 0


def points_written(influx, database):
    """The points InfluxDB has stored in `database` (its shards' writePointsOk
    in /debug/vars). What a run polls every 20 ms until the last message is
    in: a counter, where SELECT count() reads every point and took 26 ms at
    100,000, a share of the very cores the run measures."""
    with urllib.request.urlopen(influx.url + "/debug/vars", timeout=10) as answer:
        stats = json.load(answer)
    return sum(value["values"].get("writePointsOk", 0) for value in stats.values()
               if isinstance(value, dict) and value.get("name") == "shard"
               and value["tags"].get("database") == database)


@contextlib.contextmanager
def publisher_input(data, chunk=50000):
    """`data` in files of `chunk` lines each, written before the clock starts:
    mosquitto_pub then reads its input from a file, and the run's two cores
    do not also carry Python pumping 128 MB through a pipe (it took about a
    third of a core at 64 KB). One mosquitto_pub per file: mosquitto_pub
    2.0.11 loses lines at QoS 1 and 2 past 65,535 unacknowledged (message
    ids wrap)."""
    lines = data.splitlines(keepends=True)
    with tempfile.TemporaryDirectory() as directory:
        paths = []
        for start in range(0, len(lines), chunk):
            paths.append(os.path.join(directory, "%d.txt" % start))
            with open(paths[-1], "wb") as f:
                f.write(b"".join(lines[start:start + chunk]))
        yield paths


def publish(broker, topic, paths, qos):
    """mosquitto_pub -l, once for each file of publisher_input()."""
    for path in paths:
        with open(path, "rb") as f:
            subprocess.run(["mosquitto_pub", "-p", str(broker.port), "-t", topic, "-q", qos, "-l"], stdin=f,
                           check=True)


def busy_cpu_seconds():
    """CPU-seconds the whole machine has spent busy since boot (/proc/stat)."""
    with open("/proc/stat") as f:
        ticks = [int(x) for x in f.readline().split()[1:9]]
    idle = ticks[3] + ticks[4]  # idle and iowait
    return (sum(ticks) - idle) / os.sysconf("SC_CLK_TCK")


def rate(broker, argv, topic, data, qos, ready, arrived, stdout=subprocess.DEVNULL):
    """Starts a subscriber, publishes `data` once `ready()` returns, and
    returns (messages per second until `arrived(count)`, the CPU-seconds the
    whole machine was busy meanwhile)."""
    count = data.count(b"\n")
    with publisher_input(data) as paths:
        process = subprocess.Popen(argv, stdout=stdout, stderr=subprocess.DEVNULL)
        try:
            ready()
            started, busy = time.monotonic(), busy_cpu_seconds()
            publish(broker, topic, paths, qos)
            wait_until(lambda: arrived(count), timeout=600, interval=0.02, what="%d messages" % count)
            return count / (time.monotonic() - started), busy_cpu_seconds() - busy
        finally:
            process.terminate()
            process.wait()


class LineCounter:
    """Counts the lines of a growing file, reading only what is new."""

    def __init__(self, path):
        self.path = path
        self.offset = 0
        self.lines = 0

    def __call__(self, count):
        if os.path.exists(self.path):
            with open(self.path, "rb") as f:
                f.seek(self.offset)
                data = f.read()
            self.offset += len(data)
            self.lines += data.count(b"\n")
        return self.lines >= count


def database(influx, prefix):
    name = prefix + "_" + unique("db").replace("-", "_")
    influx.query('CREATE DATABASE "%s"' % name)
    return name


def rate_into_influx(broker, influx, database, argv, topic, data, qos, ready):
    """rate() into InfluxDB: until its write counter has every point; then,
    off the clock, the points are read back (a resent batch would count
    twice) and the database dropped."""
    result, _ = rate(broker, argv, topic, data, qos, ready, lambda count: points_written(influx, database) >= count)
    count, found = data.count(b"\n"), count_points(influx, database, topic)
    assert found == count, "%d points written, %d read back" % (count, found)
    influx.query('DROP DATABASE "%s"' % database)
    return result


def into_file(broker, directory, ours, data, qos):
    """mqtk-sub -q 1 > file, or mqtk-record -o file.jsonl: (messages per
    second, the machine's busy CPU-seconds)."""
    client_id, topic = unique(ours), unique(ours)
    path = os.path.join(directory, client_id + (".out" if ours == "sub" else ".jsonl"))
    argv = [tool(ours), "-p", str(broker.port), "-t", topic, "-i", client_id]
    if ours == "sub":
        argv += ["-q", "1"]
    else:
        argv += ["--quiet", "-o", path, "--spool", os.path.join(directory, client_id + ".spool")]
    with open(path if ours == "sub" else os.devnull, "wb") as out:
        result = rate(broker, argv, topic, data, qos, lambda: broker.wait_for_subscription(client_id, topic),
                      LineCounter(path), stdout=out)
    os.unlink(path)
    return result


def into_influx(broker, influx, directory, data, qos):
    client_id, topic, db = unique("rec"), unique("record"), database(influx, "record")
    argv = [tool("record"), "-p", str(broker.port), "-t", topic, "-i", client_id, "--quiet",
            "--influx", influx.url, "--influx-db", db, "--spool", os.path.join(directory, client_id)]
    return rate_into_influx(broker, influx, db, argv, topic, data, qos,
                            lambda: broker.wait_for_subscription(client_id, topic))


def points(size, count, measurement):
    """The line protocol mqtk-record writes for lines(size, count)."""
    out = []
    for n in range(count):
        fields = json.loads(payload(size, n))
        text = ",".join('%s=%s' % (k, '"%s"' % v if isinstance(v, str) else float(v)) for k, v in fields.items())
        out.append(b"%s %s %d\n" % (measurement.encode(), text.encode(), 1700000000000000000 + n))
    return out


def influx_limit(influx, size, count):
    """(Points per second InfluxDB itself takes from a writer posting the
    same points in mqtk-record's batches (5,000 lines, 8 MB at most; a batch
    over 1 MB as two requests at once, each half of its lines), the machine's
    busy CPU-seconds meanwhile): the most a recorder writing as mqtk-record
    does can reach, and what InfluxDB's share of the CPU is."""
    db, measurement = database(influx, "limit"), unique("limit")
    lines, batches, batch, batch_bytes = points(size, count, measurement), [], [], 0
    for line in lines:
        if batch and (len(batch) == 5000 or batch_bytes + len(line) > 8 * 1024 * 1024):
            batches.append(batch)
            batch, batch_bytes = [], 0
        batch.append(line)
        batch_bytes += len(line)
    batches.append(batch)
    bodies = [[b"".join(batch[0::2]), b"".join(batch[1::2])] if sum(map(len, batch)) >= 1024 * 1024
              else [b"".join(batch)] for batch in batches]
    url = "%s/write?db=%s&precision=ns" % (influx.url, db)

    def post(body):
        urllib.request.urlopen(urllib.request.Request(url, data=body, method="POST"), timeout=300).read()

    start, busy = time.monotonic(), busy_cpu_seconds()
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        for parts in bodies:
            list(pool.map(post, parts))
    elapsed, busy = time.monotonic() - start, busy_cpu_seconds() - busy
    wait_until(lambda: count_points(influx, db, measurement) >= count, timeout=120, what="the points")
    influx.query('DROP DATABASE "%s"' % db)
    return count / elapsed, busy


def shared_cores_bound(count, sub, sub_cpu, ingest, ingest_cpu):
    """The most messages per second any recorder into InfluxDB could reach
    here: no more than the broker delivers (mqtk-sub's rate), nor than
    InfluxDB ingests, nor than the cores can do both, when the broker's
    pipeline (publisher, broker, a subscriber as cheap as mqtk-sub) and
    InfluxDB's ingest share them."""
    cores = os.cpu_count()
    return min(sub, ingest, cores * count / (sub_cpu + ingest_cpu))


def per_message(broker, influx, data, qos):
    topic, db = unique("per_message"), database(influx, "per_message")
    argv = ["/usr/bin/python3", os.path.join(os.path.dirname(__file__), "per_message_subscriber.py"),
            str(broker.port), topic, str(influx.port), db]
    subscribed = re.compile(r" 1 %s$" % re.escape(topic), re.M)
    return rate_into_influx(broker, influx, db, argv, topic, data, qos,
                            lambda: wait_until(lambda: subscribed.search(broker.log()),
                                               what="the per-message subscriber"))


def main():
    bench = Bench("record")
    print("mqtk-record: messages per second into a file and into InfluxDB 1.6, against mqtk-sub and a "
          "per-message subscriber on the same broker", flush=True)
    with tempfile.TemporaryDirectory() as directory, \
            Broker(extra_config="max_queued_messages 0\n") as broker, InfluxDB() as influx:
        for qos in ("0", "1"):
            for size, count in SIZES if qos == "0" else SIZES[:1]:
                case = "%s x %d QoS %s, median of %d" % (size_label(size), count, qos, RUNS)
                data = lines(size, count)
                runs = [(into_file(broker, directory, "sub", data, qos),
                         into_file(broker, directory, "record", data, qos),
                         into_influx(broker, influx, directory, data, qos)) for _ in range(RUNS)]
                sub = statistics.median(run[0][0] for run in runs)
                sub_cpu = statistics.median(run[0][1] for run in runs)
                record_file = statistics.median(run[1][0] for run in runs)
                record_influx = statistics.median(run[2] for run in runs)
                bench.row(case, "mqtk-record -o .jsonl", "rate", "msg/s", record_file, "mqtk-sub > file", sub,
                          better="higher", target=">= 0.9")
                bench.row(case, "mqtk-record --influx", "rate", "msg/s", record_influx, "mqtk-sub > file", sub,
                          better="higher", target=">= 0.9" if qos == "0" else None,
                          note=None if qos == "0" else "the broker is the limit at QoS 1")
                if qos == "0":
                    ingest, ingest_cpu = influx_limit(influx, size, count)
                    bench.row(case, "mqtk-record --influx", "rate against InfluxDB", "msg/s", record_influx,
                              "InfluxDB's own ingest", ingest, better="higher",
                              note="the same points posted in the same requests, no MQTT")
                    bound = shared_cores_bound(count, sub, sub_cpu, ingest, ingest_cpu)
                    bench.row(case, "mqtk-record --influx", "rate against the cores' bound", "msg/s", record_influx,
                              "broker and InfluxDB sharing %d cores" % os.cpu_count(), bound, better="higher",
                              target=">= 0.9", note="mqtk-sub's pipeline took %.1f CPU-s, InfluxDB's ingest %.1f" % (
                                  sub_cpu, ingest_cpu))
                if size == SIZES[0][0]:
                    baseline = per_message(broker, influx, lines(size, PER_MESSAGE_MESSAGES), qos)
                    bench.row(case, "mqtk-record --influx", "rate (baseline %d msgs)" % PER_MESSAGE_MESSAGES,
                              "msg/s", record_influx, "per-message subscriber", baseline, better="higher",
                              target=">= 50" if qos == "0" else None)
    bench.done()


if __name__ == "__main__":
    main()
