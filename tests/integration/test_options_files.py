"""Options files: mosquitto's per-user files (~/.config/mosquitto_pub and its
siblings) read by mqtk's tools as mosquitto's clients read them, side by side
with Debian's mosquitto_pub and mosquitto_sub on the same file."""

import os
import tempfile
import unittest

from harness import BrokerTestCase, run, subscriber, tool

PUB = tool("pub")
SUB = tool("sub")


def write(path, text, mode=0o600):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, mode)


def environment(xdg=None, home=None):
    """The environment with XDG_CONFIG_HOME and HOME as given (None: unset)."""
    env = {k: v for k, v in os.environ.items() if k not in ("XDG_CONFIG_HOME", "HOME")}
    if xdg is not None:
        env["XDG_CONFIG_HOME"] = xdg
    if home is not None:
        env["HOME"] = home
    return env


class OptionsFileTestCase(BrokerTestCase):
    """A scratch XDG_CONFIG_HOME and HOME, and a path for a file to name."""

    def setUp(self):
        self.directory = tempfile.TemporaryDirectory(prefix="mqtk-options-")
        self.xdg = os.path.join(self.directory.name, "xdg")
        self.home = os.path.join(self.directory.name, "home")
        self.named = os.path.join(self.directory.name, "named")
        os.makedirs(self.xdg)
        os.makedirs(self.home)

    def tearDown(self):
        self.directory.cleanup()


class MosquittoOptionsFileTest(OptionsFileTestCase):

    def publish_both(self, topic, env, argv=()):
        """mqtk-pub and then mosquitto_pub with `argv` and `env`; what a
        subscriber to `topic` received from them (-F '%q %p')."""
        with subscriber(self.broker, "mosquitto_sub", [topic], extra=["-C", "2", "-W", "20", "-q", "2", "-F", "%q %p"]) as sub:
            for client in (PUB, "mosquitto_pub"):
                rc, out, err = run([client, "-p", str(self.port), "-q", "1", *argv], env=env)
                self.assertEqual((rc, out, err), (0, b"", b""), client)
            rc, received, _ = sub.finish()
        self.assertEqual(rc, 0)
        return received

    def test_xdg_config_home(self):
        t = self.topic()
        write(os.path.join(self.xdg, "mosquitto_pub"), "# mosquitto's defaults\n-t %s\n-m a message # kept\n" % t)
        received = self.publish_both(t, environment(xdg=self.xdg, home=self.home))
        self.assertEqual(received, b"1 a message # kept\n" * 2)

    def test_home_when_xdg_config_home_is_unset(self):
        t = self.topic()
        write(os.path.join(self.home, ".config", "mosquitto_pub"), "-t %s\n-m from home\n" % t)
        self.assertEqual(self.publish_both(t, environment(home=self.home)), b"1 from home\n" * 2)

    def test_home_not_looked_at_when_xdg_config_home_is_set(self):
        write(os.path.join(self.home, ".config", "mosquitto_pub"), "-t %s\n-m from home\n" % self.topic())
        env = environment(xdg=self.xdg, home=self.home)
        for client in (PUB, "mosquitto_pub"):
            rc, _, err = run([client, "-p", str(self.port)], env=env)
            self.assertEqual(rc, 1, client)  # no topic: the file under HOME was not read
            self.assertIn(b"topic", err)

    def test_mqtk_file_wins_and_is_read_alone(self):
        t = self.topic()
        write(os.path.join(self.xdg, "mosquitto_pub"), "-t %s\n-m from mosquitto's file\n-r\n" % t)
        write(os.path.join(self.xdg, "mqtk", "pub"), "-t %s\n-m from mqtk's file\n" % t)
        env = environment(xdg=self.xdg, home=self.home)
        with subscriber(self.broker, "mosquitto_sub", [t], extra=["-C", "1", "-W", "20", "-F", "%r %p"]) as sub:
            self.assertEqual(run([PUB, "-p", str(self.port)], env=env)[0], 0)
            self.assertEqual(sub.finish()[1], b"0 from mqtk's file\n")  # not retained: -r was not read

    def test_sub_reads_mosquitto_sub(self):
        t = self.topic()
        write(os.path.join(self.xdg, "mosquitto_sub"), "-t %s\n-C 1\n-v\n" % t)
        env = environment(xdg=self.xdg, home=self.home)
        run(["mosquitto_pub", "-p", str(self.port), "-t", t, "-m", "kept", "-r", "-q", "1"])
        try:
            for client in (SUB, "mosquitto_sub"):
                rc, out, err = run([client, "-p", str(self.port), "-W", "20"], env=env)
                self.assertEqual((rc, out, err), (0, t.encode() + b" kept\n", b""), client)
        finally:
            run(["mosquitto_pub", "-p", str(self.port), "-t", t, "-n", "-r"])

    def test_same_permission_checks(self):
        write(os.path.join(self.xdg, "mosquitto_pub"), "-t a\n-m b\n", mode=0o666)
        rc, out, err = run([PUB, "-p", str(self.port)], env=environment(xdg=self.xdg, home=self.home))
        self.assertEqual((rc, out), (1, b""))
        self.assertIn("mosquitto_pub: other users can write it (mode 0666)", err.decode())


