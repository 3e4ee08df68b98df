"""mqtk-pub against a real broker: every message source and flag, checked by
what mosquitto_sub (the reference) receives."""

import os
import signal
import socket
import subprocess
import tempfile
import time
import unittest

from harness import Broker, BrokerTestCase, Process, run, subscriber, tool, unique

PUB = tool("pub")


class PubTest(BrokerTestCase):
    def receive(self, topic, count, publish_argv, extra=("-v",), input=None):
        """Publishes with mqtk-pub while mosquitto_sub receives `count` messages."""
        with subscriber(self.broker, "mosquitto_sub", [topic], extra=["-C", str(count), "-W", "20", *extra]) as sub:
            rc, out, err = run([PUB, "-p", str(self.port), *publish_argv], input=input)
            self.assertEqual((rc, err), (0, b""), out)
            self.assertEqual(out, b"")
            sub_rc, received, _ = sub.finish()
            self.assertEqual(sub_rc, 0)
            return received

    def test_message(self):
        t = self.topic()
        self.assertEqual(self.receive(t, 1, ["-t", t, "-m", "36.5"]), t.encode() + b" 36.5\n")

    def test_message_that_looks_like_a_flag(self):
        t = self.topic()
        self.assertEqual(self.receive(t, 1, ["-t", t, "-m", "-5"], extra=()), b"-5\n")

    def test_null_message(self):
        t = self.topic()
        self.assertEqual(self.receive(t, 1, ["-t", t, "-n"]), t.encode() + b" (null)\n")

    def test_file_with_binary_content(self):
        t = self.topic()
        content = bytes(range(256)) * 3
        with tempfile.NamedTemporaryFile() as f:
            f.write(content)
            f.flush()
            received = self.receive(t, 1, ["-t", t, "-f", f.name], extra=["-N"])
        self.assertEqual(received, content)

    def test_empty_file_publishes_an_empty_message(self):
        t = self.topic()
        with tempfile.NamedTemporaryFile() as f:
            self.assertEqual(self.receive(t, 1, ["-t", t, "-f", f.name]), t.encode() + b" (null)\n")

    def test_stdin_whole(self):
        t = self.topic()
        payload = b"line one\nline two\n\x00\xff"
        self.assertEqual(self.receive(t, 1, ["-t", t, "-s"], extra=["-N"], input=payload), payload)

    def test_stdin_lines(self):
        t = self.topic()
        received = self.receive(t, 4, ["-t", t, "-l"], extra=(), input=b"a\n\nc\r\nlast")
        self.assertEqual(received, b"a\n" + b"c\r\nlast\n")  # the empty line is an empty (unprinted) message

    def test_stdin_lines_counts_empty_messages(self):
        t = self.topic()
        received = self.receive(t, 3, ["-t", t, "-l"], input=b"a\n\nb\n")
        self.assertEqual(received, (t + " a\n" + t + " (null)\n" + t + " b\n").encode())

    def test_qos_levels(self):
        for qos in ("0", "1", "2"):
            with self.subTest(qos=qos):
                t = self.topic()
                received = self.receive(t, 3, ["-t", t, "-q", qos, "-l"], extra=["-q", "2", "-F", "%q %p"],
                                        input=b"x\ny\nz\n")
                self.assertEqual(received, ("%s x\n%s y\n%s z\n" % (qos, qos, qos)).encode())

    def test_nagle_is_off_at_qos_2_only(self):
        # At QoS 2 our PUBREL, a few bytes, would wait behind large publishes
        # for TCP's delayed acknowledgement (the bench's 64 KB QoS 2 row).
        for qos, nodelay in (("0", False), ("1", False), ("2", True)):
            with self.subTest(qos=qos):
                t = self.topic()
                rc, _, err = run(["strace", "-f", "-qq", "-e", "trace=setsockopt", PUB, "-p", str(self.port), "-t", t,
                                  "-q", qos, "-m", "x"],
                                 env=dict(os.environ, ASAN_OPTIONS="detect_leaks=0"))  # LeakSanitizer cannot run traced
                self.assertEqual(rc, 0, err)
                self.assertEqual(b"TCP_NODELAY, [1]" in err, nodelay, err)

    def test_retained(self):
        t = self.topic()
        rc, _, err = run([PUB, "-p", str(self.port), "-t", t, "-m", "kept", "-r", "-q", "1"])
        self.assertEqual((rc, err), (0, b""))
        rc, out, _ = run(["mosquitto_sub", "-p", str(self.port), "-t", t, "-C", "1", "-W", "5", "-F", "%r %p"])
        self.assertEqual((rc, out), (0, b"1 kept\n"))
        run([PUB, "-p", str(self.port), "-t", t, "-n", "-r"])  # clear it

    def test_repeat(self):
        t = self.topic()
        received = self.receive(t, 5, ["-t", t, "-m", "again", "--repeat", "5", "-q", "1"], extra=())
        self.assertEqual(received, b"again\n" * 5)

    def test_repeat_delay(self):
        t = self.topic()
        started = time.monotonic()
        received = self.receive(t, 3, ["-t", t, "-m", "tick", "--repeat", "3", "--repeat-delay", "0.3"], extra=())
        self.assertEqual(received, b"tick\n" * 3)
        self.assertGreaterEqual(time.monotonic() - started, 0.6)

    def test_url(self):
        t = self.topic()
        received = self.receive(t, 1, ["-L", "mqtt://127.0.0.1:%d/%s" % (self.port, t), "-m", "via url"])
        self.assertEqual(received, t.encode() + b" via url\n")

    def test_protocol_versions(self):
        for version in ("mqttv31", "mqttv311", "mqttv5", "5", "311", "31"):
            with self.subTest(version=version):
                t = self.topic()
                self.assertEqual(self.receive(t, 1, ["-t", t, "-m", version, "-V", version], extra=()),
                                 version.encode() + b"\n")

    def test_v5_properties_reach_subscribers(self):
        t = self.topic()
        received = self.receive(
            t, 1, ["-t", t, "-m", "p", "-D", "publish", "content-type", "text/plain", "-D", "publish",
                   "user-property", "key", "value", "-D", "publish", "message-expiry-interval", "3600", "-D",
                   "publish", "response-topic", "reply/here", "-D", "publish", "payload-format-indicator", "1"],
            extra=["-V", "5", "-F", "%C|%P|%R|%F|%p|%E"])
        self.assertRegex(received.decode(), r"^text/plain\|key:value\|reply/here\|1\|p\|(3600|3599)\n$")

    def test_topic_alias_repeats(self):
        t = self.topic()
        received = self.receive(t, 3, ["-t", t, "-m", "aliased", "--repeat", "3", "-q", "1", "-D", "publish",
                                       "topic-alias", "1"], extra=["-V", "5", "-v"])
        self.assertEqual(received, (t + " aliased\n").encode() * 3)

    def test_client_id_keepalive_and_bind_address(self):
        t = self.topic()
        client_id = unique("pub-id")
        self.receive(t, 1, ["-t", t, "-m", "x", "-i", client_id, "-k", "30", "-A", "127.0.0.1", "--nodelay"])
        self.assertRegex(self.broker.log(), r"as %s \(p2, c1, k30\)" % client_id)

    def test_client_id_prefix(self):
        t = self.topic()
        prefix = unique("prefix") + "-"
        process = Process([PUB, "-p", str(self.port), "-t", t, "-m", "x", "-I", prefix])
        rc, _, _ = process.finish()
        self.assertEqual(rc, 0)
        self.assertIn("as %s%d " % (prefix, process.popen.pid), self.broker.log())

    def test_debug_output(self):
        t = self.topic()
        rc, out, err = run([PUB, "-p", str(self.port), "-t", t, "-m", "x", "-d", "-q", "1"])
        self.assertEqual(rc, 0, err)
        text = out.decode()
        self.assertIn("sending CONNECT", text)
        self.assertIn("received CONNACK", text)
        self.assertIn("sending PUBLISH", text)
        self.assertIn("received PUBACK", text)
        self.assertIn("sending DISCONNECT", text)

    def test_version_and_help(self):
        rc, out, err = run([PUB, "--version"])
        self.assertEqual((rc, err), (0, b""))
        self.assertRegex(out.decode(), r"^mqtk-pub \d+\.\d+\.\d+ \(mqtk; libmosquitto \d+\.\d+\.\d+\)\n$")
        rc, out, err = run([PUB, "--help"])
        self.assertEqual((rc, err), (0, b""))
        self.assertIn(" -t TOPIC ", out.decode())
        self.assertIn(" -h HOST ", out.decode())
        rc, out, err = run([PUB, "--help-all"])
        self.assertEqual((rc, err), (0, b""))
        self.assertIn("-t,--topic TOPIC", out.decode())
        self.assertIn("-h,--host HOST", out.decode())

    def test_options_file(self):
        t = self.topic()
        with tempfile.TemporaryDirectory() as config:
            os.makedirs(os.path.join(config, "mqtk"))
            with open(os.path.join(config, "mqtk", "pub"), "w") as f:
                f.write("# defaults for mqtk-pub\n-p %d\n-q 0\n-m from the file\n" % self.port)
            env = dict(os.environ, XDG_CONFIG_HOME=config)
            with subscriber(self.broker, "mosquitto_sub", [t], extra=["-C", "2", "-W", "10", "-q", "2", "-F", "%q %p"]) as sub:
                # The file's -m is used; the command line's -q wins over the file's.
                self.assertEqual(run([PUB, "-t", t, "-q", "1"], env=env)[0], 0)
                self.assertEqual(run([PUB, "-t", t, "-m", "from the command line"], env=env)[0], 0)
                rc, received, _ = sub.finish()
            self.assertEqual(received, b"1 from the file\n0 from the command line\n")
            with open(os.path.join(config, "mqtk", "pub"), "a") as f:
                f.write("--no-such-flag\n")
            rc, out, err = run([PUB, "-t", t], env=env)
            self.assertEqual((rc, out), (1, b""))
            self.assertIn("mqtk/pub: unknown option '--no-such-flag'", err.decode())


