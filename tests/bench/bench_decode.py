"""What decoding and jq cost mqtk-sub: CPU time per message of --decode cbor
and --decode sparkplug against plain output of the same payloads, and of
--jq 'select(.payload.temp > 30)' against plain output and against the
pipeline people write today, mqtk-sub --json | jq -c 'select(...)' (both
processes' CPU time). All the subscribers of a case subscribe to the same
broker at once and the messages are published once; each process's CPU
time is read from wait4 when it exits (for the pipeline, its shell's, which
holds both). Target: the built-in filter costs less than the pipeline. The
filter's and the pipeline's outputs must be the same.

Payloads: JSON and CBOR (python3-cbor2) readings {"temp": T, "site": S}, with
every other reading above 30; Sparkplug B DDATA (the decoder's test fixture,
tests/unit/payload/fixtures/ddata.bin).

Run: ./scripts/bench decode   (or /usr/bin/python3 tests/bench/bench_decode.py)
"""

import json
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "integration"))
from harness import Broker, tool, unique  # noqa: E402
from bench_sub_cpu import run_subscribers  # noqa: E402
from report import Bench, scaled  # noqa: E402

MESSAGES = scaled(50000, 500)  # even: every other reading passes the filter
FILTER = "select(.payload.temp > 30)"
RECEIVED = re.compile(rb'"time":"[^"]*"')
FIXTURES = os.path.join(os.path.dirname(__file__), "..", "unit", "payload", "fixtures")


def readings(count):
    return [{"temp": 20.5 if i % 2 == 0 else 35.25, "site": "plant-%d" % (i % 7), "n": i} for i in range(count)]


def payload_sets(count):
    """(name, payloads, --decode flags or [], whether the filter applies)."""
    import cbor2  # Debian's python3-cbor2, as in the tests
    values = readings(count)
    with open(os.path.join(FIXTURES, "ddata.bin"), "rb") as f:
        ddata = f.read()
    return [("JSON", [json.dumps(v, separators=(",", ":")).encode() for v in values], [], True),
            ("CBOR", [cbor2.dumps(v) for v in values], ["--decode", "cbor"], True),
            ("Sparkplug B DDATA", [ddata] * count, ["--decode", "sparkplug"], False)]


def publish(port, topic, payloads):
    """All at QoS 0 through one paho connection, the last one waited for."""
    import paho.mqtt.client as mqtt  # Debian's python3-paho-mqtt
    client = mqtt.Client(client_id=unique("paho"))
    client.max_queued_messages_set(0)
    client.connect("127.0.0.1", port)
    client.loop_start()
    try:
        info = None
        for payload in payloads:
            info = client.publish(topic, payload, qos=0)
        info.wait_for_publish(timeout=120)
    finally:
        client.disconnect()
        client.loop_stop()


def subscribers(port, decode, filtered, count):
    """(name, argv): plain output, the decoder, the filter, the pipeline."""
    base = [tool("sub"), "-p", str(port), "-W", "600"]
    result = [("plain", base + ["-C", str(count)])]
    if decode:
        result.append(("decode", base + ["-C", str(count)] + decode))
    if filtered:
        result.append(("filter", base + ["-C", str(count // 2), "--jq", FILTER] + decode))
        result.append(("pipeline", base + ["-C", str(count), "--json"] + decode))
    return result


def measure(broker, payloads, decode, filtered, directory):
    """{name: (cpu µs/msg, output)} for each subscriber."""
    topic, count = unique("decode"), len(payloads)
    chosen = []
    for name, argv in subscribers(broker.port, decode, filtered, count):
        if name == "pipeline":
            # The client id and topic go to mqtk-sub, before the pipe.
            chosen.append((name, ["/bin/sh", "-c", '"$@" | jq -c \'%s\'' % FILTER, "sh", *argv]))
        else:
            chosen.append((name, argv))
    results = run_subscribers(broker, topic, chosen, directory, lambda: publish(broker.port, topic, payloads))
    return {name: (cpu / count * 1e6, output) for name, (cpu, output) in results.items()}


def main():
    bench = Bench("decode")
    print("mqtk-sub: CPU time per message of --decode and --jq, against plain output and against "
          "mqtk-sub --json | jq -c", flush=True)
    with Broker(extra_config="max_queued_messages 0\n") as broker, tempfile.TemporaryDirectory() as directory:
        for name, payloads, decode, filtered in payload_sets(MESSAGES):
            case = "%s x %d" % (name, len(payloads))
            result = measure(broker, payloads, decode, filtered, directory)
            plain = result["plain"][0]
            if decode:
                bench.row(case, "mqtk-sub " + " ".join(decode), "CPU against plain output", "µs/msg",
                          result["decode"][0], "mqtk-sub, payloads as they came", plain)
            if not filtered:
                continue
            # The records' times are each subscriber's own.
            same = RECEIVED.sub(b"", result["filter"][1]) == RECEIVED.sub(b"", result["pipeline"][1])
            tool_name = "mqtk-sub %s--jq '%s'" % (" ".join(decode) + " " if decode else "", FILTER)
            bench.row(case, tool_name, "CPU against plain output", "µs/msg", result["filter"][0],
                      "mqtk-sub, payloads as they came", plain)
            bench.row(case, tool_name, "CPU against the pipeline", "µs/msg", result["filter"][0],
                      "mqtk-sub --json | jq -c", result["pipeline"][0], target="<= 0.99",
                      note=None if same else "the outputs differ", met=False if not same else None)
    bench.done()


if __name__ == "__main__":
    main()
