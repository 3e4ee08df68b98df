"""MQTT over WebSockets (-L ws://, wss://, --ws) against Debian's mosquitto
with a websockets listener (libwebsockets), beside its plain one.

mosquitto 2.0.11 refuses to start with a websockets listener alone ("Unable
to start any listening sockets"), so every broker here has both.
"""

import contextlib
import json
import os
import shutil
import signal
import socket
import tempfile
import unittest

from certificates import CertificateAuthority
from harness import (Broker, Process, answering_http_server, free_port, run, silent_listener, subscriber, tool, unique,
                     wait_until)

PUB = tool("pub")
SUB = tool("sub")
RR = tool("rr")
RECORD = tool("record")


def accepting(port):
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
        return True
    return False


def read_text(path):
    with open(path) as f:
        return f.read()


def free_ports(count):
    ports = set()
    while len(ports) < count:  # free_port() can hand out the same port twice
        ports.add(free_port())
    return sorted(ports)


class WebSocketBroker(Broker):
    """A mosquitto with a plain listener (self.port) and a websockets one
    (self.ws_port), the latter over TLS when given a certificate. Its
    queue has no limit: mosquitto keeps 1000 QoS 1 and 2 messages for a
    subscriber and drops the rest, and a subscriber under a sanitizer on a
    busy machine falls that far behind a -l stream."""

    def __init__(self, tls=None, ports=None):
        plain, self.ws_port = ports or free_ports(2)
        config = "max_queued_messages 0\nlistener %d 127.0.0.1\nprotocol websockets\n" % self.ws_port
        if tls:
            config += "cafile %s\ncertfile %s\nkeyfile %s\n" % tls
        super().__init__(extra_config=config, port=plain)

    def start(self, detach=False):
        super().start(detach)
        wait_until(lambda: accepting(self.ws_port), what="the websockets listener on port %d" % self.ws_port)
        return self


def ws_subscriber(broker, url, topics, extra=(), client_id=None):
    """mqtk-sub over `url`, once the broker has its subscriptions."""
    return subscriber(broker, SUB, topics, extra=extra, client_id=client_id or unique("wssub"), connect=["-L", url])


class RoundTripTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.broker = WebSocketBroker().start()
        cls.url = "ws://127.0.0.1:%d/mqtt" % cls.broker.ws_port

    @classmethod
    def tearDownClass(cls):
        cls.broker.__exit__(None, None, None)

    def test_lossless_and_byte_identical_at_each_qos(self):
        count = 3000
        # Lines of every byte but newline, some longer than a WebSocket read.
        lines = [bytes((i + j) % 255 + 1 if (i + j) % 255 + 1 != 10 else 11 for j in range(i % 97)) + b"#%d" % i
                 for i in range(count - 1)] + [b"x" * 200000]
        stdin = b"".join(line + b"\n" for line in lines)
        for qos in (0, 1, 2):
            with self.subTest(qos=qos):
                t = unique("ws-qos%d" % qos)
                with ws_subscriber(self.broker, self.url, [t], ["-q", str(qos), "-C", str(count), "-W", "60"]) as sub:
                    rc, _, err = run([PUB, "-L", self.url, "-t", t, "-q", str(qos), "-l"], input=stdin, timeout=60)
                    self.assertEqual(rc, 0, err)
                    rc, out, err = sub.finish(timeout=90)
                self.assertEqual((rc, err), (0, b""), "%d of %d lines arrived" % (out.count(b"\n"), count))
                self.assertEqual(out, stdin)

    def test_ws_flag_uses_host_port_and_the_mqtt_path(self):
        t = unique("ws-flag")
        with ws_subscriber(self.broker, self.url, [t], ["-C", "1", "-W", "20"]) as sub:
            rc, _, err = run([PUB, "--ws", "-h", "127.0.0.1", "-p", str(self.broker.ws_port), "-t", t, "-m", "via --ws"])
            self.assertEqual(rc, 0, err)
            self.assertEqual(sub.finish(), (0, b"via --ws\n", b""))

    def test_interoperates_with_plain_tcp_clients(self):
        t = unique("ws-mixed")
        with ws_subscriber(self.broker, self.url, [t], ["-C", "1", "-W", "20", "-v"]) as sub:
            rc, _, err = run(["mosquitto_pub", "-p", str(self.broker.port), "-t", t, "-m", "from tcp", "-q", "1"])
            self.assertEqual(rc, 0, err)
            self.assertEqual(sub.finish(), (0, b"%s from tcp\n" % t.encode(), b""))

    def test_signals_stay_with_the_tool(self):
        # The bridge's thread must not take a SIGINT meant for the tool's
        # own handling: the tool ends as it does over TCP.
        endings = []
        for start in (lambda t: ws_subscriber(self.broker, self.url, [t]), lambda t: subscriber(self.broker, SUB, [t])):
            with start(unique("ws-signal")) as sub:
                sub.signal(signal.SIGINT)
                endings.append(sub.finish())
        self.assertEqual(endings[0], endings[1])

    def test_mqtk_record_over_ws(self):
        topic = unique("ws-record")
        directory = tempfile.mkdtemp(prefix="mqtk-ws-record-")
        try:
            path = os.path.join(directory, "r.jsonl")
            client_id = unique("wsrec")
            with Process([RECORD, "-L", self.url, "-i", client_id, "-t", topic + "/#", "-o", path, "--quiet",
                          "--spool", os.path.join(directory, "spool")]) as recorder:
                self.broker.wait_for_subscription(client_id, topic + "/#")
                rc, _, err = run([PUB, "-L", self.url, "-t", topic + "/n", "-q", "1", "-l"],
                                 input=b"".join(b"%d\n" % i for i in range(500)))
                self.assertEqual(rc, 0, err)
                wait_until(lambda: read_text(path).count('"topic":"%s/n"' % topic) >= 500, what="the recording")
                recorder.signal(signal.SIGINT)
                self.assertEqual(recorder.finish()[0], 0)
            numbers = [r["payload"] for r in map(json.loads, read_text(path).splitlines()) if r["topic"].endswith("/n")]
            self.assertEqual(numbers, list(range(500)))
        finally:
            shutil.rmtree(directory, ignore_errors=True)


    def test_mqtk_rr_over_ws(self):
        from test_rr import Responder  # a paho MQTT v5 responder, over plain TCP
        topic = unique("ws-rr")
        responder = Responder(self.broker.port, topic + "/request", reply=b"answer over tcp")
        try:
            rc, out, err = run([RR, "-L", self.url, "-t", topic + "/request", "-e", topic + "/reply", "-m", "q",
                                "-W", "20"], timeout=60)
        finally:
            responder.stop()
        self.assertEqual((rc, out, err), (0, b"answer over tcp\n", b""))


