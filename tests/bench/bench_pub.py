"""mqtk-pub against mosquitto_pub and the peers (paho_c_pub, MQTT.js's
`mqtt pub`), all on one broker in one run.

Line mode (-l): the wall time to publish N lines, at QoS 0, 1 and 2, for
32-byte, 1 KB and 64 KB payloads (fewer lines for the bigger ones). A
mosquitto_sub (at QoS 0: see Counter) checks that every line arrived, in
order (for 64 KB payloads, that N payloads of the right length arrived).
Targets: at QoS 0, at most 0.9x mosquitto_pub's time (each the median of
three runs, taken in turn); at QoS 1 and 2, at least 0.9x the broker's
limit, measured as the combined rate of two mosquitto_pub -l publishing
half the lines each at once (in chunks of 50,000
lines: mosquitto_pub 2.0.11 loses lines at QoS 1 and 2 beyond 65,535 waiting
for their acknowledgement, which its own row then notes); lossless always.

Start-up: a single publish (-m 36.5 -q 1) and --version, the median of 30
runs, the tools interleaved run by run so that drift hits all alike.
mosquitto_pub has no --version: its nearest start-up-only run is --help,
which prints its usage and exits 1. Target: at most 1.0x mosquitto_pub's.

paho_c_pub (1.3.11) reading standard input never exits: at the end of its
input it publishes 0xFF bytes forever; it keeps each line's newline in the
payload; and it drops every line read while 100 are queued in the library
(maxBufferedMessages), so most lines of a fast input are lost. It is fed
through a pipe once the broker logs its connection, its time runs until the
last line arrives at the subscriber, and it is then stopped; a run where
lines were lost is n/a (the row notes how many arrived). mosquitto_pub 2.0.11
itself loses lines at QoS 1 and 2 past 65,535 unacknowledged ones (message
ids wrap: 3,400 of 200,000 arrive), noted on its row. MQTT.js reads lines
with `mqtt pub -s -M` (-M alone publishes one empty message); it waits for
each acknowledgement, so at QoS 1 and 2 it publishes at most 20,000 lines
and its time is scaled to the full count (the row says so).

Run: ./scripts/bench   (or /usr/bin/python3 tests/bench/bench_pub.py)
"""

import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "integration"))
from harness import Broker, tool, unique, wait_until  # noqa: E402
from peers import PAHO_PUB, kill, mqttjs, wait_exit  # noqa: E402
from report import Bench, scaled, size_label  # noqa: E402

SIZES = [(32, scaled(200000, 2000)), (1024, scaled(50000, 500)), (65536, scaled(5000, 50))]
STARTUP_RUNS = scaled(30, 3)
LINE_RUNS = scaled(3, 1)  # at QoS 0; a single run moved by a tenth (1 KB: 0.73x to 0.91x)
BIG = 4096  # payloads above this are checked by length: their text would fill the disk
SLOW_PEER_LINES = 20000  # MQTT.js at QoS 1 and 2, one message in flight at a time
CHUNK = 50000  # lines per mosquitto_pub when measuring the broker's limit (see broker_limit)
IDLE = scaled(5.0, 1.0)  # seconds without a message after which a subscriber has all it will get


def lines(size, count):
    """`count` lines whose payloads are `size` bytes, each starting with its number."""
    filler = b"x" * (size - 8)
    return b"".join(b"%07d %s\n" % (i, filler) for i in range(count))


