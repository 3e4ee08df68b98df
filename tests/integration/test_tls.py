"""Secure connections against real listeners: TLS, mutual TLS, PSK, a SOCKS5
proxy (Debian's dante), and passwords from every source, kept out of ps,
debug output and error messages. Certificates are made at test time."""

import os
import pty
import shutil
import signal
import ssl
import stat
import subprocess
import tempfile
import time
import unittest

from certificates import CertificateAuthority
from hostile_broker import HostileBroker, publish
from socks5_server import Socks5Proxy
from harness import Broker, Process, free_port, run, subscriber, tool, unique, wait_until

PUB = tool("pub")
SUB = tool("sub")
PSK_KEY = "deadbeef00112233"


class SecureBroker:
    """One broker with a listener for each case, shared by the test classes."""

    def __init__(self):
        cls = self
        cls.directory = tempfile.mkdtemp(prefix="mqtk-tls-")
        ca = CertificateAuthority(os.path.join(cls.directory, "ca"))
        other_ca = CertificateAuthority(os.path.join(cls.directory, "other-ca"), "another CA")
        cls.ca = ca.cert
        cls.other_ca = other_ca.cert
        server = ca.issue("server", "localhost", ["DNS:localhost", "IP:127.0.0.1"])
        cls.server = server
        wrong_name = ca.issue("wrong-name", "broker.example", ["DNS:broker.example"])
        expired = ca.issue("expired", "localhost", ["DNS:localhost", "IP:127.0.0.1"], "20200101000000Z",
                           "20200102000000Z")
        cls.client_cert, cls.client_key = ca.issue("client", "client1")
        cls.stranger_cert, cls.stranger_key = other_ca.issue("stranger", "stranger")
        cls.passwords = os.path.join(cls.directory, "passwords")
        subprocess.run(["mosquitto_passwd", "-b", "-c", cls.passwords, "alice", "wonderland"], check=True)
        os.chmod(cls.passwords, 0o644)
        psk_file = os.path.join(cls.directory, "psk")
        with open(psk_file, "w") as f:
            f.write("client1:%s\n" % PSK_KEY)
        names = ("tls", "wrong_name", "expired", "mutual", "psk", "password")
        ports = set()
        while len(ports) < len(names):  # free_port() can hand out the same port twice
            ports.add(free_port())
        cls.ports = dict(zip(names, sorted(ports)))

        def tls_listener(port, cert, extra=""):
            return ("listener %d 127.0.0.1\nallow_anonymous true\ncafile %s\ncertfile %s\nkeyfile %s\n%s" %
                    (port, ca.cert, cert[0], cert[1], extra))

        config = "".join([
            tls_listener(cls.ports["tls"], server),
            tls_listener(cls.ports["wrong_name"], wrong_name),
            tls_listener(cls.ports["expired"], expired),
            tls_listener(cls.ports["mutual"], server, "require_certificate true\n"),
            "listener %d 127.0.0.1\nallow_anonymous true\npsk_hint mqtk\npsk_file %s\nuse_identity_as_username true\n"
            % (cls.ports["psk"], psk_file),
            "listener %d 127.0.0.1\nallow_anonymous false\npassword_file %s\n" % (cls.ports["password"],
                                                                                 cls.passwords),
        ])
        # The Broker's own listener stays plain; the TLS ones come from the config.
        cls.broker = Broker(extra_config=config, leading_config="per_listener_settings true").start()
        for port in cls.ports.values():
            wait_until(lambda: _accepting(port), what="listener %d" % port)

    def close(self):
        self.broker.__exit__(None, None, None)
        shutil.rmtree(self.directory, ignore_errors=True)


SECURE = None


def setUpModule():
    global SECURE
    SECURE = SecureBroker()


def tearDownModule():
    SECURE.close()


class SecureTestCase(unittest.TestCase):
    def __getattr__(self, name):
        return getattr(SECURE, name)


