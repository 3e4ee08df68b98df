"""CPU time per message of mqtk-sub over WebSockets against mqtk-sub over
plain TCP (and mosquitto_sub over TCP, for scale), measured in one run: all
three subscribe to the same broker at once (its plain and its websockets
listener), 200,000 messages are published once, and each process's
user+system time (every thread's, the WebSocket bridge's included) is read
when it exits. Output goes to files, which must be identical.

Run: /usr/bin/python3 tests/bench/bench_ws_cpu.py
"""

import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "integration"))
from bench_sub_cpu import MESSAGES, run_subscribers  # noqa: E402
from harness import tool, unique  # noqa: E402
from report import Bench  # noqa: E402
from test_websockets import WebSocketBroker  # noqa: E402


def main():
    lines = b"".join(b"%07d %s\n" % (i, b"x" * 24) for i in range(MESSAGES))
    print("mqtk-sub over WebSockets vs over TCP: CPU time per message, %d messages, output to a file" % MESSAGES)
    with WebSocketBroker() as broker, tempfile.TemporaryDirectory() as directory:
        broker_url = "ws://127.0.0.1:%d/mqtt" % broker.ws_port
        topic = unique("bench")
        every_message = ["-C", str(MESSAGES), "-W", "600"]
        subscribers = [("mqtk-sub ws", [tool("sub"), "-L", broker_url, *every_message]),
                       ("mqtk-sub tcp", [tool("sub"), "-p", str(broker.port), *every_message]),
                       ("mosquitto_sub tcp", ["mosquitto_sub", "-p", str(broker.port), *every_message])]

        def publish():
            if subprocess.run([tool("pub"), "-p", str(broker.port), "-t", topic, "-l"], input=lines).returncode != 0:
                raise SystemExit("mqtk-pub failed")

        cpu = {}
        for name, (seconds, output) in run_subscribers(broker, topic, subscribers, directory, publish).items():
            if output != lines:
                raise SystemExit("%s did not print every message" % name)
            cpu[name] = seconds / MESSAGES * 1e6
    bench = Bench("ws")
    case = "32 B x %d" % MESSAGES
    bench.row(case, "mqtk-sub ws", "CPU", "µs/msg", cpu["mqtk-sub ws"], "mqtk-sub tcp", cpu["mqtk-sub tcp"])
    bench.row(case, "mqtk-sub ws", "CPU", "µs/msg", cpu["mqtk-sub ws"], "mosquitto_sub (tcp)",
              cpu["mosquitto_sub tcp"], role="peer")
    bench.done()


if __name__ == "__main__":
    main()