class Counter:
    """A mosquitto_sub that takes `count` messages into a file, subscribed
    before anything is published. It subscribes at QoS 0 whatever the
    publisher's QoS (`qos` is not used): mosquitto 2.0 delivers a backlog of
    100,000s of QoS 2 messages at under 100 a second (it walks its queue per
    message), and QoS 0 on loopback with max_queued_messages 0 drops nothing."""

    def __init__(self, broker, topic, qos, count, size, directory):
        client_id = unique("count")
        self.path = os.path.join(directory, client_id)
        self.count, self.size = count, size
        with open(self.path, "wb") as out:
            self.process = subprocess.Popen(
                ["mosquitto_sub", "-p", str(broker.port), "-t", topic, "-q", "0", "-i", client_id,
                 "-C", str(count)] + (["-F", "%l"] if size > BIG else []), stdout=out, stderr=subprocess.DEVNULL)
        broker.wait_for_subscription(client_id, topic)

    def check(self, data, suffix=b"", ordered=True):
        """Waits for the subscriber (killed when nothing more comes for 5 s);
        returns None when all `data`'s lines arrived, else what is wrong.
        `suffix`: what the publisher adds to each payload."""
        wait_exit(self.process, idle_path=self.path, idle=IDLE)
        with open(self.path, "rb") as f:
            got = f.read()
        os.unlink(self.path)
        if self.size > BIG:
            lengths = got.split()
            right = sum(1 for length in lengths if int(length) == self.size + len(suffix))
            return None if right == self.count else "%d of %d payloads arrived" % (right, self.count)
        expected = data.replace(b"\n", suffix + b"\n")
        if got == expected or (not ordered and sorted(got.splitlines()) == sorted(expected.splitlines())):
            return None
        arrived = len(set(got.splitlines()) & set(expected.splitlines()))
        return "%d of %d lines arrived%s" % (arrived, self.count, "" if arrived < self.count else " out of order")