class TlsTest(SecureTestCase):
    def roundtrip(self, port, connect, sub_connect=None, host="localhost"):
        """Publishes over `connect` flags while a subscriber on the plain
        listener receives; returns mqtk-pub's (rc, stdout, stderr)."""
        t = unique("tls")
        with subscriber(self.broker, "mosquitto_sub", [t], extra=["-C", "1", "-W", "10"]) as sub:
            result = run([PUB, "-h", host, "-p", str(port), "-t", t, "-m", "secret payload", *connect])
            if result[0] == 0:
                self.assertEqual(sub.finish()[1], b"secret payload\n")
        return result

    def assert_refused(self, port, connect, words, host="localhost"):
        rc, out, err = run([PUB, "-h", host, "-p", str(port), "-t", "x", "-m", "x", *connect], timeout=20)
        self.assertEqual((rc, out), (1, b""), err)
        lines = err.decode().splitlines()
        self.assertEqual(len(lines), 1, lines)
        for word in words:
            self.assertIn(word, lines[0])
        reference = run(["mosquitto_pub", "-h", host, "-p", str(port), "-t", "x", "-m", "x", *connect], timeout=20)
        self.assertNotEqual(reference[0], 0, "mosquitto_pub should fail too")

    def test_tls_by_name_address_url_and_capath(self):
        port = self.ports["tls"]
        self.assertEqual(self.roundtrip(port, ["--cafile", self.ca])[0], 0)
        self.assertEqual(self.roundtrip(port, ["--cafile", self.ca], host="127.0.0.1")[0], 0)
        capath = os.path.join(self.directory, "capath")
        os.makedirs(capath, exist_ok=True)
        shutil.copy(self.ca, capath)
        subprocess.run(["openssl", "rehash", capath], check=True)
        self.assertEqual(self.roundtrip(port, ["--capath", capath])[0], 0)
        for version in ("tlsv1.2", "tlsv1.3"):
            self.assertEqual(self.roundtrip(port, ["--cafile", self.ca, "--tls-version", version])[0], 0)
        self.assertEqual(self.roundtrip(port, ["--cafile", self.ca, "--ciphers", "ECDHE-RSA-AES256-GCM-SHA384",
                                               "--tls-version", "tlsv1.2"])[0], 0)
        t = unique("url")
        with subscriber(self.broker, "mosquitto_sub", [t], extra=["-C", "1", "-W", "10"]) as sub:
            rc, _, err = run([PUB, "-L", "mqtts://localhost:%d/%s" % (port, t), "--cafile", self.ca, "-m", "u"])
            self.assertEqual(rc, 0, err)
            self.assertEqual(sub.finish()[1], b"u\n")

    def test_alpn_keyform_and_os_certificates(self):
        port = self.ports["mutual"]
        self.assertEqual(self.roundtrip(port, ["--cafile", self.ca, "--tls-alpn", "mqtt", "--cert", self.client_cert,
                                               "--key", self.client_key, "--keyform", "pem"])[0], 0)
        # The system's CAs do not include the test CA.
        self.assert_refused(self.ports["tls"], ["--tls-use-os-certs"], ["not signed by a trusted CA"])

    def test_tls_keylog(self):
        """--tls-keylog (mosquitto 2.1): the session keys in NSS key log
        format, appended to a file made private."""
        port = self.ports["tls"]
        keylog = os.path.join(self.directory, unique("keys") + ".log")
        for _ in range(2):  # a second connection appends
            self.assertEqual(self.roundtrip(port, ["--cafile", self.ca, "--tls-keylog", keylog])[0], 0)
        self.assertEqual(stat.S_IMODE(os.stat(keylog).st_mode), 0o600)
        with open(keylog) as f:
            lines = f.read().splitlines()
        labels = [line.split(" ")[0] for line in lines]
        self.assertEqual(labels.count("CLIENT_HANDSHAKE_TRAFFIC_SECRET"), 2, lines)
        self.assertEqual(labels.count("CLIENT_TRAFFIC_SECRET_0"), 2, lines)
        for line in lines:
            self.assertRegex(line, r"^[A-Z_0-9]+ [0-9a-f]{64} [0-9a-f]{64,}$")
        sub_keylog = keylog + ".sub"
        with Process([SUB, "-p", str(port), "-h", "localhost", "--cafile", self.ca, "-t", "x", "-E",
                      "--tls-keylog", sub_keylog]) as sub:
            self.assertEqual(sub.finish()[0], 0)
        with open(sub_keylog) as f:
            self.assertIn("CLIENT_HANDSHAKE_TRAFFIC_SECRET ", f.read())

        os.chmod(keylog, 0o644)
        rc, _, err = self.roundtrip(port, ["--cafile", self.ca, "--tls-keylog", keylog])
        self.assertEqual(rc, 1)
        self.assertIn("--tls-keylog: other users can open '%s' (mode 0644)" % keylog, err.decode())
        rc, _, err = run([PUB, "-p", str(self.broker.port), "-t", "x", "-m", "x", "--tls-keylog", keylog])
        self.assertEqual(rc, 1)
        self.assertIn("--tls-keylog: needs TLS", err.decode())

    def test_subscriber_over_tls(self):
        t = unique("tlssub")
        client_id = unique("tls-sub")
        with Process([SUB, "-p", str(self.ports["tls"]), "-h", "localhost", "--cafile", self.ca, "-t", t,
                      "-i", client_id, "-C", "1", "-W", "10"]) as sub:
            self.broker.wait_for_subscription(client_id, t)
            self.assertEqual(run(["mosquitto_pub", "-p", str(self.broker.port), "-t", t, "-m", "hi"])[0], 0)
            self.assertEqual(sub.finish()[:2], (0, b"hi\n"))

    def test_unknown_ca(self):
        self.assert_refused(self.ports["tls"], ["--cafile", self.other_ca], ["not signed by a trusted CA"])

    def test_hostname_mismatch_and_insecure(self):
        self.assert_refused(self.ports["wrong_name"], ["--cafile", self.ca], ["not for localhost", "--insecure"])
        self.assert_refused(self.ports["wrong_name"], ["--cafile", self.ca], ["not for 127.0.0.1"], host="127.0.0.1")
        self.assertEqual(self.roundtrip(self.ports["wrong_name"], ["--cafile", self.ca, "--insecure"])[0], 0)

    def test_certificate_failures_end_the_attempt_at_once(self):
        # The handshake fails inside libmosquitto's connect call or in a later
        # read, depending on how fast the broker answers; the second case used
        # to be noticed only at --connect-timeout (about one run in two).
        for tool_path, flags in ((PUB, ["-m", "x"]), (SUB, [])):
            for attempt in range(20):
                with self.subTest(tool=tool_path, attempt=attempt):
                    start = time.monotonic()
                    rc, out, err = run([tool_path, "-h", "localhost", "-p", str(self.ports["wrong_name"]),
                                        "--cafile", self.ca, "-t", "x", *flags, "--connect-timeout", "60"], timeout=90)
                    elapsed = time.monotonic() - start
                    self.assertEqual((rc, out), (1, b""), err)
                    self.assertIn(b"not for localhost", err)
                    # Far from the usual tenth of a second and from the 60 s deadline.
                    self.assertLess(elapsed, 15, err)

    def test_refused_connection_ends_the_attempt_at_once(self):
        # OpenSSL's first write fails on a refused connection, and libmosquitto
        # takes that for "try again": the tools polled the dead socket at full
        # CPU until --connect-timeout.
        port = free_port()  # nothing listens there
        for tool_path, flags in ((PUB, ["-m", "x"]), (SUB, [])):
            with self.subTest(tool=tool_path):
                start = time.monotonic()
                rc, out, err = run([tool_path, "-h", "localhost", "-p", str(port), "--cafile", self.ca, "-t", "x",
                                    *flags, "--connect-timeout", "60"], timeout=90)
                self.assertEqual((rc, out), (1, b""), err)
                self.assertIn(b"cannot connect to localhost:%d: " % port, err)
                self.assertLess(time.monotonic() - start, 15, err)

    def test_expired_certificate(self):
        self.assert_refused(self.ports["expired"], ["--cafile", self.ca], ["has expired"])

    def test_mutual_tls(self):
        port = self.ports["mutual"]
        self.assert_refused(port, ["--cafile", self.ca], ["client certificate", "--cert"])
        self.assertEqual(self.roundtrip(port, ["--cafile", self.ca, "--cert", self.client_cert, "--key",
                                               self.client_key])[0], 0)
        # "does not accept our client certificate (...)", or when the broker's reset
        # beats its TLS 1.3 alert, "... does it accept our client certificate?"
        self.assert_refused(port, ["--cafile", self.ca, "--cert", self.stranger_cert, "--key", self.stranger_key],
                            ["accept our client certificate"])

    def test_psk(self):
        port = self.ports["psk"]
        self.assertEqual(self.roundtrip(port, ["--psk", PSK_KEY, "--psk-identity", "client1"])[0], 0)
        self.assert_refused(port, ["--psk", "00" + PSK_KEY[2:], "--psk-identity", "client1"], ["PSK"])

    def test_plain_port_with_tls(self):
        rc, out, err = run([PUB, "-h", "localhost", "-p", str(self.broker.port), "--cafile", self.ca, "-t", "x",
                            "-m", "x", "--connect-timeout", "3"])
        self.assertEqual((rc, out), (1, b""))
        self.assertIn(b"does this port speak TLS?", err)

    def test_bad_tls_files_are_named(self):
        missing = os.path.join(self.directory, "missing.pem")
        for flags, word in ((["--cafile", missing], "--cafile"),
                            (["--cafile", self.ca, "--cert", missing, "--key", self.client_key], "--cert"),
                            (["--cafile", self.ca, "--cert", self.client_cert, "--key", self.stranger_key], "--key"),
                            (["--psk", "xyz", "--psk-identity", "i"], "--psk"),
                            (["--cafile", self.ca, "--tls-engine", "no-such-engine"], "--tls-engine")):
            with self.subTest(flags=flags):
                rc, out, err = run([PUB, "-p", str(self.ports["tls"]), "-t", "x", "-m", "x", *flags])
                self.assertEqual((rc, out), (1, b""))
                self.assertTrue(err.decode().startswith("mqtk-pub: " + word), err)


