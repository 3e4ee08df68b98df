"""Every misuse: one clear line on stderr naming the flag and the problem,
nothing on stdout, a non-zero exit, and never a hang."""

import concurrent.futures
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
import unittest

from harness import SANITIZED, BrokerTestCase, free_port, run, tool, unique, wait_until

PUB = tool("pub")
SUB = tool("sub")


def shown(argv):
    """argv for a failure message, long arguments cut short."""
    return [a if len(a) <= 80 else a[:40] + "...(%d bytes)" % len(a) for a in argv]


class BadInputTest(BrokerTestCase):
    def assert_rejected(self, argv, mentions, input=None, status=1, usage=True):
        rc, out, err = run(argv, input=input, timeout=20)
        lines = err.decode(errors="replace").splitlines()
        self.assertEqual(out, b"", "stdout must stay empty for %s" % shown(argv))
        self.assertEqual(rc, status, "%s: %s" % (shown(argv), err[:500]))
        self.assertTrue(lines, "no message for %s" % shown(argv))
        first = lines[0]
        self.assertTrue(first.startswith(os.path.basename(argv[0]) + ": "), first)
        for word in mentions:
            self.assertIn(word, first)
        if usage:
            self.assertTrue(lines[1].startswith("Usage: "), lines)
            self.assertEqual(len(lines), 3, lines)
        else:
            self.assertEqual(len(lines), 1, lines)
        return first

    def pub(self, *args):
        return [PUB, "-p", str(self.port), *args]

    def sub(self, *args):
        return [SUB, "-p", str(self.port), *args]

    def test_publish_topics(self):
        self.assert_rejected(self.pub("-t", "a/+/b", "-m", "x"), ["-t", "a/+/b", "wildcards"])
        self.assert_rejected(self.pub("-t", "a/#", "-m", "x"), ["-t", "a/#"])
        self.assert_rejected(self.pub("-t", "", "-m", "x"), ["-t", "empty"])
        self.assert_rejected(self.pub("-t", "x" * 65536, "-m", "x"), ["-t", "65536", "65535"])
        self.assert_rejected(self.pub("-m", "x"), ["-t"])

    def test_invalid_utf8_topic_bytes(self):
        # Arguments are bytes on Linux: pass the invalid sequence itself.
        for tool_argv in ([PUB, "-p", str(self.port), "-m", "x", "-t"], [SUB, "-p", str(self.port), "-t"]):
            rc, out, err = run(tool_argv + [b"caf\xe9"], timeout=10)
            self.assertEqual((rc, out), (1, b""))
            self.assertIn(b"-t: the ", err)
            self.assertIn(b"not valid UTF-8", err)

    def test_control_characters_in_topics_are_named(self):
        # libmosquitto refuses them as it refuses malformed UTF-8; the message says which.
        cases = [(b"a\x01b", "U+0001"), (b"tab\there", "U+0009"), (b"esc\x1b[31m", "U+001B"), (b"del\x7f", "U+007F"),
                 (b"c1\xc2\x9b", "U+009B")]
        for tool_argv, kind in (([PUB, "-p", str(self.port), "-m", "x", "-t"], b"topic"),
                                ([SUB, "-p", str(self.port), "-t"], b"filter")):
            for topic, code in cases:
                with self.subTest(tool=tool_argv[0], topic=topic):
                    rc, out, err = run(tool_argv + [topic], timeout=10)
                    self.assertEqual((rc, out), (1, b""))
                    name = os.path.basename(tool_argv[0]).encode()
                    self.assertTrue(err.startswith(b"%s: -t: the %s contains a control character (%s)\n"
                                                   % (name, kind, code.encode())), err)
        rc, _, err = run([PUB, "-p", str(self.port), "-m", "x", "-t", b"x\xef\xbf\xbe"], timeout=10)
        self.assertEqual(rc, 1)
        self.assertIn(b"-t: the topic contains a Unicode non-character (U+FFFE)", err)

    def test_terminal_escapes_never_reach_the_terminal_raw(self):
        # A file name is quoted in the message: its escape sequence is shown, not obeyed.
        rc, out, err = run(self.pub("-t", "a", "-f", b"\x1b]0;title\x07\x1b[2J\xc2\x9b31m-missing"), timeout=10)
        self.assertEqual((rc, out), (1, b""))
        self.assertIn(b"\\x1b]0;title\\x07\\x1b[2J\\xc2\\x9b31m-missing", err)
        for raw in (b"\x1b", b"\x07", b"\xc2\x9b"):
            self.assertNotIn(raw, err)

    def test_property_values_past_16_bits_are_refused(self):
        # MQTT's lengths are 16 bits; libmosquitto cut longer values silently (65,536 bytes went out as none).
        too_long = "v" * 65536
        cases = [
            (["publish", "user-property", "k", too_long], "the value of user-property is 65536 bytes long"),
            (["publish", "user-property", "k" * 70000, "v"], "the name of user-property is 70000 bytes long"),
            (["publish", "content-type", too_long], "the value of content-type is 65536 bytes long"),
            (["publish", "response-topic", too_long], "the value of response-topic is 65536 bytes long"),
            (["publish", "correlation-data", too_long], "the value of correlation-data is 65536 bytes long"),
            (["connect", "user-property", "k", too_long], "the value of user-property is 65536 bytes long"),
        ]
        for words, message in cases:
            with self.subTest(words=words[:2]):
                first = self.assert_rejected(self.pub("-t", "a", "-m", "x", "-V", "5", "-D", *words), ["-D"])
                self.assertIn(message + "; MQTT allows at most 65535", first)
        self.assert_rejected(self.sub("-t", "a", "-V", "5", "-D", "subscribe", "user-property", "k", too_long),
                             ["-D", "the value of user-property is 65536 bytes long"])
        # The longest that fits goes out whole.
        import paho.mqtt.client as mqtt
        from paho.mqtt.subscribeoptions import SubscribeOptions
        topic = self.topic()
        received = []
        client = mqtt.Client(client_id=unique("paho"), protocol=mqtt.MQTTv5)
        client.on_message = lambda c, u, m: received.append(m)
        subscribed = []
        client.on_subscribe = lambda *args: subscribed.append(True)
        client.connect("127.0.0.1", self.port)
        client.loop_start()
        try:
            client.subscribe(topic, options=SubscribeOptions(qos=1))
            wait_until(lambda: subscribed, what="the subscription")
            longest = "w" * 65535
            rc, out, err = run(self.pub("-t", topic, "-m", "x", "-q", "1", "-V", "5", "-D", "publish", "user-property",
                                        "k" * 65535, longest, "-D", "publish", "content-type", longest))
            self.assertEqual((rc, out, err), (0, b"", b""))
            wait_until(lambda: received, what="the message")
        finally:
            client.disconnect()
            client.loop_stop()
        self.assertEqual(received[0].properties.UserProperty, [("k" * 65535, longest)])
        self.assertEqual(received[0].properties.ContentType, longest)

    def test_subscription_filters(self):
        for bad in ("a/#/b", "a/b#", "a+", ""):
            with self.subTest(filter=bad):
                self.assert_rejected(self.sub("-t", bad), ["-t"])
        self.assert_rejected(self.sub("-t", "ok", "-T", "a/#/b"), ["-T", "a/#/b"])
        self.assert_rejected(self.sub("-t", "ok", "-U", "x#"), ["-U", "x#"])
        self.assert_rejected(self.sub("-v"), ["-t", "topic"])

    def test_qos_and_numbers(self):
        for value in ("3", "-1", "abc", "1.5"):
            with self.subTest(qos=value):
                self.assert_rejected(self.pub("-t", "a", "-m", "x", "-q", value), ["qos", value])
                self.assert_rejected(self.sub("-t", "a", "-q", value), ["qos", value])
        self.assert_rejected(self.pub("-t", "a", "-m", "x", "--will-topic", "w", "--will-qos", "5"), ["will-qos"])
        self.assert_rejected(self.sub("-t", "a", "-C", "0"), ["-C"])
        self.assert_rejected(self.sub("-t", "a", "-W", "soon"), ["-W"])
        self.assert_rejected(self.pub("-t", "a", "-m", "x", "-k", "2"), ["keepalive"])
        self.assert_rejected(self.pub("-t", "a", "-m", "x", "--repeat", "0"), ["repeat"])
        self.assert_rejected(self.pub("-t", "a", "-m", "x", "--repeat-delay", "-1"), ["repeat-delay"])
        self.assert_rejected(self.sub("-t", "a", "--random-filter", "0"), ["random-filter", "0.1 to 100"])
        self.assert_rejected(self.sub("-t", "a", "--random-filter", "half"), ["random-filter", "'half' is not a number"])

    def test_ports(self):
        for value in ("0", "65536", "-5", "http"):
            with self.subTest(port=value):
                self.assert_rejected([PUB, "-t", "a", "-m", "x", "-p", value], ["port", value])
        self.assert_rejected([PUB, "-L", "mqtt://h:70000/t", "-m", "x"], ["-L", "port"])

    def test_message_sources(self):
        self.assert_rejected(self.pub("-t", "a"), ["-m", "-f", "-s", "-l", "-n"])
        self.assert_rejected(self.pub("-t", "a", "-m", "x", "-n"), ["only one"])
        self.assert_rejected(self.pub("-t", "a", "-l", "-s"), ["only one"])
        self.assert_rejected(self.pub("-t", "a", "-s"), ["-s", "empty"], input=b"")
        self.assert_rejected(self.pub("-t", "a", "-l", "--repeat", "2"), ["--repeat", "-l"])

    def test_missing_file(self):
        missing = os.path.join(tempfile.gettempdir(), "mqtk-no-such-file")
        self.assert_rejected(self.pub("-t", "a", "-f", missing), ["-f", missing, "No such file"], usage=False)

    def test_directories_where_files_belong(self):
        directory = tempfile.gettempdir()
        self.assert_rejected(self.pub("-t", "a", "-f", directory), ["-f", directory, "Is a directory"], usage=False)
        self.assert_rejected(self.pub("-t", "a", "-m", "x", "-u", "u", "--pw-file", directory),
                             ["--pw-file", "Is a directory"], usage=False)
        stdin_directory = os.open(directory, os.O_RDONLY)  # `mqtk-pub -s < /tmp`
        try:
            rc, out, err = run(self.pub("-t", "a", "-s"), stdin=stdin_directory)
        finally:
            os.close(stdin_directory)
        self.assertEqual((rc, out), (1, b""))
        self.assertIn(b"-s: standard input: cannot read: Is a directory", err)

    def test_unknown_flags_and_arguments(self):
        self.assert_rejected(self.pub("-t", "a", "-m", "x", "--bogus"), ["unknown option", "--bogus"])
        self.assert_rejected(self.sub("-t", "a", "-Z"), ["unknown option", "-Z"])
        self.assert_rejected(self.sub("-t", "a", "stray"), ["unexpected argument", "stray"])
        self.assert_rejected(self.pub("-t", "a", "-m", "x", ""), ["unexpected argument ''"])
        self.assert_rejected(self.pub("-t", "a", "-m", "x", "-F", "%p"), ["-F"])  # a mosquitto_sub-only flag
        self.assert_rejected(self.sub("-t", "a", "-m", "x"), ["-m"])  # a mosquitto_pub-only flag

    @unittest.skipIf(SANITIZED, "the wording of 300 parser messages, the same in every build (the parsing "
                                "itself runs under the sanitizers in the unit tests)")
    def test_no_parser_jargon_for_any_flag(self):
        """Every flag that takes a value, given none or a value that cannot
        be one, in each tool: a message naming the flag in mqtk's words,
        none of the command-line parser's own ("1 required TEXT missing")."""
        jargon = re.compile(r"\bTEXT\b|\bINT\b|\bUINT\b|required|FAILED|->|\[\d+ - \d+\]|Could not convert|"
                            r"Invalid value|\bEXTRA\b")
        cases = []
        for name in ("pub", "sub", "record", "rr"):
            _, help_all, _ = run([tool(name), "--help-all"])
            flags = re.findall(r"^\s+((?:-\w, ?)?--?[\w-]+) ([A-Z{][^\s]*)", help_all.decode(), re.M)
            self.assertGreater(len(flags), 20, name)
            for names, value in flags:
                flag = names.split(",")[0].strip()
                # A value of the wrong kind where the parser checks the kind: numbers and choices.
                checked = value in ("N", "PORT", "SECONDS", "PERCENT") or value.startswith("{")
                cases += [(name, args) for args in (([flag], [flag, "not-a-value"]) if checked else ([flag],))]

        def first_line(case):
            name, args = case
            rc, _, err = run([tool(name), "-t", "a", *args], timeout=60, cwd=scratch,
                             env=dict(os.environ, MQTK_PASSWORD=""))
            return rc, err.decode(errors="replace").splitlines()[0] if err else ""

        with tempfile.TemporaryDirectory() as scratch, concurrent.futures.ThreadPoolExecutor(4) as pool:
            for (name, args), (rc, first) in zip(cases, pool.map(first_line, cases)):
                with self.subTest(tool=name, args=args):
                    self.assertNotEqual(rc, 0, args)
                    self.assertIsNone(jargon.search(first), first)
        self.assertEqual(self.assert_rejected(self.sub("-h"), []),
                         "mqtk-sub: -h/--host: needs a host name (help is --help)")
        self.assertIn("did you mean --help?", self.assert_rejected(self.sub("--hlep"), []))
        self.assertIn("did you mean --pretty?", self.assert_rejected(self.sub("-t", "a", "--pretyy"), []))
        self.assertIn("--color: needs one of auto, always or never, not 'mauve'",
                      self.assert_rejected(self.sub("-t", "a", "--color", "mauve"), []))

    def test_properties(self):
        self.assert_rejected(self.pub("-t", "a", "-m", "x", "-D", "publish", "bogus", "1"), ["-D", "bogus"])
        self.assert_rejected(self.pub("-t", "a", "-m", "x", "-D", "publish", "receive-maximum", "5"),
                             ["-D", "receive-maximum", "publish"])
        self.assert_rejected(self.pub("-t", "a", "-m", "x", "-D", "publish", "user-property", "k"), ["-D"])
        self.assert_rejected(self.pub("-t", "a", "-m", "x", "-D", "connect", "session-expiry-interval", "x"),
                             ["-D", "session-expiry-interval"])
        self.assert_rejected(self.pub("-t", "a", "-m", "x", "-V", "311", "-D", "publish", "content-type", "t"),
                             ["-D", "v5"])

    def test_properties_for_packets_never_sent_are_warned_about(self):
        rc, out, err = run(self.sub("-t", self.topic(), "-E", "-D", "publish", "content-type", "t"))
        self.assertEqual((rc, out), (0, b""))
        self.assertEqual(err, b"mqtk-sub: warning: -D publish: mqtk-sub publishes only with --remove-retained; "
                              b"ignored\n")
        rc, out, err = run(self.pub("-t", self.topic(), "-m", "x", "-D", "subscribe", "subscription-identifier", "1"))
        self.assertEqual((rc, out), (0, b""))
        self.assertEqual(err, b"mqtk-pub: warning: -D subscribe: mqtk-pub sends no subscribe packets; ignored\n")

    def test_identity_and_session(self):
        self.assert_rejected(self.pub("-t", "a", "-m", "x", "-i", "a", "-I", "b"), ["-i", "-I"])
        self.assert_rejected(self.sub("-t", "a", "-c"), ["-c", "client id"])
        self.assert_rejected(self.sub("-t", "a", "-c", "-V", "5"), ["client id"])
        self.assert_rejected(self.sub("-t", "a", "-x", "-7"), ["-x"])
        self.assert_rejected(self.sub("-t", "a", "-V", "4"), ["-V", "'4'"])
        self.assert_rejected(self.pub("-t", "a", "-m", "x", "--will-payload", "p"), ["--will-payload", "--will-topic"])
        self.assert_rejected(self.pub("-t", "a", "-m", "x", "--will-topic", "w/#"), ["--will-topic", "w/#"])
        self.assert_rejected(self.sub("-t", "a", "-R", "--retained-only"), ["-R", "--retained-only"])

    def test_urls(self):
        self.assert_rejected([PUB, "-L", "http://127.0.0.1/t", "-m", "x"], ["-L", "scheme"])
        self.assert_rejected([PUB, "-L", "mqtt://127.0.0.1", "-m", "x"], ["-L", "topic"])
        self.assert_rejected([PUB, "-L", "mqtt://127.0.0.1/a", "-t", "b", "-m", "x"], ["-t", "-L"])

    def test_tls_and_proxy_mistakes(self):
        self.assert_rejected(self.sub("-t", "a", "--insecure"), ["--insecure", "needs TLS"])
        self.assert_rejected(self.pub("-t", "a", "-m", "x", "--cert", "c.pem"), ["--cert"])
        self.assert_rejected(self.pub("-t", "a", "-m", "x", "--cafile", "ca", "--key", "k.pem"), ["--key", "--cert"])
        self.assert_rejected(self.pub("-t", "a", "-m", "x", "--psk", "00"), ["--psk", "--psk-identity"])
        self.assert_rejected(self.pub("-t", "a", "-m", "x", "--cafile", "ca", "--psk", "00", "--psk-identity", "i"),
                             ["--psk", "--cafile"])
        self.assert_rejected(self.pub("-t", "a", "-m", "x", "--cafile", "ca", "--tls-version", "ssl3"),
                             ["--tls-version", "ssl3"])
        self.assert_rejected(self.sub("-t", "a", "--proxy", "http://127.0.0.1"), ["--proxy", "socks5h"])
        self.assert_rejected(self.sub("-t", "a", "--proxy", "socks5h://127.0.0.1:0"), ["--proxy", "port"])
        missing = os.path.join(tempfile.gettempdir(), "mqtk-no-such-ca.pem")
        self.assert_rejected(self.pub("-t", "a", "-m", "x", "--cafile", missing), ["--cafile", missing], usage=False)

    def test_options_file_mistakes_name_the_file(self):
        with tempfile.TemporaryDirectory() as config:
            os.makedirs(os.path.join(config, "mqtk"))
            path = os.path.join(config, "mqtk", "sub")
            with open(path, "w") as f:
                f.write("-q 7\n")
            env = dict(os.environ, XDG_CONFIG_HOME=config)
            rc, out, err = run(self.sub("-t", "a"), env=env)
            self.assertEqual((rc, out), (1, b""))
            self.assertTrue(err.decode().startswith("mqtk-sub: %s: " % path), err)


