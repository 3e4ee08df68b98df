"""CPU time per message of mqtk-sub against mosquitto_sub, measured in one
run: both subscribe to the same broker at once, 200,000 messages are
published once, and each process's user+system time is read when it exits.
Output goes to files. Target: at most 0.7x for each output mode.

Run: ./scripts/bench   (or /usr/bin/python3 tests/bench/bench_sub_cpu.py)
"""

import os
import re
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "integration"))
from harness import Broker, tool, unique  # noqa: E402

MESSAGES = int(os.environ.get("MQTK_BENCH_MESSAGES", "200000"))
TARGET = 0.7
MODES = [("default", []), ("-v", ["-v"]), ("-F %j", ["-F", "%j"])]
TIMESTAMP = re.compile(rb'"tst":"[^"]*"')


def start(argv, output_path):
    with open(output_path, "wb") as out:
        return subprocess.Popen(argv, stdout=out, stderr=subprocess.PIPE)


def finish(process):
    """Waits for `process`; returns (status, cpu seconds)."""
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    process.stderr.close()
    return process.returncode, usage.ru_utime + usage.ru_stime


def wait_subscribed(broker, client_id, topic):
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if re.search(r"^\d+: %s \d %s$" % (re.escape(client_id), re.escape(topic)), broker.log(), re.M):
            return
        time.sleep(0.01)
    raise SystemExit("%s did not subscribe" % client_id)


def measure(broker, flags, lines, directory):
    topic = unique("bench")
    results = {}
    processes = {}
    for name, program in (("mqtk-sub", tool("sub")), ("mosquitto_sub", "mosquitto_sub")):
        client_id = unique(name)
        path = os.path.join(directory, name + ".out")
        processes[name] = (start([program, "-p", str(broker.port), "-t", topic, "-i", client_id, "-C", str(MESSAGES),
                                  "-W", "600", *flags], path), path)
        wait_subscribed(broker, client_id, topic)
    published = subprocess.run([tool("pub"), "-p", str(broker.port), "-t", topic, "-l"], input=lines)
    if published.returncode != 0:
        raise SystemExit("mqtk-pub failed")
    outputs = {}
    for name, (process, path) in processes.items():
        status, cpu = finish(process)
        if status != 0:
            raise SystemExit("%s exited with %d" % (name, status))
        with open(path, "rb") as f:
            outputs[name] = TIMESTAMP.sub(b"", f.read())
        results[name] = cpu / MESSAGES * 1e6
    if outputs["mqtk-sub"] != outputs["mosquitto_sub"]:
        raise SystemExit("outputs differ for %s" % flags)
    return results


def main():
    lines = b"".join(b"sensor reading %07d value=21.5 unit=C\n" % i for i in range(MESSAGES))
    print("mqtk-sub vs mosquitto_sub: CPU time per message, %d messages, output to a file" % MESSAGES)
    print("%-10s %16s %20s %8s %8s" % ("mode", "mqtk-sub µs/msg", "mosquitto_sub µs/msg", "ratio", "target"))
    missed = False
    with Broker(extra_config="max_queued_messages 0\n") as broker, tempfile.TemporaryDirectory() as directory:
        for mode, flags in MODES:
            result = measure(broker, flags, lines, directory)
            ratio = result["mqtk-sub"] / result["mosquitto_sub"]
            missed = missed or ratio > TARGET
            print("%-10s %16.2f %20.2f %8.2f %8s" % (mode, result["mqtk-sub"], result["mosquitto_sub"], ratio,
                                                   "<= %.2f" % TARGET))
    sys.exit(1 if missed else 0)


if __name__ == "__main__":
    main()