class PackedRecordsTest(SecureTestCase):
    def test_a_burst_packed_into_few_tls_records_is_read_to_the_end(self):
        # Debian's mosquitto sends a TLS record a packet. A broker that packs a
        # burst into 16 KiB records leaves most of each decrypted inside
        # OpenSSL, where poll() cannot see it: at QoS 1 mqtk-sub stopped after
        # some 2,300 of these 3,000 messages and waited for the broker.
        count = 3000
        burst = b"".join(publish("t", b"%d" % i, qos=1, mid=i + 1, v5=False) for i in range(count))

        def script(peer):
            peer.connect_and_subscribe(v5=False)
            peer.send(burst)  # Python's ssl cuts it into records of 16 KiB, some 900 packets each
            peer.drain()

        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(*self.server)
        with HostileBroker(script, tls=context) as broker:
            rc, out, err = run([SUB, "-h", "localhost", "-p", str(broker.port), "--cafile", self.ca, "-t", "t",
                                "-q", "1", "-C", str(count), "-W", "20"], timeout=30)
        self.assertEqual(broker.errors, [])
        self.assertEqual((rc, err), (0, b""))
        self.assertEqual(out, b"".join(b"%d\n" % i for i in range(count)))


class PasswordTest(SecureTestCase):
    """Passwords against a listener with a password file."""

    def publish(self, *flags, env=None, **kwargs):
        t = unique("pw")
        return run([PUB, "-h", "127.0.0.1", "-p", str(self.ports["password"]), "-t", t, "-m", "x", *flags],
                   env=env, **kwargs)

    def test_password_sources(self):
        self.assertEqual(self.publish("-u", "alice", "-P", "wonderland")[0], 0)
        self.assertEqual(self.publish("-u", "alice", "--pw=wonderland")[0], 0)
        with tempfile.NamedTemporaryFile("w") as f:
            f.write("wonderland\n")
            f.flush()
            self.assertEqual(self.publish("-u", "alice", "--pw-file", f.name)[0], 0)
        env = dict(os.environ, MQTK_PASSWORD="wonderland")
        self.assertEqual(self.publish("-u", "alice", env=env)[0], 0)
        self.assertEqual(self.publish("-u", "alice")[0], 5)  # no password: not authorised, as mosquitto exits
        rc, _, err = self.publish("-u", "alice", "-P", "wrong", "-d")
        self.assertEqual(rc, 5)
        self.assertIn(b"not authorised", err)

    def test_prompt_on_the_terminal(self):
        pid, terminal = pty.fork()
        if pid == 0:
            os.execv(PUB, [PUB, "-h", "127.0.0.1", "-p", str(self.ports["password"]), "-t", unique("prompt"),
                           "-m", "x", "-u", "alice", "-P"])
        seen = b""
        deadline = time.monotonic() + 10
        while b"Password: " not in seen and time.monotonic() < deadline:
            seen += os.read(terminal, 1024)
        os.write(terminal, b"wonderland\n")
        _, status = os.waitpid(pid, 0)
        try:
            while True:
                seen += os.read(terminal, 1024)
        except OSError:
            pass
        os.close(terminal)
        self.assertEqual(os.waitstatus_to_exitcode(status), 0, seen)
        self.assertNotIn(b"wonderland", seen.replace(b"Password: ", b""))  # echo was off

    def test_prompt_without_a_terminal(self):
        rc, out, err = run([PUB, "-p", str(self.ports["password"]), "-t", "x", "-m", "x", "-u", "alice", "-P"],
                           start_new_session=True)
        self.assertEqual((rc, out), (1, b""))
        self.assertIn(b"no terminal", err)

    def test_password_not_in_ps_debug_or_errors(self):
        t = unique("ps")
        client_id = unique("hidden")
        with Process([SUB, "-h", "127.0.0.1", "-p", str(self.ports["password"]), "-u", "alice", "-P", "wonderland",
                      "-t", t, "-i", client_id, "-d"]) as sub:
            self.broker.wait_for_subscription(client_id, t)
            with open("/proc/%d/cmdline" % sub.popen.pid, "rb") as f:
                cmdline = f.read()
            self.assertNotIn(b"wonderland", cmdline)
            self.assertIn(b"-P\x00xxxxxxxxxx\x00", cmdline)
            sub.signal(signal.SIGINT)
            rc, out, err = sub.finish()
        self.assertIn(b"sending CONNECT", out)
        self.assertNotIn(b"wonderland", out + err)
        rc, out, err = run([PUB, "-L", "mqtt://alice:wonderland@127.0.0.1:70000/t", "-m", "x"])
        self.assertEqual(rc, 1)
        self.assertNotIn(b"wonderland", err)
        self.assertIn(b"alice:***@", err)

    def test_options_file_with_credentials_must_be_private(self):
        with tempfile.TemporaryDirectory() as config:
            os.makedirs(os.path.join(config, "mqtk"))
            path = os.path.join(config, "mqtk", "pub")
            with open(path, "w") as f:
                f.write("-u alice\n-P wonderland\n")
            os.chmod(path, 0o644)
            env = dict(os.environ, XDG_CONFIG_HOME=config)
            rc, out, err = self.publish(env=env)
            self.assertEqual((rc, out), (1, b""))
            self.assertIn(b"other users can read it (mode 0644); run chmod 600", err)
            os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)
            self.assertEqual(self.publish(env=env)[0], 0)


