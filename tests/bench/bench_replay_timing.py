"""How close to its recorded time mqtk-pub --replay publishes each message,
against the way it is done without mqtk: a script that sleeps between lines,
piped into mosquitto_pub -l. Both replay the same recording (MESSAGES
messages, GAP apart) at 1x in the same run; mosquitto_sub -F %U stamps each
arrival. A message's error is how far the time since the message before it
is from the recorded GAP. The integration tests only check that no message comes early
and none very late; this is where the precision is measured.

Run: /usr/bin/python3 tests/bench/bench_replay_timing.py
"""

import datetime
import json
import os
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "integration"))
from harness import Broker, Process, tool, unique  # noqa: E402
from report import Bench, scaled  # noqa: E402

MESSAGES = scaled(300, 30)
GAP = 0.02  # seconds: 6 s of recording

# Writes one line per GAP to standard output, as a hand-written replayer
# would, starting once mosquitto_pub has had time to connect.
PACER = """
import sys, time
time.sleep(0.5)
start = time.monotonic()
for i in range(%d):
    time.sleep(max(0.0, start + i * %r - time.monotonic()))
    sys.stdout.write("message %%d\\n" %% i)
    sys.stdout.flush()
""" % (MESSAGES, GAP)


def recording(path):
    start = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
    with open(path, "w") as f:
        for i in range(MESSAGES):
            when = start + datetime.timedelta(seconds=i * GAP)
            f.write(json.dumps({"time": when.strftime("%Y-%m-%dT%H:%M:%S.%fZ"), "topic": "bench",
                                "payload": "message %d" % i}) + "\n")


def timing_errors(broker, topic_prefix, publish):
    """Runs `publish(topic)` beside a mosquitto_sub stamping arrivals; returns
    the error of each gap between arrivals, in milliseconds."""
    topic = topic_prefix + "/" + unique("t")
    client_id = unique("stamp")
    with Process(["mosquitto_sub", "-p", str(broker.port), "-t", topic, "-i", client_id, "-F", "%U %p",
                  "-C", str(MESSAGES), "-W", "120"]) as sub:
        broker.wait_for_subscription(client_id, topic)
        publish(topic)
        status, out, err = sub.finish(timeout=120)
    if status != 0:
        raise SystemExit("mosquitto_sub exited with %d: %s" % (status, err.decode()))
    stamps = [float(line.split(b" ")[0]) for line in out.splitlines()]
    if len(stamps) != MESSAGES:
        raise SystemExit("%d of %d messages arrived" % (len(stamps), MESSAGES))
    return [abs((later - earlier) - GAP) * 1000 for earlier, later in zip(stamps, stamps[1:])]


def summary(name, errors):
    ordered = sorted(errors)
    p99 = ordered[int(len(ordered) * 0.99) - 1]
    print("%-34s median %6.2f ms   p99 %6.2f ms   max %6.2f ms" % (name, statistics.median(errors), p99, max(errors)))
    return p99


def main():
    print("Replay at 1x: error of the gaps between messages, %d messages %d ms apart" % (MESSAGES, GAP * 1000))
    with Broker() as broker, tempfile.TemporaryDirectory() as directory:
        path = os.path.join(directory, "recording.jsonl")
        recording(path)

        def mqtk(topic):
            subprocess.run([tool("pub"), "-p", str(broker.port), "--replay", path, "--topic-map", "bench=" + topic,
                            "-q", "0"], check=True)

        def scripted(topic):
            pacer = subprocess.Popen([sys.executable, "-c", PACER], stdout=subprocess.PIPE)
            subprocess.run(["mosquitto_pub", "-p", str(broker.port), "-t", topic, "-l"], stdin=pacer.stdout,
                           check=True)
            pacer.wait()

        ours = summary("mqtk-pub --replay", timing_errors(broker, "mqtk", mqtk))
        theirs = summary("sleeping script | mosquitto_pub -l", timing_errors(broker, "script", scripted))
    bench = Bench("replay")
    bench.row("%d messages %d ms apart, at 1x" % (MESSAGES, GAP * 1000), "mqtk-pub --replay", "p99 gap error", "ms",
              ours, "sleeping script | mosquitto_pub -l", theirs, target="<= 1.0")
    bench.done()


if __name__ == "__main__":
    main()
