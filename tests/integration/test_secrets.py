"""Secrets stay out of other users' sight: out of ps for every spelling of
every secret-bearing flag in every tool, out of options files others can
read or write, and out of core dumps and /proc/PID/environ.

Each tool is started against a loopback listener that never answers: once it
connects, it has parsed its flags, so what /proc/PID/cmdline shows then is
what ps shows for the rest of the run."""

import contextlib
import errno
import os
import pty
import select
import signal
import socket
import subprocess
import tempfile
import termios
import time
import unittest

from harness import ScratchDirectory, free_port, run, tool, wait_until

SECRET = "Wonder1andPw"  # a word no tool writes by itself
TOOLS = ("pub", "sub", "record", "rr")
NOBODY = 65534


def tool_argv(name, *flags, topic=True):
    """The tool with what it needs besides the connection flags."""
    needs = {"pub": ["-m", "x"], "sub": [], "record": ["-o", "-"], "rr": ["-e", "secret/r", "-m", "x"]}[name]
    return [tool(name), *needs, *(["-t", "secret/t"] if topic else []), *flags]


@contextlib.contextmanager
def listening():
    """A loopback listener that accepts and never answers; yields (socket, port)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        s.listen(16)
        yield s, s.getsockname()[1]


@contextlib.contextmanager
def started(argv, **popen_args):
    process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, **popen_args)
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()
        process.stderr.close()


def connected(listener, process):
    """Waits until `process` connects to `listener` (it has parsed its flags
    by then); returns the accepted socket. Fails at once if it exits."""
    listener.settimeout(0.05)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            connection, _ = listener.accept()
            return connection
        except socket.timeout:
            if process.poll() is not None:
                break
    process.kill()
    process.wait()
    raise AssertionError("%s never connected; status %s, stderr: %s" % (process.args, process.returncode,
                                                                        process.stderr.read()))


def as_nobody():
    """Popen arguments that run a tool as user nobody, for a test run as root;
    a SkipTest when nobody cannot run the built tools (a private build tree)."""
    popen_args = dict(user=NOBODY, group=NOBODY, extra_groups=[])
    try:
        rc, _, _ = run([tool("sub"), "--version"], env=dict(os.environ, XDG_CONFIG_HOME="/nonexistent"),
                       **popen_args)
    except PermissionError:
        rc = None
    if rc != 0:
        raise unittest.SkipTest("user nobody cannot run %s" % tool("sub"))
    return popen_args


def proc(pid, name):
    with open("/proc/%d/%s" % (pid, name), "rb") as f:
        return f.read()


def config_home(directory, name, text, mode):
    """An options file for tool `name` under `directory`, as XDG_CONFIG_HOME."""
    os.makedirs(os.path.join(directory, "mqtk"), exist_ok=True)
    path = os.path.join(directory, "mqtk", name)
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, mode)
    return path


# Every way CLI11 lets a user give a password, a PSK, the engine's key password
# or a URL with a password. {port} is the silent listener's; {secret} the
# secret; a case with a URL names the topic there.
PASSWORD_SPELLINGS = [
    ["-P", "{secret}"],
    ["-P{secret}"],
    ["--pw", "{secret}"],
    ["--pw={secret}"],
    ["-dP{secret}"],                # -d, then -P with the rest of the word
    ["-dP", "{secret}"],
    ["-i", "id", "-cdP{secret}"],
    ["-P={secret}"],                # CLI11 reads the password "={secret}"
    ["-P", "-9{secret}"],           # -9 is no flag: CLI11 takes it as the value
    ["--pw", "-9{secret}"],
    ["--pw=", "{secret}"],          # CLI11: an empty --pw= takes the next word
    ["-P", "first{secret}", "-P", "{secret}"],
    ["--pw={secret}", "-P", "{secret}2"],
]
URL_SPELLINGS = [
    ["-L", "mqtt://alice:{secret}@127.0.0.1:{port}/secret/t"],
    ["-Lmqtt://alice:{secret}@127.0.0.1:{port}/secret/t"],
    ["--url", "mqtt://alice:{secret}@127.0.0.1:{port}/secret/t"],
    ["--url=mqtt://alice:{secret}@127.0.0.1:{port}/secret/t"],
    ["-dLmqtt://alice:{secret}@127.0.0.1:{port}/secret/t"],
    ["-dL", "mqtt://alice:{secret}@127.0.0.1:{port}/secret/t"],
    ["-L", "MQTT://alice:{secret}@127.0.0.1:{port}/secret/t"],
    ["-L", "mqtt://alice:{secret}:more@127.0.0.1:{port}/secret/t"],
]
PROXY_SPELLINGS = [
    ["--proxy", "socks5h://bob:{secret}@127.0.0.1:{port}"],
    ["--proxy=socks5h://bob:{secret}@127.0.0.1:{port}"],
    ["--proxy", "socks5h://bob:pa/{secret}@127.0.0.1:{port}"],  # no path in a proxy URL: '/' is the password's
    ["--proxy", "socks5h://bob:{secret}%40x@127.0.0.1:{port}"],
]
PSK_SPELLINGS = [
    ["--psk", "{secret}", "--psk-identity", "i"],
    ["--psk={secret}", "--psk-identity", "i"],
]
AUTHENTICATION_SPELLINGS = [
    ["-D", "connect", "authentication-data", "{secret}"],
    ["--property", "connect", "authentication-data", "{secret}"],
    ["-dD", "connect", "authentication-data", "{secret}"],
]
KPASS_SPELLINGS = [
    ["--tls-engine-kpass-sha1", "{secret}"],
    ["--tls-engine-kpass-sha1={secret}"],
]
PSK_HEX = "0123456789abcdef0123"  # a PSK is hexadecimal


def fill(words, port, secret=SECRET):
    return [w.format(port=port, secret=secret) for w in words]


class CommandLineTest(unittest.TestCase):
    """/proc/PID/cmdline (what ps shows) of a running tool holds no secret."""

    def assert_hidden(self, name, words, secret=SECRET, host_flags=True, topic=True):
        with listening() as (listener, port):
            flags = fill(words, port, secret)
            if host_flags:
                flags = ["-h", "127.0.0.1", "-p", str(port)] + flags
            argv = tool_argv(name, *flags, topic=topic)
            with started(argv) as process:
                with connected(listener, process):
                    cmdline = proc(process.pid, "cmdline")
                    self.assertIsNone(process.poll())
            self.assertNotIn(secret.encode(), cmdline, argv)
            self.assertIn(b"127.0.0.1", cmdline)  # the rest is left alone
            self.assertEqual(cmdline.count(b"\0"), len(argv), "the arguments keep their places")
            return cmdline

    def test_passwords(self):
        for name in TOOLS:
            for words in PASSWORD_SPELLINGS:
                with self.subTest(tool=name, flags=words):
                    self.assert_hidden(name, ["-u", "alice", *words])

    def test_passwords_in_urls(self):
        for name in TOOLS:
            for words in URL_SPELLINGS:
                with self.subTest(tool=name, flags=words):
                    cmdline = self.assert_hidden(name, words, host_flags=False, topic=False)
                    self.assertIn(b"alice:", cmdline)  # only the password goes

    def test_passwords_in_proxy_urls(self):
        for name in TOOLS:
            for words in PROXY_SPELLINGS:
                with self.subTest(tool=name, flags=words):
                    # The proxy is the listener; the broker behind it is never reached.
                    with listening() as (listener, port):
                        argv = tool_argv(name, "-h", "127.0.0.1", "-p", str(free_port()), *fill(words, port))
                        with started(argv) as process:
                            with connected(listener, process):
                                cmdline = proc(process.pid, "cmdline")
                        self.assertNotIn(SECRET.encode(), cmdline, argv)
                        self.assertIn(b"socks5h://bob:", cmdline)

    def test_pre_shared_keys(self):
        for name in TOOLS:
            for words in PSK_SPELLINGS:
                with self.subTest(tool=name, flags=words):
                    self.assert_hidden(name, words, secret=PSK_HEX)

    def test_authentication_data(self):
        for name in TOOLS:
            for words in AUTHENTICATION_SPELLINGS:
                with self.subTest(tool=name, flags=words):
                    self.assert_hidden(name, ["-D", "connect", "authentication-method", "m", *words])

    def test_engine_key_passwords(self):
        # No engine can load a key here, so the tool never connects: it is
        # held instead where it reads --pw-file, a FIFO, after parsing.
        for name in TOOLS:
            for words in KPASS_SPELLINGS:
                with self.subTest(tool=name, flags=words), tempfile.TemporaryDirectory() as directory:
                    fifo = os.path.join(directory, "pw")
                    os.mkfifo(fifo)
                    argv = tool_argv(name, "-h", "127.0.0.1", "-u", "alice", "--pw-file", fifo,
                                     "--cafile", os.path.join(directory, "ca.pem"), "--tls-engine", "dynamic",
                                     "--keyform", "engine", "--key", "k", *fill(words, 0))
                    with started(argv) as process:
                        writer = self.open_when_read(fifo, process)
                        cmdline = proc(process.pid, "cmdline")
                        self.assertIsNone(process.poll())
                        os.write(writer, b"pw\n")
                        os.close(writer)
                        self.assertEqual(process.wait(timeout=20), 1)  # the engine cannot load the key
                    self.assertNotIn(SECRET.encode(), cmdline, argv)
                    self.assertIn(b"--tls-engine-kpass-sha1", cmdline)

    def open_when_read(self, fifo, process):
        """The FIFO's write end, once `process` has opened it to read."""
        writer = []

        def opened():
            self.assertIsNone(process.poll(), process.stderr.read() if process.poll() is not None else "")
            try:
                writer.append(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
                return True
            except OSError as e:
                if e.errno != errno.ENXIO:  # no reader yet
                    raise
                return False

        wait_until(opened, timeout=20, what="%s to open %s" % (process.args[0], fifo))
        return writer[0]

    def test_a_password_flag_without_a_value_asks(self):
        # Whenever CLI11 gives -P no value; without a terminal, asking fails.
        for words in (["-P"], ["--pw"], ["-dP"], ["-P", "-d"], ["-P", "--"], ["-P", "-9x", "-P"]):
            with self.subTest(flags=words):
                rc, out, err = run(tool_argv("sub", "-h", "127.0.0.1", "-p", str(free_port()), "-u", "alice", *words),
                                   start_new_session=True, timeout=20)
                self.assertEqual((rc, out), (1, b""))
                self.assertIn(b"no terminal to ask on", err)

    def test_an_empty_value_is_an_empty_password_not_a_question(self):
        # As in mosquitto_sub: -P "" connects with a password of no bytes.
        for words in (["-P", ""], ["--pw", ""]):
            with self.subTest(flags=words), listening() as (listener, port), \
                    started(tool_argv("sub", "-h", "127.0.0.1", "-p", str(port), "-t", "a", "-u", "alice", *words),
                            start_new_session=True) as process:
                with connected(listener, process) as connection:
                    connection.settimeout(20)
                    packet = b""
                    while not packet.endswith(b"\x00\x05alice\x00\x00"):  # the user name, then an empty password
                        chunk = connection.recv(4096)
                        self.assertTrue(chunk, "CONNECT so far: %r" % packet)
                        packet += chunk
                        self.assertLess(len(packet), 200, packet)

    def prompted(self, port):
        """mqtk-sub asking for -P's password on a pseudo-terminal of its own;
        returns (pid, terminal) once the prompt shows with echo off."""
        pid, terminal = pty.fork()
        if pid == 0:
            argv = tool_argv("sub", "-h", "127.0.0.1", "-p", str(port), "-u", "alice", "-P")
            os.execv(argv[0], argv)
        seen = b""
        deadline = time.monotonic() + 20
        while not seen.endswith(b"Password: ") and time.monotonic() < deadline:
            if select.select([terminal], [], [], 0.1)[0]:
                seen += os.read(terminal, 1024)
        self.assertTrue(seen.endswith(b"Password: "), seen)
        self.assertFalse(termios.tcgetattr(terminal)[3] & termios.ECHO, "echo is off while the password is typed")
        return pid, terminal

    def test_the_password_prompt_reads_the_terminal_without_echo(self):
        with listening() as (listener, port):
            pid, terminal = self.prompted(port)
            try:
                os.write(terminal, SECRET.encode() + b"\n")
                listener.settimeout(20)
                connection, _ = listener.accept()
                with connection:
                    connection.settimeout(20)
                    packet = b""
                    while SECRET.encode() not in packet:
                        chunk = connection.recv(4096)
                        self.assertTrue(chunk, "the CONNECT packet carries the password typed")
                        packet += chunk
                    self.assertIn(b"alice", packet)
                    self.assertTrue(termios.tcgetattr(terminal)[3] & termios.ECHO, "echo is back on")
            finally:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                os.close(terminal)

    def test_ctrl_c_at_the_password_prompt_ends_the_tool_with_echo_back_on(self):
        with listening() as (_, port):
            pid, terminal = self.prompted(port)
            try:
                os.write(terminal, b"\x03")  # Ctrl-C: the terminal sends SIGINT
                ended = []
                wait_until(lambda: ended.append(os.waitpid(pid, os.WNOHANG)) or ended[-1][0] == pid, timeout=20,
                           what="mqtk-sub to end after Ctrl-C at the password prompt")
                self.assertEqual(os.waitstatus_to_exitcode(ended[-1][1]), 130)
                output = b""
                with contextlib.suppress(OSError):  # EIO once the terminal's last user is gone
                    while select.select([terminal], [], [], 1)[0]:
                        chunk = os.read(terminal, 1024)
                        if not chunk:
                            break
                        output += chunk
                self.assertIn(b"mqtk-sub: interrupted at the password prompt", output)
            finally:
                with contextlib.suppress(ProcessLookupError, ChildProcessError):
                    os.kill(pid, signal.SIGKILL)
                    os.waitpid(pid, 0)
                os.close(terminal)

    def test_values_after_a_double_dash_are_refused_at_once(self):
        # After "--" CLI11 takes every word as an argument, and no tool takes
        # any: it exits before connecting, so nothing lingers in ps.
        for name in TOOLS:
            with self.subTest(tool=name):
                rc, out, err = run(tool_argv(name, "-h", "127.0.0.1", "-p", str(free_port()), "--", "-P", SECRET))
                self.assertEqual((rc, out), (1, b""))
                self.assertIn(b"unknown option '--'", err)
                self.assertNotIn(SECRET.encode(), err)


class OptionsFileTest(ScratchDirectory, unittest.TestCase):
    """Options files: private when they hold secrets, writable by us alone,
    owned by us or root, and regular files."""

    def run_tool(self, name, text, mode, *flags, **popen_args):
        config_home(self.directory, name, text, mode)
        env = dict(os.environ, XDG_CONFIG_HOME=self.directory)
        return run([tool(name), "--help", *flags], env=env, timeout=20, **popen_args)

    def assert_refused(self, result, *words):
        rc, out, err = result
        self.assertEqual((rc, out), (1, b""), err)
        line = err.decode().splitlines()[0]
        for word in words:
            self.assertIn(word, line)
        self.assertNotIn(SECRET, err.decode())
        return line

    SECRET_LINES = [
        "-P {secret}", "-P{secret}", "--pw {secret}", "--pw={secret}", "-dP{secret}", "-P -9{secret}",
        "-L mqtt://alice:{secret}@h/t", "-Lmqtt://alice:{secret}@h/t", "--url mqtt://alice:{secret}@h/t",
        "--url=mqtt://alice:{secret}@h/t", "--proxy socks5h://bob:{secret}@h", "--proxy=socks5h://bob:{secret}@h",
        "--psk {secret}", "--psk={secret}", "--tls-engine-kpass-sha1 {secret}",
        "--tls-engine-kpass-sha1={secret}", "-D connect authentication-data {secret}",
    ]

    def test_secrets_need_a_private_file(self):
        # Each line with one of the readable modes, turn about, so that every
        # tool meets every mode and every line meets every mode (a start under
        # the sanitizers costs a quarter of a second).
        readable_modes = (0o644, 0o640, 0o604)
        for tool_number, name in enumerate(TOOLS):
            for line_number, line in enumerate(self.SECRET_LINES):
                text = "-u alice\n" + line.format(secret=SECRET) + "\n"
                mode = readable_modes[(tool_number + line_number) % len(readable_modes)]
                with self.subTest(tool=name, line=line, mode=oct(mode)):
                    path = os.path.join(self.directory, "mqtk", name)
                    self.assert_refused(self.run_tool(name, text, mode), path, "other users can read it",
                                        "(mode 0%o)" % mode, "run chmod 600 " + path)
                with self.subTest(tool=name, line=line, mode="0600"):
                    rc, out, err = self.run_tool(name, text, 0o600)
                    self.assertEqual(rc, 0, err)

    def test_no_secret_no_private_file_needed(self):
        for text in ("-u alice\n-h broker\n", "-L mqtt://alice@h/t\n", "--proxy socks5h://bob@h\n", "-P\n"):
            with self.subTest(text=text):
                rc, _, err = self.run_tool("sub", text, 0o644)
                self.assertEqual(rc, 0, err)

    def test_others_must_not_write_it(self):
        for name in TOOLS:
            for mode in (0o602, 0o620, 0o622, 0o666, 0o660):
                with self.subTest(tool=name, mode=oct(mode)):
                    path = os.path.join(self.directory, "mqtk", name)
                    self.assert_refused(self.run_tool(name, "-h 127.0.0.1\n", mode), path, "other users can write it",
                                        "(mode 0%o)" % mode, "run chmod 600 " + path)

    def test_owned_by_us_or_root(self):
        if os.geteuid() != 0:
            self.skipTest("needs root to give a file away")
        path = config_home(self.directory, "sub", "-h 127.0.0.1\n", 0o644)
        os.chown(path, NOBODY, NOBODY)
        env = dict(os.environ, XDG_CONFIG_HOME=self.directory)
        self.assert_refused(run([tool("sub"), "--help"], env=env), path, "owned by uid %d" % NOBODY,
                            "chown 0 " + path)
        # Someone else's file is fine when root owns it.
        os.chown(path, 0, 0)
        os.chmod(self.directory, 0o755)
        rc, _, err = run([tool("sub"), "--help"], env=env, **as_nobody())
        self.assertEqual(rc, 0, err)

    def test_only_regular_files(self):
        env = dict(os.environ, XDG_CONFIG_HOME=self.directory)
        os.makedirs(os.path.join(self.directory, "mqtk"))
        path = os.path.join(self.directory, "mqtk", "sub")
        os.mkfifo(path, 0o600)
        self.assert_refused(run([tool("sub"), "--help"], env=env, timeout=20), path, "a FIFO",
                            "not a regular file")
        os.remove(path)
        os.symlink("/dev/zero", path)
        self.assert_refused(run([tool("sub"), "--help"], env=env, timeout=20), path, "a character device")
        os.remove(path)
        os.mkdir(path)
        self.assert_refused(run([tool("sub"), "--help"], env=env, timeout=20), path, "a directory")
        os.rmdir(path)
        # A symbolic link to a regular file is followed.
        target = os.path.join(self.directory, "flags")
        with open(target, "w") as f:
            f.write("-q 7\n")
        os.chmod(target, 0o600)
        os.symlink(target, path)
        self.assert_refused(run([tool("sub"), "-t", "x"], env=env, timeout=20), path, "-q")


class ProcessTest(ScratchDirectory, unittest.TestCase):
    """A tool holding a secret cannot dump core and shows no secret in
    /proc/PID/environ. As root, the tool runs as nobody, so that the kernel's
    sign of a non-dumpable process shows: its /proc/PID files belong to root."""

    def start(self, argv, env):
        popen_args = {}
        env = dict(env, XDG_CONFIG_HOME=env.get("XDG_CONFIG_HOME", "/nonexistent"))
        if os.geteuid() == 0:
            popen_args = as_nobody()
        return started(argv, env=env, **popen_args)

    def inspect(self, argv, env, listener):
        """(environ or None when we may not read it, whether the process may dump core)."""
        with self.start(argv, env) as process:
            with connected(listener, process):
                uid = [line for line in proc(process.pid, "status").splitlines() if line.startswith(b"Uid:")][0]
                self.assertNotEqual(int(uid.split()[1]), 0, "the tool must not run as root here")
                dumpable = os.stat("/proc/%d/environ" % process.pid).st_uid != 0
                try:
                    environ = proc(process.pid, "environ")
                except PermissionError:
                    environ = None
                self.assertIsNone(process.poll())
        return environ, dumpable

    def test_without_secrets_the_process_stays_dumpable(self):
        with listening() as (listener, port):
            _, dumpable = self.inspect(tool_argv("sub", "-h", "127.0.0.1", "-p", str(port), "-u", "alice"),
                                       dict(os.environ), listener)
            self.assertTrue(dumpable)

    def test_password_sources(self):
        os.chmod(self.directory, 0o755)
        pw_file = self.path("pw")
        with open(pw_file, "w") as f:
            f.write(SECRET + "\n")
        os.chmod(pw_file, 0o644)
        config = self.path("config")
        config_home(config, "sub", "-P %s\n" % SECRET, 0o600)
        if os.geteuid() == 0:
            os.chown(os.path.join(config, "mqtk", "sub"), NOBODY, NOBODY)
        for name, flags, env in (
                ("sub", ["-P", SECRET], {}),
                ("sub", ["-L", "mqtt://alice:%s@127.0.0.1:{port}/t" % SECRET], {}),
                ("sub", ["--pw-file", pw_file], {}),
                ("sub", [], {"XDG_CONFIG_HOME": config}),
                ("sub", [], {"MQTK_PASSWORD": SECRET}),
                ("pub", [], {"MQTK_PASSWORD": SECRET}),
                ("record", [], {"MQTK_PASSWORD": SECRET})):
            with self.subTest(tool=name, flags=flags, env=env), listening() as (listener, port):
                argv = tool_argv(name, "-h", "127.0.0.1", "-p", str(port), "-u", "alice",
                                 *[w.replace("{port}", str(port)) for w in flags])
                environ, dumpable = self.inspect(argv, dict(os.environ, **env), listener)
                self.assertFalse(dumpable)
                if environ is not None:
                    self.assertNotIn(SECRET.encode(), environ)
                    if "MQTK_PASSWORD" in env:
                        self.assertIn(b"\0MQTK_PASSWORD=" + b"x" * len(SECRET) + b"\0", environ)

    def test_unused_password_variable_is_wiped_too(self):
        with listening() as (listener, port):
            environ, dumpable = self.inspect(tool_argv("sub", "-h", "127.0.0.1", "-p", str(port)),
                                             dict(os.environ, MQTK_PASSWORD=SECRET), listener)
        self.assertFalse(dumpable)
        if environ is not None:
            self.assertNotIn(SECRET.encode(), environ)

    def test_influx_secrets_from_the_environment(self):
        for variable, flags in (("MQTK_INFLUX_PASSWORD", ["--influx-db", "d", "--influx-user", "writer"]),
                                ("MQTK_INFLUX_TOKEN", ["--influx-org", "o", "--influx-bucket", "b"])):
            with self.subTest(variable=variable), listening() as (listener, port):
                argv = tool_argv("record", "-h", "127.0.0.1", "-p", str(port), "--spool", self.path(variable),
                                 "--influx", "http://127.0.0.1:%d" % free_port(), "--influx-wait", *flags)
                os.chmod(self.directory, 0o777)
                env = dict(os.environ, XDG_STATE_HOME=self.directory, **{variable: SECRET})
                environ, dumpable = self.inspect(argv, env, listener)
                self.assertFalse(dumpable)
                if environ is not None:
                    self.assertNotIn(SECRET.encode(), environ)
                    self.assertIn(("\0%s=%s\0" % (variable, "x" * len(SECRET))).encode(), environ)


if __name__ == "__main__":
    unittest.main()