class MissingLibraryTest(BrokerTestCase):
    """zlib, libzstd, libcurl, libjq and mqtk-protobuf.so (with libprotobuf)
    are loaded by the runs that need them (lib/mqtk/base/shared_library.hpp):
    when one cannot be loaded, those runs fail at once, naming it, and the
    others do not notice. A broken copy first on LD_LIBRARY_PATH stands in
    for a missing one."""

    def setUp(self):
        super().setUp()
        self.directory = tempfile.mkdtemp(prefix="mqtk-missing-lib-")
        self.addCleanup(shutil.rmtree, self.directory, ignore_errors=True)
        broken = os.path.join(self.directory, "broken")
        os.mkdir(broken)
        for name in ("libz.so.1", "libzstd.so.1", "libcurl.so.4", "libjq.so.1", "libprotobuf.so.32"):
            open(os.path.join(broken, name), "w").close()
        self.state = os.path.join(self.directory, "state")
        self.env = dict(os.environ, LD_LIBRARY_PATH=broken, XDG_STATE_HOME=self.state)

    def assert_names_library(self, argv, library, purpose):
        started = time.monotonic()
        rc, out, err = run(argv, timeout=20, env=self.env, cwd=self.directory)
        self.assertLess(time.monotonic() - started, 15, "not at once")
        lines = err.decode(errors="replace").splitlines()
        self.assertEqual((rc, out), (1, b""), err)
        self.assertEqual(len(lines), 1, lines)
        # `library` as named, or a path that ends with it.
        self.assertRegex(lines[0], r"^%s: %s needs (\S*/)?%s \(" % (os.path.basename(argv[0]), re.escape(purpose),
                                                                    re.escape(library)))
        # Before anything was set up: no recording state, no output file.
        self.assertFalse(os.path.exists(self.state) and os.listdir(self.state), "state left behind")
        self.assertFalse([name for name in os.listdir(self.directory) if name.startswith("r.jsonl-")
                          or name in ("r.jsonl", "spool")], os.listdir(self.directory))

    def write_compressed(self, name, command):
        path = os.path.join(self.directory, name)
        record = b'{"topic":"a/b","payload":"x"}\n'
        with open(path, "wb") as f:
            f.write(subprocess.run(command, input=record, stdout=subprocess.PIPE, check=True).stdout)
        return path

    def test_replaying_a_compressed_recording(self):
        for name, command, library in (("r.jsonl.gz", ["gzip", "-c"], "libz.so.1"),
                                       ("r.jsonl.zst", ["zstd", "-q", "-c"], "libzstd.so.1")):
            path = self.write_compressed(name, command)
            self.assert_names_library([PUB, "-p", str(self.port), "--replay", path], library,
                                      "a %s file" % name[name.rindex("."):])

    def test_recording_into_influxdb(self):
        self.assert_names_library([tool("record"), "-p", str(self.port), "-t", "a/#", "-o", "r.jsonl", "--spool",
                                   "spool", "--influx", "http://127.0.0.1:%d" % free_port(), "--influx-db", "x"],
                                  "libcurl.so.4", "--influx")

    def test_recording_with_compression(self):
        # At the start, not at the first finished file.
        for method, suffix, library in (("gzip", ".gz", "libz.so.1"), ("zstd", ".zst", "libzstd.so.1")):
            self.assert_names_library([tool("record"), "-p", str(self.port), "-t", "a/#", "-o", "r.jsonl", "--rotate",
                                       "1s", "--compress", method], library, "a %s file" % suffix)

    def test_jq_programs(self):
        self.assert_names_library([SUB, "-p", str(self.port), "-t", "a/#", "--jq", ".payload"], "libjq.so.1", "--jq")

    def test_protobuf_and_sparkplug_decoding(self):
        # The module, found beside the tool, cannot load libprotobuf: named
        # with what needed it, before anything was set up.
        why = "--decode protobuf and sparkplug"
        with open(os.path.join(self.directory, "m.proto"), "w") as f:
            f.write('syntax = "proto3"; package p; message M { int32 x = 1; }\n')
        for spec in ("sparkplug", "protobuf:m.proto:p.M"):
            self.assert_names_library([SUB, "-p", str(self.port), "-t", "a/#", "--decode", spec],
                                      "mqtk/mqtk-protobuf.so", why)
            self.assert_names_library([tool("record"), "-p", str(self.port), "-t", "a/#", "-o", "r.jsonl",
                                       "--decode", spec], "mqtk/mqtk-protobuf.so", why)

    def test_runs_that_need_none_of_them(self):
        topic = unique("t")
        rc, out, err = run([PUB, "-p", str(self.port), "-t", topic, "-m", "x", "-q", "1", "-r"], timeout=20,
                           env=self.env)
        self.assertEqual((rc, out, err), (0, b"", b""))
        rc, out, err = run([SUB, "-p", str(self.port), "-t", topic, "-C", "1", "-F", "%j"], timeout=20, env=self.env)
        self.assertEqual((rc, err), (0, b""))
        self.assertIn(b'"payload":"x"', out)
        for name in ("record", "rr", "top"):
            rc, out, err = run([tool(name), "--version"], timeout=20, env=self.env)
            self.assertEqual((rc, err), (0, b""), name)