class ProxyTest(unittest.TestCase):
    """Through Debian's dante SOCKS5 server, on loopback."""

    @classmethod
    def setUpClass(cls):
        if not shutil.which("danted"):
            raise unittest.SkipTest("dante-server is not installed")
        cls.directory = tempfile.mkdtemp(prefix="mqtk-socks-")
        cls.broker = Broker().start()
        cls.proxy_port = free_port()
        config = os.path.join(cls.directory, "danted.conf")
        with open(config, "w") as f:
            f.write("logoutput: %s/danted.log\ninternal: 127.0.0.1 port = %d\nexternal: 127.0.0.1\n"
                    "socksmethod: none\nclientmethod: none\nuser.unprivileged: nobody\n"
                    "client pass { from: 127.0.0.0/8 to: 0.0.0.0/0 }\n"
                    "socks pass {\n  from: 127.0.0.0/8 to: 127.0.0.0/8\n  protocol: tcp\n  log: connect\n}\n"
                    % (cls.directory, cls.proxy_port))
        cls.danted = subprocess.Popen(["danted", "-f", config, "-N", "1"], stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL)
        wait_until(lambda: _accepting(cls.proxy_port), what="danted")

    @classmethod
    def tearDownClass(cls):
        cls.danted.terminate()
        cls.danted.wait()
        cls.broker.__exit__(None, None, None)
        shutil.rmtree(cls.directory, ignore_errors=True)

    def proxy_log(self):
        with open(os.path.join(self.directory, "danted.log")) as f:
            return f.read()

    def test_publish_and_subscribe_through_the_proxy(self):
        t = unique("socks")
        proxy = "socks5h://127.0.0.1:%d" % self.proxy_port
        client_id = unique("socks-sub")
        with Process([SUB, "--proxy", proxy, "-h", "localhost", "-p", str(self.broker.port), "-t", t,
                      "-i", client_id, "-C", "1", "-W", "10"]) as sub:
            self.broker.wait_for_subscription(client_id, t)
            rc, _, err = run([PUB, "--proxy", proxy, "-h", "localhost", "-p", str(self.broker.port), "-t", t,
                              "-m", "via socks"])
            self.assertEqual(rc, 0, err)
            self.assertEqual(sub.finish()[:2], (0, b"via socks\n"))
        wait_until(lambda: self.proxy_log().count(".%d" % self.broker.port) >= 2, what="two proxied connections")

    def test_unreachable_proxy(self):
        rc, out, err = run([PUB, "--proxy", "socks5h://127.0.0.1:%d" % free_port(), "-p", str(self.broker.port),
                            "-t", "x", "-m", "x"])
        self.assertEqual((rc, out), (1, b""))
        self.assertIn(b"cannot connect", err)


