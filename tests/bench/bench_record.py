"""Messages per second recorded into InfluxDB by mqtk-record, against the
hand-written per-message subscriber (paho + influxdb-python, one request per message), on
the same broker and database in one run; and mqtk-record's file sink against
mqtk-sub writing to a file. Targets: at least 50x the hand-written per-message
subscriber into InfluxDB; a file sink that keeps up with mqtk-sub (>= 0.9x).

Measured with the messages published at QoS 0 and at QoS 1 (the subscribers
ask for QoS 1, as that subscriber does). At QoS 1 a single mosquitto on two cores
saturates at well under the 50x rate, so mqtk-sub's rate through the same
broker is printed beside it as the ceiling; the 50x target is checked at
QoS 0, where the recorder rather than the broker is the limit.

Run: ./scripts/bench   (or /usr/bin/python3 tests/bench/bench_record.py)
"""

import os
import re
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "integration"))
from harness import Broker, InfluxDB, tool, unique, wait_until  # noqa: E402

PER_MESSAGE_MESSAGES = int(os.environ.get("MQTK_BENCH_SEED_MESSAGES", "3000"))
MESSAGES = int(os.environ.get("MQTK_BENCH_MESSAGES", "100000"))
PUBLISH_QOS = "1"


def lines(count):
    return b"".join(b'{"temp": 21.5, "n": %d}\n' % i for i in range(count))


def count_points(influx, database, measurement):
    try:
        rows = influx.rows('SELECT count(n) FROM "%s"' % measurement, database)
    except (AssertionError, OSError):
        return 0
    return rows[0]["count"] if rows else 0


def publish(broker, topic, count):
    subprocess.run([tool("pub"), "-p", str(broker.port), "-t", topic, "-q", PUBLISH_QOS, "-l"], input=lines(count),
                   check=True)


def into_influx(broker, influx, argv, topic, database, count, ready):
    """Starts a subscriber, publishes `count` messages and returns messages
    per second until InfluxDB holds them all."""
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        ready()
        started = time.monotonic()
        publish(broker, topic, count)
        wait_until(lambda: count_points(influx, database, topic) >= count, timeout=600, interval=0.05,
                   what="%d points" % count)
        return count / (time.monotonic() - started)
    finally:
        process.terminate()
        process.wait()


def into_file(broker, argv, topic, path, count, client_id):
    process = subprocess.Popen(argv, stdout=open(path, "wb") if argv[0].endswith("sub") else subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        broker.wait_for_subscription(client_id, topic)
        lines = LineCounter(path)
        started = time.monotonic()
        publish(broker, topic, count)
        wait_until(lambda: lines.count() >= count, timeout=600, interval=0.05, what="%d records" % count)
        return count / (time.monotonic() - started)
    finally:
        process.terminate()
        process.wait()


class LineCounter:
    """Counts the lines of a growing file, reading only what is new."""

    def __init__(self, path):
        self.path = path
        self.offset = 0
        self.lines = 0

    def count(self):
        if os.path.exists(self.path):
            with open(self.path, "rb") as f:
                f.seek(self.offset)
                data = f.read()
            self.offset += len(data)
            self.lines += data.count(b"\n")
        return self.lines


def run_once(broker, influx, directory, qos):
    global PUBLISH_QOS
    PUBLISH_QOS = qos
    per_message_topic, per_message_db = unique("per_message"), "per_message_" + unique("db").replace("-", "_")
    influx.query('CREATE DATABASE "%s"' % per_message_db)
    per_message_argv = ["/usr/bin/python3", os.path.join(os.path.dirname(__file__), "per_message_subscriber.py"),
                 str(broker.port), per_message_topic, str(influx.port), per_message_db]
    per_message_rate = into_influx(broker, influx, per_message_argv, per_message_topic, per_message_db, PER_MESSAGE_MESSAGES,
                            lambda: wait_until(lambda: re.search(r" 1 %s$" % re.escape(per_message_topic), broker.log(),
                                                                 re.M), what="the per-message subscriber"))

    record_topic, record_db = unique("record"), "record_" + unique("db").replace("-", "_")
    record_id = unique("rec")
    record_argv = [tool("record"), "-p", str(broker.port), "-t", record_topic, "-i", record_id, "--quiet",
                   "--influx", influx.url, "--influx-db", record_db, "--spool", os.path.join(directory, record_id)]
    record_rate = into_influx(broker, influx, record_argv, record_topic, record_db, MESSAGES,
                              lambda: broker.wait_for_subscription(record_id, record_topic))

    # Files: mqtk-record (synced before acknowledging) against mqtk-sub.
    sub_id, file_id = unique("sub"), unique("recfile")
    sub_topic, file_topic = unique("subfile"), unique("recfile")
    sub_path, file_path = os.path.join(directory, sub_id + ".out"), os.path.join(directory, file_id + ".jsonl")
    sub_rate = into_file(broker, [tool("sub"), "-p", str(broker.port), "-t", sub_topic, "-i", sub_id, "-q", "1"],
                         sub_topic, sub_path, MESSAGES, sub_id)
    file_rate = into_file(broker, [tool("record"), "-p", str(broker.port), "-t", file_topic, "-i", file_id,
                                   "--quiet", "-o", file_path], file_topic, file_path, MESSAGES, file_id)
    return per_message_rate, record_rate, sub_rate, file_rate


def main():
    print("mqtk-record throughput, messages per second (same broker and InfluxDB 1.6, subscribers at QoS 1)")
    print("%-12s %-30s %10s %10s %7s %8s" % ("published", "", "mqtk", "baseline", "ratio", "target"))
    ok = True
    with tempfile.TemporaryDirectory() as directory, \
            Broker(extra_config="max_queued_messages 0\n") as broker, InfluxDB() as influx:
        for qos in ("0", "1"):
            per_message, record, sub, file = run_once(broker, influx, directory, qos)
            influx_target = ">= 50" if qos == "0" else "(ceiling)"
            print("%-12s %-30s %10.0f %10.0f %7.1f %8s" % ("at QoS " + qos, "into InfluxDB vs per-message sub.",
                                                          record, per_message, record / per_message, influx_target))
            print("%-12s %-30s %10.0f %10.0f %7.2f %8s" % ("", "into a file vs mqtk-sub > file", file, sub,
                                                          file / sub, ">= 0.9"))
            if qos == "1":
                print("%-12s %-30s %10.0f %10s %7.2f" % ("", "InfluxDB rate / mqtk-sub rate", record, "", record / sub))
            ok = ok and file / sub >= 0.9 and (qos != "0" or record / per_message >= 50)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