class UnreachableTest(unittest.TestCase):
    """Connection failures end within the connect timeout, with a clear line."""

    def assert_fails(self, argv, mention, within):
        started = time.monotonic()
        rc, out, err = run(argv, timeout=within + 10)
        self.assertLess(time.monotonic() - started, within)
        self.assertEqual((rc, out), (1, b""))
        lines = err.decode().splitlines()
        self.assertEqual(len(lines), 1, lines)
        self.assertIn(mention, lines[0])

    def test_refused_port(self):
        port = free_port()
        for argv in ([PUB, "-t", "a", "-m", "x"], [SUB, "-t", "a"]):
            self.assert_fails(argv + ["-h", "127.0.0.1", "-p", str(port)], "Connection refused", within=5)
            reference = run([argv[0].replace(os.path.dirname(argv[0]) + "/mqtk-", "mosquitto_")] + argv[1:] +
                            ["-h", "127.0.0.1", "-p", str(port)], timeout=10)
            self.assertEqual(reference[0], 1)

    def test_unresolvable_host(self):
        # A name the resolver rejects without asking any DNS server.
        self.assert_fails([PUB, "-h", "no!such!host", "-t", "a", "-m", "x"], "no!such!host", within=5)
        self.assert_fails([SUB, "-h", "no!such!host", "-t", "a"], "cannot connect", within=5)

    def test_silent_server_times_out(self):
        # A listener that accepts TCP but never answers MQTT.
        with socket.socket() as server:
            server.bind(("127.0.0.1", 0))
            server.listen(8)
            port = server.getsockname()[1]
            for argv in ([PUB, "-t", "a", "-m", "x"], [SUB, "-t", "a"]):
                self.assert_fails(argv + ["-h", "127.0.0.1", "-p", str(port), "--connect-timeout", "1"],
                                  "no answer within 1 s", within=4)

    def test_quiet_suppresses_runtime_errors(self):
        rc, out, err = run([PUB, "-h", "127.0.0.1", "-p", str(free_port()), "-t", "a", "-m", "x", "--quiet"])
        self.assertEqual((rc, out, err), (1, b"", b""))


if __name__ == "__main__":
    unittest.main()