class ProxyLoginTest(unittest.TestCase):
    """A user name and password in --proxy reach a SOCKS5 proxy that demands
    them (a helper: dante checks logins against system accounts)."""

    USER, PASSWORD = "carol", "p@ss:w/rd"

    @classmethod
    def setUpClass(cls):
        cls.broker = Broker().start()
        cls.proxy = Socks5Proxy(cls.USER, cls.PASSWORD).__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.proxy.__exit__(None, None, None)
        cls.broker.__exit__(None, None, None)

    def url(self, user, password):
        return "socks5h://%s:%s@127.0.0.1:%d" % (user, password, self.proxy.port)

    def test_percent_encoded_login_reaches_the_proxy(self):
        t = unique("socks-login")
        proxy = self.url(self.USER, "p%40ss%3Aw%2Frd")
        client_id = unique("socks-login-sub")
        with Process([SUB, "--proxy", proxy, "-p", str(self.broker.port), "-t", t, "-i", client_id, "-C", "1",
                      "-W", "10"]) as sub:
            self.broker.wait_for_subscription(client_id, t)
            rc, _, err = run([PUB, "--proxy", proxy, "-p", str(self.broker.port), "-t", t, "-m", "logged in"])
            self.assertEqual(rc, 0, err)
            self.assertEqual(sub.finish()[:2], (0, b"logged in\n"))
        self.assertIn((self.USER, self.PASSWORD), self.proxy.logins)
        self.assertIn(("localhost", self.broker.port), self.proxy.destinations)

    def test_wrong_password_is_refused_without_echoing_it(self):
        rc, out, err = run([PUB, "--proxy", self.url(self.USER, "guess123"), "-p", str(self.broker.port),
                            "-t", "x", "-m", "x"])
        self.assertEqual((rc, out), (1, b""))
        self.assertIn(b"the SOCKS5 proxy 127.0.0.1:%d refused the user name or password" % self.proxy.port, err)
        self.assertNotIn(b"guess123", err)
        self.assertIn((self.USER, "guess123"), self.proxy.logins)

    def test_refused_login_and_refused_destination_are_told_apart(self):
        # libmosquitto turns a login refused with status 2 into the code of a
        # refused destination, and 255 into "invalid function arguments".
        for status in (1, 2, 255):
            with self.subTest(status=status), Socks5Proxy(self.USER, self.PASSWORD, login_refusal=status) as proxy:
                url = "socks5h://%s:%s@127.0.0.1:%d" % (self.USER, "%s", proxy.port)
                rc, out, err = run([PUB, "--proxy", url % "guess123", "-p", str(self.broker.port), "-t", "x",
                                    "-m", "x"])
                self.assertEqual((rc, out), (1, b""))
                self.assertIn(b"the SOCKS5 proxy 127.0.0.1:%d refused the user name or password\n" % proxy.port, err)
                # The right login, and a destination the proxy does not allow
                # (it relays to loopback only; the name is never resolved).
                rc, out, err = run([PUB, "--proxy", url % "p%40ss%3Aw%2Frd", "-h", "broker.invalid", "-p",
                                    str(self.broker.port), "-t", "x", "-m", "x"])
                self.assertEqual((rc, out), (1, b""))
                self.assertIn(b"does not allow connections to this broker", err)

    def test_refused_proxy_connection_is_not_the_brokers(self):
        port = free_port()
        rc, out, err = run([PUB, "--proxy", "socks5h://127.0.0.1:%d" % port, "-p", str(self.broker.port),
                            "-t", "x", "-m", "x"])
        self.assertEqual((rc, out), (1, b""))
        self.assertIn(b"the SOCKS5 proxy 127.0.0.1:%d refused the connection" % port, err)

    def test_missing_login_and_unreachable_broker_are_told_apart(self):
        rc, out, err = run([SUB, "--proxy", "socks5h://127.0.0.1:%d" % self.proxy.port, "-p", str(self.broker.port),
                            "-t", "x", "-W", "5"])
        self.assertEqual((rc, out), (1, b""))
        self.assertIn(b"wants a login (socks5h://user:password@host)", err)
        rc, out, err = run([SUB, "--proxy", self.url(self.USER, "p%40ss%3Aw%2Frd"), "-p", str(free_port()),
                            "-t", "x", "-W", "5"])
        self.assertEqual((rc, out), (1, b""))
        self.assertIn(b"could not reach the broker", err)


def _accepting(port):
    import socket
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


if __name__ == "__main__":
    unittest.main()
