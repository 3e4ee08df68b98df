"""Interoperability beyond mosquitto's own clients: the Python clients
people write (Debian's paho-mqtt) against mqtk-sub, mqtk-record and mqtk-pub at
QoS 0, 1 and 2 over MQTT 3.1.1 and 5, and the core pub/sub paths against a
second broker implementation, aedes (from the npm registry, started here)."""

import json
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import unittest

import paho.mqtt.client as mqtt
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from harness import BrokerTestCase, Process, free_port, run, subscriber, tool, unique, wait_until

PUB = tool("pub")
SUB = tool("sub")
RECORD = tool("record")
INTEROP_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "interop")
BUILD_DIR = os.environ.get("MQTK_BUILD_DIR", os.path.join(INTEROP_DIR, "..", "..", "build"))


class PahoCollector:
    """A paho subscriber keeping every message."""

    def __init__(self, port, topic_filter, qos, protocol):
        self.messages = []
        self.client = mqtt.Client(client_id=unique("paho-sub"), protocol=protocol)
        self.client.on_message = lambda c, u, m: self.messages.append(m)
        subscribed = threading.Event()
        self.client.on_subscribe = lambda *args: subscribed.set()
        self.client.connect("127.0.0.1", port)
        self.client.loop_start()
        self.client.subscribe(topic_filter, qos=qos)
        if not subscribed.wait(10):
            self.close()
            raise AssertionError("paho did not get its subscription")

    def close(self):
        self.client.disconnect()
        self.client.loop_stop()


def paho_publish(port, messages, protocol):
    """(topic, payload, qos, properties-or-None), each acknowledged before the next."""
    client = mqtt.Client(client_id=unique("paho-pub"), protocol=protocol)
    client.connect("127.0.0.1", port)
    client.loop_start()
    try:
        for topic, payload, qos, properties in messages:
            client.publish(topic, payload, qos=qos, properties=properties).wait_for_publish(10)
    finally:
        client.disconnect()
        client.loop_stop()


class PahoTest(BrokerTestCase):
    def test_paho_publisher_to_mqtk_sub_and_mqtk_record(self):
        for protocol, version in ((mqtt.MQTTv311, "311"), (mqtt.MQTTv5, "5")):
            for qos in (0, 1, 2):
                with self.subTest(version=version, qos=qos):
                    prefix = self.topic("v%s-q%d" % (version, qos))
                    path = os.path.join(tempfile.mkdtemp(prefix="mqtk-interop-"), "r.jsonl")
                    rec_id = unique("rec")
                    recorder = Process([RECORD, "-p", str(self.port), "-i", rec_id, "-V", version, "-q", str(qos),
                                        "-t", prefix + "/#", "-o", path, "--quiet", "--spool",
                                        os.path.join(os.path.dirname(path), "spool")])
                    try:
                        self.broker.wait_for_subscription(rec_id, prefix + "/#")
                        with subscriber(self.broker, SUB, [prefix + "/#"],
                                        extra=["-V", version, "-q", str(qos), "--json", "-C", "50"]) as sub:
                            properties = None
                            if protocol == mqtt.MQTTv5:
                                properties = Properties(PacketTypes.PUBLISH)
                                properties.ContentType = "text/plain"
                                properties.UserProperty = [("from", "paho")]
                            paho_publish(self.port, [(prefix + "/n", b"%d" % i, qos, properties) for i in range(50)],
                                         protocol)
                            rc, out, err = sub.finish()
                        self.assertEqual(rc, 0, err)
                        lines = [json.loads(line) for line in out.splitlines()]
                        self.assertEqual([line["payload"] for line in lines], list(range(50)))
                        self.assertEqual({line["qos"] for line in lines}, {qos})
                        if protocol == mqtt.MQTTv5:
                            self.assertEqual(lines[0]["properties"],
                                             {"content-type": "text/plain", "user-properties": [["from", "paho"]]})
                        wait_until(lambda: os.path.exists(path) and open(path).read().count("\n") == 50,
                                   what="the recording")
                        recorder.signal(signal.SIGINT)
                        self.assertEqual(recorder.finish()[0], 0)
                        self.assertEqual([json.loads(line)["payload"] for line in open(path)], list(range(50)))
                    finally:
                        recorder.stop()
                        shutil.rmtree(os.path.dirname(path), ignore_errors=True)

    def test_mqtk_pub_to_paho_subscriber(self):
        for protocol, version in ((mqtt.MQTTv311, "311"), (mqtt.MQTTv5, "5")):
            for qos in (0, 1, 2):
                with self.subTest(version=version, qos=qos):
                    topic = self.topic("v%s-q%d" % (version, qos))
                    collector = PahoCollector(self.port, topic, 2, protocol)
                    try:
                        extra = ["-D", "publish", "user-property", "from", "mqtk"] if version == "5" else []
                        rc, _, err = run([PUB, "-p", str(self.port), "-V", version, "-t", topic, "-q", str(qos),
                                          "-l", *extra], input=b"".join(b"line %d\n" % i for i in range(200)))
                        self.assertEqual(rc, 0, err)
                        wait_until(lambda: len(collector.messages) >= 200, what="200 messages")
                    finally:
                        collector.close()
                    self.assertEqual([m.payload for m in collector.messages], [b"line %d" % i for i in range(200)])
                    self.assertEqual({m.qos for m in collector.messages}, {qos})
                    if version == "5":
                        self.assertEqual(collector.messages[0].properties.UserProperty, [("from", "mqtk")])