class RefusalTest(unittest.TestCase):
    def refused(self, url, *flags):
        rc, out, err = run([PUB, "-L", url, "-t", "t", "-m", "m", *flags], timeout=30)
        self.assertEqual((rc, out), (1, b""), err)
        lines = err.decode().splitlines()
        self.assertEqual(len(lines), 1, err)
        return lines[0]

    def test_http_errors_name_the_status(self):
        for status, words in ((404, "HTTP 404 Not Found"), (401, "HTTP 401 Unauthorized")):
            with self.subTest(status=status), answering_http_server(status) as port:
                line = self.refused("ws://127.0.0.1:%d/nowhere" % port)
                self.assertEqual(line, "mqtk-pub: cannot connect to ws://127.0.0.1:%d/nowhere: the server refused the "
                                 "WebSocket upgrade: %s (is the path right?)" % (port, words))

    def test_a_plain_mqtt_port_is_not_a_websocket_endpoint(self):
        with Broker() as broker:
            line = self.refused("ws://127.0.0.1:%d/mqtt" % broker.port)
        self.assertIn("is it a WebSocket endpoint?", line)
        self.assertTrue(line.startswith("mqtk-pub: cannot connect to ws://127.0.0.1:%d/mqtt: " % broker.port), line)

    def test_nothing_listening(self):
        port = free_port()
        self.assertEqual(self.refused("ws://127.0.0.1:%d/mqtt" % port),
                         "mqtk-pub: cannot connect to ws://127.0.0.1:%d/mqtt: Connection refused" % port)

    def test_a_server_that_never_answers_times_out(self):
        with silent_listener() as port:
            line = self.refused("ws://127.0.0.1:%d/mqtt" % port, "--connect-timeout", "1")
        self.assertEqual(line, "mqtk-pub: cannot connect to ws://127.0.0.1:%d/mqtt: no answer within 1 s" % port)

    def test_wss_to_a_port_without_tls(self):
        with answering_http_server(404) as port:
            line = self.refused("wss://127.0.0.1:%d/mqtt" % port, "--insecure", "--tls-use-os-certs")
        self.assertRegex(line, r"^mqtk-pub: cannot connect to wss://127\.0\.0\.1:\d+/mqtt: TLS handshake failed "
                               r"\(.+\); does this port speak TLS\?$")

    def test_websockets_with_unix_or_proxy_are_refused(self):
        rc, _, err = run([PUB, "--ws", "--unix", "/tmp/nothing", "-t", "t", "-m", "m"])
        self.assertEqual(rc, 1)
        self.assertIn(b"--ws: WebSockets and --unix cannot be used together", err)
        rc, _, err = run([PUB, "-L", "ws://h/mqtt", "--proxy", "socks5h://127.0.0.1:1", "-t", "t", "-m", "m"])
        self.assertEqual(rc, 1)
        self.assertIn(b"-L: WebSockets through --proxy are not supported", err)


class SecureWebSocketTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.directory = tempfile.mkdtemp(prefix="mqtk-wss-")
        ca = CertificateAuthority(cls.directory)
        cls.ca = ca.cert
        server = ca.issue("server", "localhost", alt_names=("DNS:localhost", "IP:127.0.0.1"))
        cls.other_ca = CertificateAuthority(os.path.join(cls.directory, "other"), name="other CA").cert
        cls.broker = WebSocketBroker(tls=(ca.cert, server[0], server[1])).start()
        cls.url = "wss://localhost:%d/mqtt" % cls.broker.ws_port

    @classmethod
    def tearDownClass(cls):
        cls.broker.__exit__(None, None, None)
        shutil.rmtree(cls.directory, ignore_errors=True)

    def test_round_trip_over_wss(self):
        t = unique("wss")
        with ws_subscriber(self.broker, self.url, [t], ["--cafile", self.ca, "-C", "2", "-W", "20", "-q", "1"]) as sub:
            rc, _, err = run([PUB, "-L", self.url, "--cafile", self.ca, "-t", t, "-q", "1", "-l"], input=b"a\nb\n")
            self.assertEqual(rc, 0, err)
            self.assertEqual(sub.finish(), (0, b"a\nb\n", b""))

    def test_ws_flag_with_tls_flags_is_wss(self):
        t = unique("wss-flag")
        with ws_subscriber(self.broker, self.url, [t], ["--cafile", self.ca, "-C", "1", "-W", "20"]) as sub:
            rc, _, err = run([PUB, "--ws", "-h", "127.0.0.1", "-p", str(self.broker.ws_port), "--cafile", self.ca,
                              "-t", t, "-m", "secure"])
            self.assertEqual(rc, 0, err)
            self.assertEqual(sub.finish(), (0, b"secure\n", b""))

    def test_tls_keylog_over_wss(self):
        keylog = os.path.join(self.directory, unique("wss-keys") + ".log")
        rc, _, err = run([PUB, "-L", self.url, "--cafile", self.ca, "--tls-keylog", keylog, "-t", "t", "-m", "m"])
        self.assertEqual(rc, 0, err)
        labels = [line.split(" ")[0] for line in read_text(keylog).splitlines()]
        self.assertIn("CLIENT_HANDSHAKE_TRAFFIC_SECRET", labels)
        self.assertIn("CLIENT_TRAFFIC_SECRET_0", labels)

    def test_certificate_checks_apply(self):
        rc, _, err = run([PUB, "-L", self.url, "--cafile", self.other_ca, "-t", "t", "-m", "m"])
        self.assertEqual(rc, 1)
        self.assertRegex(err.decode(), r"^mqtk-pub: cannot connect to wss://localhost:\d+/mqtt: .*certificate.*\n$")
        # --insecure skips the name check only: 127.0.0.1 is in the certificate, "127.0.0.2" is not.
        url = "wss://127.0.0.2:%d/mqtt" % self.broker.ws_port
        rc, _, err = run([PUB, "-L", url, "--cafile", self.ca, "-t", "t", "-m", "m"])
        self.assertEqual(rc, 1, err)
        rc, _, err = run([PUB, "-L", url, "--cafile", self.ca, "--insecure", "-t", "t", "-m", "m"])
        self.assertEqual(rc, 0, err)


class LostConnectionTest(unittest.TestCase):
    def test_reports_and_reconnects_when_the_broker_is_back(self):
        broker = WebSocketBroker().start()
        try:
            t = unique("ws-restart")
            client_id = unique("wsresub")
            url = "ws://127.0.0.1:%d/mqtt" % broker.ws_port
            with ws_subscriber(broker, url, [t], ["-C", "2", "-W", "60", "--reconnect-delay", "100ms"],
                               client_id=client_id) as sub:
                run([PUB, "-L", url, "-t", t, "-m", "before"])
                broker.kill()
                wait_until(lambda: b"lost the connection" in sub.errors(), what="the report of the lost connection")
                broker.start()
                wait_until(lambda: broker.count_subscriptions(client_id, t) >= 2, timeout=20,
                           what="the resubscription")
                run([PUB, "-L", url, "-t", t, "-m", "after"])
                rc, out, err = sub.finish()
            self.assertEqual((rc, out), (0, b"before\nafter\n"), err)
            lines = err.decode().splitlines()
            self.assertRegex(lines[0], r"^mqtk-sub: warning: lost the connection to ws://127\.0\.0\.1:\d+/mqtt: "
                                       r".+; reconnecting$")
            self.assertRegex(lines[-1], r"^mqtk-sub: note: reconnected to ws://127\.0\.0\.1:\d+/mqtt after")
        finally:
            broker.__exit__(None, None, None)


if __name__ == "__main__":
    unittest.main()
