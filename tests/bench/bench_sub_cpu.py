"""CPU time per message and peak RSS of mqtk-sub against mosquitto_sub and
the peers (paho_c_sub, MQTT.js's `mqtt sub`), measured in one run: all
subscribe to the same broker at once, the messages are published once (by
mosquitto_pub -l at QoS 0), and each process's user+system time and
ru_maxrss are read from wait4 when it exits. Output goes to files; mqtk-sub's
must be mosquitto_sub's (timestamps stripped). For default, -v and -F %j
output, with 32-byte, 1 KB and 64 KB payloads (200,000, 50,000 and 5,000
messages). Targets: CPU at most 0.45x, peak RSS at most 1.2x mosquitto_sub's.
Peak RSS is GNU time's (peers.measured says why not wait4's ru_maxrss).

The peers have no -C: each is stopped (SIGTERM) once its output file holds
every message, checked against what it should print. paho_c_sub prints only
payloads (no -v, no -F: n/a); MQTT.js prints payloads, or with -v the topic
and payload (no -F: n/a). MQTT.js's figures include Node.js's start-up.

Run: ./scripts/bench   (or /usr/bin/python3 tests/bench/bench_sub_cpu.py)
"""

import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "integration"))
from harness import Broker, tool, unique  # noqa: E402
from peers import PAHO_SUB, kill, measured, mqttjs, peak_rss, stop, wait_for_size  # noqa: E402
from report import Bench, scaled, size_label  # noqa: E402

MESSAGES = scaled(200000, 2000)
SIZES = [(32, MESSAGES), (1024, scaled(50000, 500)), (65536, scaled(5000, 50))]
MODES = [("default", []), ("-v", ["-v"]), ("-F %j", ["-F", "%j"])]
TIMESTAMP = re.compile(rb'"tst":"[^"]*"')


def start(argv, output_path):
    with open(output_path, "wb") as out:
        return subprocess.Popen(argv, stdout=out, stderr=subprocess.PIPE)


def finish(process):
    """Waits for `process`; returns (status, cpu seconds)."""
    status, usage = finish_usage(process)
    return status, usage.ru_utime + usage.ru_stime


def finish_usage(process):
    """Waits for `process`; returns (status, rusage)."""
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    process.stderr.close()
    return process.returncode, usage


def wait_subscribed(broker, client_id, topic):
    try:
        broker.wait_for_subscription(client_id, topic)
    except AssertionError:
        raise SystemExit("%s did not subscribe" % client_id)


def run_subscribers(broker, topic, subscribers, directory, publish):
    """Starts each (name, argv) of `subscribers` on `topic`, its output to a
    file, waits until it has subscribed, calls publish() and waits for each to
    exit. Returns {name: (cpu seconds, output)}; a subscriber that fails ends
    the bench."""
    processes = []
    try:
        for name, argv in subscribers:
            client_id = unique(name.replace(" ", "-"))
            path = os.path.join(directory, client_id + ".out")
            processes.append((name, start([*argv, "-t", topic, "-i", client_id], path), path))
            wait_subscribed(broker, client_id, topic)
        publish()
        results = {}
        for name, process, path in processes:
            status, cpu = finish(process)
            if status != 0:
                raise SystemExit("%s exited with %s" % (name, status))
            with open(path, "rb") as f:
                results[name] = (cpu, f.read())
        return results
    finally:
        for _, process, _ in processes:
            if process.returncode is None:
                process.kill()
                process.wait()


def payloads(size, count):
    filler = b"x" * (size - 8)
    return [b"%07d %s" % (i, filler) for i in range(count)]


def subscribers(broker, topic, mode, flags, count, cli):
    """(name, argv, role, what it must print or None for mosquitto_sub's output)."""
    port = str(broker.port)
    result = [("mqtk-sub", [tool("sub"), "-p", port, "-C", str(count), "-W", "600", *flags], "ours"),
              ("mosquitto_sub", ["mosquitto_sub", "-p", port, "-C", str(count), "-W", "600", *flags], "reference")]
    if PAHO_SUB and mode == "default":
        result.append(("paho_c_sub", [PAHO_SUB, "-h", "127.0.0.1", "-p", port, "--quiet"], "peer"))
    if cli and mode != "-F %j":
        result.append(("MQTT.js sub", [cli, "sub", "-h", "127.0.0.1", "-p", port, *flags], "peer"))
    return result