class NamedOptionsFileTest(OptionsFileTestCase):
    """-o FILE (mosquitto 2.1): that file instead of the per-user one."""

    def test_named_file_replaces_the_default_one_and_the_command_line_wins(self):
        t = self.topic()
        write(os.path.join(self.xdg, "mqtk", "pub"), "-r\n-t %s\n" % t)
        write(self.named, "-t %s\n-m from -o # kept\n-q 2\n" % t)
        env = environment(xdg=self.xdg)
        with subscriber(self.broker, "mosquitto_sub", [t], extra=["-C", "2", "-W", "20", "-q", "2", "-F", "%r %q %p"]) as sub:
            rc, out, err = run([PUB, "-p", str(self.port), "-o", self.named, "-q", "1"], env=env)
            self.assertEqual((rc, out, err), (0, b"", b""))
            rc, out, err = run([PUB, "--options-file", self.named, "-p", str(self.port), "-m", "second"], env=env)
            self.assertEqual((rc, out, err), (0, b"", b""))
            self.assertEqual(sub.finish()[1], b"0 1 from -o # kept\n0 2 second\n")

    def test_sub_and_record(self):
        t = self.topic()
        write(self.named, "-t %s\n-C 1\n" % t)
        run(["mosquitto_pub", "-p", str(self.port), "-t", t, "-m", "kept", "-r", "-q", "1"])
        try:
            rc, out, err = run([SUB, "-p", str(self.port), "-o", self.named, "-W", "20", "-v"])
            self.assertEqual((rc, out, err), (0, t.encode() + b" kept\n", b""))
        finally:
            run(["mosquitto_pub", "-p", str(self.port), "-t", t, "-n", "-r"])
        # mqtk-record's -o is its output; the options file has the long form alone.
        write(self.named, "--no-such-flag\n")
        rc, out, err = run([tool("record"), "--options-file", self.named, "-t", t, "-o", "-"])
        self.assertEqual((rc, out), (1, b""))
        self.assertIn(self.named + ": unknown option '--no-such-flag'", err.decode())
        rc, out, _ = run([tool("record"), "--help-all"])
        self.assertIn("  --options-file FILE", out.decode())

    def test_mistakes(self):
        write(self.named, "-t a\n")
        nested = os.path.join(self.directory.name, "nested")
        write(nested, "-o %s\n" % self.named)
        cases = [
            ([PUB, "-o", self.named + ".missing", "-m", "x"], "options file %s.missing: no such file" % self.named),
            ([PUB, "-o", self.named, "-o", self.named, "-m", "x"], "one options file"),
            ([PUB, "-o", nested, "-m", "x"], nested + ": an options file is named on the command line"),
            ([PUB, "-m", "x", "-o"], "-o"),
        ]
        for argv, message in cases:
            rc, out, err = run(argv, env=environment(xdg=self.xdg))
            self.assertEqual((rc, out), (1, b""), argv)
            self.assertIn(message, err.decode(), argv)
        os.chmod(self.named, 0o622)
        rc, _, err = run([PUB, "-o", self.named, "-m", "x"])
        self.assertEqual(rc, 1)
        self.assertIn("other users can write it", err.decode())


if __name__ == "__main__":
    unittest.main()