class AedesBroker:
    """aedes on a free loopback port, installed from the npm registry into
    the build directory on first use (pinned by tests/interop/package-lock.json)."""

    def __init__(self):
        modules = os.path.join(BUILD_DIR, "interop")
        if not os.path.isdir(os.path.join(modules, "node_modules", "aedes")):
            os.makedirs(modules, exist_ok=True)
            for name in ("package.json", "package-lock.json", "aedes_broker.js"):
                shutil.copy(os.path.join(INTEROP_DIR, name), modules)
            rc, out, err = run(["npm", "ci", "--no-audit", "--no-fund"], cwd=modules, timeout=600)
            assert rc == 0, "npm ci failed: %s" % (out + err).decode(errors="replace")
        shutil.copy(os.path.join(INTEROP_DIR, "aedes_broker.js"), modules)
        self.port = free_port()
        self.process = subprocess.Popen(["node", os.path.join(modules, "aedes_broker.js"), str(self.port)],
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        line = self.process.stdout.readline()
        assert line == b"listening\n", line + self.process.stderr.read()

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process.stdout.close()
        self.process.stderr.close()


@unittest.skipUnless(shutil.which("node") and shutil.which("npm"), "node and npm are not installed")
class AedesTest(unittest.TestCase):
    """The core pub/sub paths against aedes (MQTT 3.1.1)."""

    @classmethod
    def setUpClass(cls):
        cls.aedes = AedesBroker()

    @classmethod
    def tearDownClass(cls):
        cls.aedes.stop()

    def start_subscriber(self, tool_path, topic, *extra):
        """A subscriber to topic/#, ready: probes are published until one arrives."""
        sub = Process([tool_path, "-p", str(self.aedes.port), "-t", topic + "/#", "-v", *extra])
        deadline = time.monotonic() + 10
        while b"/probe" not in sub.output():
            if time.monotonic() > deadline:
                sub.stop()
                raise AssertionError("the subscriber never got its subscription")
            run([PUB, "-p", str(self.aedes.port), "-t", topic + "/probe", "-m", "probe"])
            time.sleep(0.1)
        return sub

    @staticmethod
    def data_lines(output):
        return [line for line in output.splitlines() if b"/probe " not in line]

    def test_lines_at_each_qos_reach_both_subscribers_in_order(self):
        for qos in (0, 1, 2):
            with self.subTest(qos=qos):
                topic = unique("aedes-q%d" % qos)
                ours = self.start_subscriber(SUB, topic, "-q", str(qos))
                reference = self.start_subscriber("mosquitto_sub", topic, "-q", str(qos))
                with ours, reference:
                    rc, _, err = run([PUB, "-p", str(self.aedes.port), "-t", topic + "/data", "-q", str(qos), "-l"],
                                     input=b"".join(b"message %d\n" % i for i in range(1000)))
                    self.assertEqual(rc, 0, err)
                    expected = [b"%s/data message %d" % (topic.encode(), i) for i in range(1000)]
                    wait_until(lambda: len(self.data_lines(ours.output())) >= 1000 and
                               len(self.data_lines(reference.output())) >= 1000, what="1000 messages")
                    time.sleep(0.2)
                    self.assertEqual(self.data_lines(ours.output()), expected)
                    self.assertEqual(self.data_lines(reference.output()), expected)

    def test_retained_message_and_exit_codes(self):
        topic = unique("aedes-retained")
        rc, _, err = run([PUB, "-p", str(self.aedes.port), "-t", topic, "-m", "kept", "-r", "-q", "1"])
        self.assertEqual(rc, 0, err)
        rc, out, err = run([SUB, "-p", str(self.aedes.port), "-t", topic, "-C", "1", "-W", "10", "-F", "%r %t %p"])
        self.assertEqual((rc, out), (0, b"1 %s kept\n" % topic.encode()), err)
        run([PUB, "-p", str(self.aedes.port), "-t", topic, "-n", "-r"])
        rc, _, _ = run([SUB, "-p", str(self.aedes.port), "-t", unique("quiet"), "-W", "1"])
        self.assertEqual(rc, 27)

    def test_mqtk_record(self):
        topic = unique("aedes-record")
        directory = tempfile.mkdtemp(prefix="mqtk-aedes-")
        try:
            path = os.path.join(directory, "r.jsonl")
            with Process([RECORD, "-p", str(self.aedes.port), "-t", topic + "/#", "-o", path, "--quiet",
                          "--spool", os.path.join(directory, "spool")]) as recorder:
                deadline = time.monotonic() + 10
                while not (os.path.exists(path) and "probe" in open(path).read()):
                    self.assertLess(time.monotonic(), deadline, "mqtk-record never got its subscription")
                    run([PUB, "-p", str(self.aedes.port), "-t", topic + "/probe", "-m", "probe"])
                    time.sleep(0.1)
                rc, _, err = run([PUB, "-p", str(self.aedes.port), "-t", topic + "/n", "-q", "1", "-l"],
                                 input=b"".join(b"%d\n" % i for i in range(500)))
                self.assertEqual(rc, 0, err)
                wait_until(lambda: open(path).read().count('"topic":"%s/n"' % topic) >= 500, what="the recording")
                recorder.signal(signal.SIGINT)
                self.assertEqual(recorder.finish()[0], 0)
            numbers = [r["payload"] for r in map(json.loads, open(path)) if r["topic"].endswith("/n")]
            self.assertEqual(numbers, list(range(500)))
        finally:
            shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    unittest.main()