def measure(broker, mode, flags, size, count, directory, cli):
    """Returns {name: (cpu µs/msg, peak RSS MB, fault or None)} for every subscriber."""
    topic = unique("bench")
    messages = payloads(size, count)
    lines = os.path.join(directory, "lines")
    with open(lines, "wb") as f:
        f.write(b"".join(payload + b"\n" for payload in messages))
    expected = {"default": b"".join(payload + b"\n" for payload in messages),
                "-v": b"".join(b"%s %s\n" % (topic.encode(), payload) for payload in messages)}.get(mode)
    processes = []
    try:
        for name, argv, role in subscribers(broker, topic, mode, flags, count, cli):
            client_id = unique(name.replace(" ", "-").replace(".", ""))
            path = os.path.join(directory, client_id + ".out")
            processes.append((name, role, start(measured(argv + ["-t", topic, "-i", client_id], path + ".rss"), path),
                              path))
            wait_subscribed(broker, client_id, topic)
        with open(lines, "rb") as stdin:
            if subprocess.run(["mosquitto_pub", "-p", str(broker.port), "-t", topic, "-l"], stdin=stdin).returncode:
                raise SystemExit("mosquitto_pub failed")
        results, outputs = {}, {}
        for name, role, process, path in processes:
            if role == "peer":
                wait_for_size(path, len(expected), process=process)
                usage = stop(process)
                process.stderr.close()
                status = 0 if usage else process.returncode
            else:
                status, usage = finish_usage(process)
            if usage is None or (status != 0 and role != "peer"):
                raise SystemExit("%s exited with %s" % (name, status))
            with open(path, "rb") as f:
                output = TIMESTAMP.sub(b"", f.read())
            os.unlink(path)
            rss = peak_rss(path + ".rss")
            fault = None
            if role == "peer" and output != expected:
                fault = "%s printed %d of %d messages right" % (
                    name, len(set(output.splitlines()) & set(expected.splitlines())), count)
            outputs[name] = output
            results[name] = ((usage.ru_utime + usage.ru_stime) / count * 1e6, rss, fault)
        if outputs["mqtk-sub"] != outputs["mosquitto_sub"]:
            results["mqtk-sub"] = results["mqtk-sub"][:2] + ("its output differs from mosquitto_sub's",)
        elif expected is not None and outputs["mqtk-sub"] != expected:
            results["mqtk-sub"] = results["mqtk-sub"][:2] + ("it did not print every message",)
        return results
    finally:
        for _, _, process, _ in processes:
            if process.returncode is None:
                kill(process)


def main():
    bench = Bench("sub")
    cli = mqttjs()
    print("mqtk-sub vs mosquitto_sub%s%s: CPU time per message and peak RSS, output to a file" % (
        ", paho_c_sub" if PAHO_SUB else "", ", MQTT.js" if cli else ""), flush=True)
    with Broker(extra_config="max_queued_messages 0\n") as broker, tempfile.TemporaryDirectory() as directory:
        for size, count in SIZES:
            for mode, flags in MODES:
                case = "%s, %s x %d" % (mode, size_label(size), count)
                result = measure(broker, mode, flags, size, count, directory, cli)
                ours = result["mqtk-sub"]
                fault = ours[2]
                for metric, unit, index, target in (("CPU", "µs/msg", 0, "<= 0.45"), ("peak RSS", "MB", 1, "<= 1.2")):
                    bench.row(case, "mqtk-sub", metric, unit, ours[index], "mosquitto_sub",
                              result["mosquitto_sub"][index], target=target, note=fault,
                              met=False if fault else None)
                    for peer, why in (("paho_c_sub", "prints payloads only"), ("MQTT.js sub", "has no -F")):
                        if peer in result:
                            bench.row(case, "mqtk-sub", metric, unit, ours[index], peer, result[peer][index],
                                      role="peer", note=result[peer][2])
                        elif (peer == "paho_c_sub" and PAHO_SUB) or (peer == "MQTT.js sub" and cli):
                            bench.not_applicable(case, "mqtk-sub", metric, unit, peer, why)
    bench.done()


if __name__ == "__main__":
    main()