def timed(argv, stdin_path):
    with open(stdin_path, "rb") as stdin:
        started = time.monotonic()
        done = subprocess.run(argv, stdin=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        elapsed = time.monotonic() - started
    if done.returncode != 0:
        raise SystemExit("%s exited with %d: %s" % (argv[0], done.returncode, done.stderr.decode()[-500:]))
    return elapsed


def paho_lines(broker, topic, qos, size, data, counter):
    """paho_c_pub: fed once connected, timed until the subscriber has every line."""
    client_id = unique("paho")
    process = subprocess.Popen([PAHO_PUB, "-h", "127.0.0.1", "-p", str(broker.port), "-t", topic, "-q", str(qos),
                                "-i", client_id, "--maxdatalen", str(size + 16), "--quiet"],
                               stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until(lambda: re.search(r" as %s " % re.escape(client_id), broker.log()), what="paho_c_pub to connect")
        writer = threading.Thread(target=lambda: _feed(process, data), daemon=True)
        started = time.time()
        writer.start()
        wait_exit(counter.process, idle_path=counter.path, idle=IDLE / 2)
        # Until the last arrival: lost lines never come. None: none came.
        elapsed = os.path.getmtime(counter.path) - started if os.path.getsize(counter.path) else None
    finally:
        kill(process)
    return elapsed


def _feed(process, data):
    try:
        process.stdin.write(data)
        process.stdin.close()
    except (BrokenPipeError, ValueError):
        pass  # stopped once the subscriber had everything


def line_mode(bench, broker, directory, cli):
    for size, count in SIZES:
        data = lines(size, count)
        path = os.path.join(directory, "lines")
        with open(path, "wb") as f:
            f.write(data)
        for qos in (0, 1, 2):
            case = "-l %s x %d QoS %d" % (size_label(size), count, qos) + \
                (", median of %d" % LINE_RUNS if qos == 0 else "")
            port, q = str(broker.port), str(qos)
            publishers = [("mqtk-pub", [tool("pub"), "-p", port, "-q", q, "-l", "-t"]),
                          ("mosquitto_pub", ["mosquitto_pub", "-p", port, "-q", q, "-l", "-t"])]
            if cli:
                publishers.append(("MQTT.js pub", [cli, "pub", "-h", "127.0.0.1", "-p", port, "-q", q, "-s", "-M",
                                                   "-t"]))
            samples, faults, scaled_from = {}, {}, {}
            # The targeted times (QoS 0) are medians of runs taken in turn.
            for run in range(LINE_RUNS if qos == 0 else 1):
                for name, argv in publishers if run == 0 else publishers[:2]:
                    topic = unique("pub")
                    # MQTT.js waits for each acknowledgement: at QoS 1 and 2 it
                    # publishes fewer lines, and its time is scaled to `count`.
                    lines_here = min(count, SLOW_PEER_LINES) if name == "MQTT.js pub" and qos else count
                    subset = data[:lines_here * (size + 1)]
                    if lines_here < count:
                        with open(path + ".part", "wb") as f:
                            f.write(subset)
                    counter = Counter(broker, topic, qos, lines_here, size, directory)
                    try:
                        samples.setdefault(name, []).append(
                            timed(argv + [topic], path if lines_here == count else path + ".part") * count / lines_here)
                    finally:
                        fault = counter.check(subset)  # also ends the counting subscriber
                        faults[name] = faults.get(name) or fault
                    if lines_here < count:
                        scaled_from[name] = lines_here
            times = {name: statistics.median(values) for name, values in samples.items()}
            if PAHO_PUB:
                topic = unique("paho")
                counter = Counter(broker, topic, qos, count, size, directory)
                times["paho_c_pub"] = paho_lines(broker, topic, qos, size, data, counter)
                faults["paho_c_pub"] = counter.check(data, suffix=b"\n")
            target = "<= 0.9" if qos == 0 else None
            bench.row(case, "mqtk-pub", "wall time", "s", times["mqtk-pub"], "mosquitto_pub", times["mosquitto_pub"],
                      target=target, note=_note(faults, "mqtk-pub", "mosquitto_pub"),
                      met=False if target and faults["mqtk-pub"] else None)
            for peer in ("paho_c_pub", "MQTT.js pub"):
                if peer in times and (times[peer] is None or faults[peer]):
                    # A time for the lines that arrived would compare nothing.
                    bench.not_applicable(case, "mqtk-pub", "wall time", "s", peer, "lossy, " + faults[peer])
                elif peer in times:
                    notes = [faults[peer] and "%s: %s" % (peer, faults[peer]),
                             peer in scaled_from and "%s timed over %d lines, scaled" % (peer, scaled_from[peer])]
                    bench.row(case, "mqtk-pub", "wall time", "s", times["mqtk-pub"], peer, times[peer], role="peer",
                              note="; ".join(note for note in notes if note) or None)
            if qos:
                limit, fault = broker_limit(broker, qos, size, count, data, directory)
                bench.row(case, "mqtk-pub", "rate", "msg/s", count / times["mqtk-pub"], "broker limit", limit,
                          better="higher", target=">= 0.9", met=False if faults["mqtk-pub"] else None,
                          note=_note({"mqtk-pub": faults["mqtk-pub"], "2x mosquitto_pub": fault}, "mqtk-pub",
                                     "2x mosquitto_pub"))


def _note(faults, *names):
    return "; ".join("%s: %s" % (name, faults[name]) for name in names if faults.get(name)) or None


def broker_limit(broker, qos, size, count, data, directory):
    """The rate of two mosquitto_pub -l at once, half the lines each. Each
    half goes in chunks of at most CHUNK lines, one mosquitto_pub each:
    mosquitto_pub 2.0.11 loses lines at QoS 1 and 2 when more than 65,535
    of them wait for their acknowledgement (message ids wrap). At QoS 2 they
    run with --nodelay, as mqtk-pub does there: Nagle's algorithm holds each
    PUBREL back while large publishes wait for TCP's delayed acknowledgement,
    which would make the limit the publishers', not the broker's."""
    line = size + 1  # every line is size + 1 bytes
    half = count // 2
    streams = []
    for first, last in ((0, half), (half, count)):
        paths = []
        for start in range(first, last, CHUNK):
            paths.append(os.path.join(directory, "chunk%d" % start))
            with open(paths[-1], "wb") as f:
                f.write(data[start * line:min(last, start + CHUNK) * line])
        streams.append(paths)
    topic = unique("limit")
    counter = Counter(broker, topic, qos, count, size, directory)
    failures = []

    nodelay = ["--nodelay"] if qos == 2 else []

    def stream(paths):
        for path in paths:
            with open(path, "rb") as stdin:
                if subprocess.run(["mosquitto_pub", "-p", str(broker.port), "-q", str(qos), "-l", "-t", topic,
                                   *nodelay], stdin=stdin, stderr=subprocess.DEVNULL).returncode:
                    failures.append(path)

    threads = [threading.Thread(target=stream, args=(paths,)) for paths in streams]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    fault = counter.check(data, ordered=False)
    if failures:
        fault = "mosquitto_pub failed" + (": " + fault if fault else "")
    return count / elapsed, fault


def startup(bench, broker, cli):
    """Single publish and --version: the median of STARTUP_RUNS runs each,
    interleaved; a subscriber checks every single publish arrived."""
    topic = unique("single")
    port = str(broker.port)
    single = [("mqtk-pub", [tool("pub"), "-p", port, "-t", topic, "-m", "36.5", "-q", "1"]),
              ("mosquitto_pub", ["mosquitto_pub", "-p", port, "-t", topic, "-m", "36.5", "-q", "1"])]
    version = [("mqtk-pub", [tool("pub"), "--version"]), ("mosquitto_pub", ["mosquitto_pub", "--help"]),
               ("mqtk-sub", [tool("sub"), "--version"]), ("mosquitto_sub", ["mosquitto_sub", "--help"]),
               ("mqtk-rr", [tool("rr"), "--version"]), ("mosquitto_rr", ["mosquitto_rr", "--help"]),
               ("mqtk-record", [tool("record"), "--version"])]
    if PAHO_PUB:
        single.append(("paho_c_pub", [PAHO_PUB, "-h", "127.0.0.1", "-p", port, "-t", topic, "-m", "36.5", "-q", "1"]))
        version.append(("paho_c_pub", [PAHO_PUB, "--help"]))  # usage, like mosquitto_pub's
    if cli:
        single.append(("MQTT.js pub", [cli, "pub", "-h", "127.0.0.1", "-p", port, "-t", topic, "-m", "36.5",
                                       "-q", "1"]))
        version.append(("MQTT.js pub", [cli, "version"]))
    with tempfile.TemporaryDirectory() as directory:
        counter = Counter(broker, topic, 1, STARTUP_RUNS * len(single), 5, directory)
        times = {("single", name): [] for name, _ in single}
        times.update({("version", name): [] for name, _ in version})
        try:
            for _ in range(STARTUP_RUNS):
                for kind, runs in (("single", single), ("version", version)):
                    for name, argv in runs:
                        started = time.perf_counter()
                        subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                        times[(kind, name)].append(time.perf_counter() - started)
        finally:
            fault = _arrived(counter, STARTUP_RUNS * len(single))
    median = {key: statistics.median(values) * 1000 for key, values in times.items()}
    case = "-m 36.5 -q 1, median of %d" % STARTUP_RUNS
    bench.row(case, "mqtk-pub", "wall time", "ms", median[("single", "mqtk-pub")], "mosquitto_pub",
              median[("single", "mosquitto_pub")], target="<= 1.0", note=fault, met=False if fault else None)
    for peer in ("paho_c_pub", "MQTT.js pub"):
        if ("single", peer) in median:
            bench.row(case, "mqtk-pub", "wall time", "ms", median[("single", "mqtk-pub")], peer,
                      median[("single", peer)], role="peer")
    case = "--version (theirs: --help), median of %d" % STARTUP_RUNS
    bench.row(case, "mqtk-pub", "wall time", "ms", median[("version", "mqtk-pub")], "mosquitto_pub",
              median[("version", "mosquitto_pub")], target="<= 1.0")
    for peer, label in (("paho_c_pub", "paho_c_pub"), ("MQTT.js pub", "MQTT.js (mqtt version)")):
        if ("version", peer) in median:
            bench.row(case, "mqtk-pub", "wall time", "ms", median[("version", "mqtk-pub")], label,
                      median[("version", peer)], role="peer")
    for ours, theirs in (("mqtk-sub", "mosquitto_sub"), ("mqtk-rr", "mosquitto_rr"), ("mqtk-record", "mosquitto_sub")):
        bench.row(case, ours, "wall time", "ms", median[("version", ours)], theirs, median[("version", theirs)])


def _arrived(counter, count):
    """None when `count` single publishes arrived, else what is wrong."""
    wait_exit(counter.process, idle_path=counter.path, idle=IDLE)
    with open(counter.path, "rb") as f:
        got = f.read().count(b"\n")
    return None if got == count else "%d of %d single publishes arrived" % (got, count)


def main():
    bench = Bench("pub")
    cli = mqttjs()
    print("mqtk-pub vs mosquitto_pub%s%s, one broker" % (", paho_c_pub" if PAHO_PUB else "",
                                                         ", MQTT.js" if cli else ""), flush=True)
    with Broker(extra_config="max_queued_messages 0\n") as broker, tempfile.TemporaryDirectory() as directory:
        startup(bench, broker, cli)
        line_mode(bench, broker, directory, cli)
    bench.done()


if __name__ == "__main__":
    main()