class PubBrokerTest(unittest.TestCase):
    """Cases that need a broker of their own."""

    def test_unix_socket(self):
        directory = tempfile.mkdtemp(prefix="mqtk-unix-")
        path = os.path.join(directory, "mqtt.sock")
        with Broker(extra_config="listener 0 %s\nallow_anonymous true\n" % path) as broker:
            t = unique("unix")
            with subscriber(broker, "mosquitto_sub", [t], extra=["-C", "1", "-W", "10"]) as sub:
                rc, _, err = run([PUB, "--unix", path, "-t", t, "-m", "over a unix socket"])
                self.assertEqual((rc, err), (0, b""))
                self.assertEqual(sub.finish()[1], b"over a unix socket\n")

    def test_credentials_and_refusal_exit_codes(self):
        directory = tempfile.mkdtemp(prefix="mqtk-auth-")
        passwords = os.path.join(directory, "passwords")
        self.assertEqual(run(["mosquitto_passwd", "-b", "-c", passwords, "alice", "wonderland"])[0], 0)
        os.chmod(passwords, 0o644)
        with Broker(extra_config="allow_anonymous false\npassword_file %s\n" % passwords) as broker:
            t = unique("auth")
            base = [PUB, "-p", str(broker.port), "-t", t, "-m", "x"]
            self.assertEqual(run(base + ["-u", "alice", "-P", "wonderland"])[0], 0)
            url = "mqtt://alice:wonderland@127.0.0.1:%d/%s" % (broker.port, t)
            self.assertEqual(run([PUB, "-L", url, "-m", "x"])[0], 0)
            # Refusals exit with the CONNACK code, as mosquitto_pub does.
            for extra in (["-u", "alice", "-P", "wrong"], [], ["-V", "5", "-u", "alice", "-P", "wrong"]):
                with self.subTest(extra=extra):
                    rc, out, err = run(base + extra)
                    reference, _, _ = run(["mosquitto_pub", "-p", str(broker.port), "-t", t, "-m", "x"] + extra)
                    self.assertEqual(rc, reference)
                    self.assertIn(rc, (5, 134, 135))
                    self.assertEqual(out, b"")
                    self.assertIn("connection refused", err.decode())

    def test_interrupted_while_connecting(self):
        # mosquitto_pub dies by the signal, which a shell reports as 128+N;
        # mqtk-pub exits with that status too, and says nothing was published.
        with socket.socket() as listener:
            listener.bind(("127.0.0.1", 0))
            listener.listen(4)
            listener.settimeout(10)
            port = listener.getsockname()[1]
            for tool_path in (PUB, "mosquitto_pub"):
                for sig in (signal.SIGINT, signal.SIGTERM):
                    with self.subTest(tool=tool_path, signal=sig):
                        with Process([tool_path, "-p", str(port), "-t", "x", "-m", "x"]) as pub:
                            connection, _ = listener.accept()  # it waits for a CONNACK that never comes
                            with connection:
                                pub.signal(sig)
                                rc, out, err = pub.finish(timeout=10)
                        if tool_path == PUB:
                            self.assertEqual((rc, out), (128 + sig, b""))
                            self.assertEqual(err, b"mqtk-pub: interrupted before localhost:%d accepted the connection: "
                                                  b"nothing was published\n" % port)
                        else:
                            self.assertEqual((rc, out, err), (-sig, b"", b""))

    def test_messages_at_the_brokers_maximum_packet_size(self):
        # The broker announces 100 bytes in its CONNACK. libmosquitto 2.0.11
        # lets a QoS 1 or 2 message one byte too large through its own check
        # and then aborts as it sends it (mosquitto_pub exits 134 with a
        # 94-byte payload here); mqtk-pub refuses it first.
        with Broker(extra_config="max_packet_size 100\n") as broker:
            for qos, largest in ((0, 94), (1, 92), (2, 92)):  # whole packets of 100 bytes, topic "t"
                for size in (largest, largest + 1, largest + 2):
                    with self.subTest(qos=qos, size=size):
                        rc, out, err = run([PUB, "-p", str(broker.port), "-V", "5", "-q", str(qos), "-t", "t",
                                            "-m", "x" * size])
                        if size == largest:
                            self.assertEqual((rc, out, err), (0, b"", b""))
                        else:
                            self.assertEqual((rc, out), (1, b""), err)
                            self.assertIn(b"larger than the broker's maximum packet size", err)

    def test_will_is_published_when_the_client_vanishes(self):
        with Broker() as broker:
            t = unique("will")
            with subscriber(broker, "mosquitto_sub", [t], extra=["-C", "1", "-W", "10", "-q", "1", "-F", "%q %p"]) as sub:
                # A publisher that stays connected reading lines, then dies.
                client = Process([PUB, "-p", str(broker.port), "-t", unique("alive"), "-l", "-i", unique("w"),
                                  "--will-topic", t, "--will-payload", "gone", "--will-retain", "--will-qos", "1",
                                  "-k", "5"], stdin=subprocess.PIPE)
                try:
                    time.sleep(0.5)
                    client.signal(signal.SIGKILL)
                finally:
                    client.stop()
                rc, out, _ = sub.finish()
                self.assertEqual((rc, out), (0, b"1 gone\n"))
            rc, out, _ = run(["mosquitto_sub", "-p", str(broker.port), "-t", t, "-C", "1", "-W", "5", "-F", "%r %p"])
            self.assertEqual((rc, out), (0, b"1 gone\n"))  # --will-retain


if __name__ == "__main__":
    unittest.main()
