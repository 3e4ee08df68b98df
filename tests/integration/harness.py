"""Shared helpers for the integration tests: real brokers on free loopback
ports, the built tools, and the reference clients.

Run with Debian's /usr/bin/python3. Every process started here is stopped
here; nothing listens or connects beyond 127.0.0.1.
"""

import atexit
import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.parse
import urllib.request
import uuid

# mqtk-record keeps each recording's state under $XDG_STATE_HOME: the tests'
# recorders keep theirs out of the home directory of whoever runs them.
# Removed when the tests' process ends (not a child forked from it).
if "MQTK_KEEP_XDG_STATE_HOME" not in os.environ:
    os.environ["XDG_STATE_HOME"] = tempfile.mkdtemp(prefix="mqtk-test-state-")

    def remove_state_home(directory=os.environ["XDG_STATE_HOME"], owner=os.getpid()):
        if os.getpid() == owner:
            shutil.rmtree(directory, ignore_errors=True)

    atexit.register(remove_state_home)

BIN_DIR = os.environ.get("MQTK_BIN_DIR", os.path.join(os.path.dirname(__file__), "..", "..", "build", "tools"))
STATE_DIR = os.environ.get("MQTK_TEST_STATE")  # where the CTest broker fixture keeps its state
# Set by the build with AddressSanitizer and UndefinedBehaviorSanitizer.
SANITIZED = os.environ.get("MQTK_SANITIZED") == "1"


def volume(count):
    """How many messages a volume test sends: a fifth under the sanitizers,
    which check the same code paths for memory errors; the build without
    them checks that the whole volume arrives."""
    return count // 5 if SANITIZED else count


def tool(name):
    """Path of a built mqtk executable, e.g. tool("pub")."""
    return os.path.join(BIN_DIR, "mqtk-" + name)


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def silent_listener():
    """A loopback port that accepts connections (the kernel completes them)
    and never answers: a broker that hangs before CONNACK. Yields the port."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        s.listen(16)
        yield s.getsockname()[1]


def handles_signal(pid, sig):
    """Whether process `pid` blocks or catches `sig` now (/proc/PID/status):
    past its start-up, where the signal would still kill it outright."""
    masks = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            name, _, value = line.partition(":")
            if name in ("SigBlk", "SigCgt"):
                masks[name] = int(value.strip(), 16)
    bit = 1 << (sig - 1)
    return bool((masks.get("SigBlk", 0) | masks.get("SigCgt", 0)) & bit)


def wait_until_handling(pid, sig, timeout=10):
    wait_until(lambda: handles_signal(pid, sig), timeout=timeout, what="process %d to handle signal %d" % (pid, sig))


def json_records(path):
    """The whole JSON lines in a file a tool may still be writing: a last line
    without its newline yet is left out (it is being written)."""
    if not os.path.exists(path):
        return []
    with open(path, "rb") as f:
        data = f.read()
    return [json.loads(line) for line in data[:data.rfind(b"\n") + 1].splitlines()]


def unique(prefix="t"):
    """A topic prefix or client id no other test uses."""
    return "%s-%s" % (prefix, uuid.uuid4().hex[:12])


def wait_until(predicate, timeout=10.0, interval=0.01, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise AssertionError("timed out after %.1f s waiting for %s" % (timeout, what))


class Broker:
    """A mosquitto broker on a free 127.0.0.1 port with a generated config."""

    def __init__(self, extra_config="", persistence=False, port=None, directory=None, leading_config=""):
        self.directory = directory or tempfile.mkdtemp(prefix="mqtk-broker-")
        os.makedirs(self.directory, exist_ok=True)
        self.port = port or free_port()
        self.log_path = os.path.join(self.directory, "broker.log")
        self.config_path = os.path.join(self.directory, "mosquitto.conf")
        lines = [
            leading_config,  # settings mosquitto wants before any listener
            "listener %d 127.0.0.1" % self.port,
            "allow_anonymous true",
            "log_dest file %s" % self.log_path,
            "log_type error",
            "log_type warning",
            "log_type notice",
            "log_type information",
            "log_type subscribe",
            "connection_messages true",
        ]
        if os.geteuid() == 0:
            lines.append("user root")  # otherwise it drops to "mosquitto" and cannot write here
        if persistence:
            lines += ["persistence true", "persistence_location %s/" % self.directory, "autosave_interval 1"]
        with open(self.config_path, "w") as f:
            f.write("\n".join(lines) + "\n" + extra_config + "\n")
        self.process = None

    @classmethod
    def attach(cls, port, log_path):
        """A broker someone else started (the CTest fixture's)."""
        broker = cls.__new__(cls)
        broker.directory = os.path.dirname(log_path)
        broker.port = port
        broker.log_path = log_path
        broker.config_path = None
        broker.process = None
        return broker

    def start(self, detach=False):
        self.process = subprocess.Popen(["mosquitto", "-c", self.config_path], stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL, start_new_session=detach)
        wait_until(self._accepting, timeout=10, what="mosquitto on port %d" % self.port)
        return self

    def _accepting(self):
        if self.process.poll() is not None:
            raise AssertionError("mosquitto exited with %s; log:\n%s" % (self.process.returncode, self.log()))
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
            return True
        return False

    def stop(self, sig=signal.SIGTERM):
        if self.process and self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def kill(self):
        self.stop(signal.SIGKILL)

    def log(self):
        try:
            with open(self.log_path, errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def wait_for_subscription(self, client_id, topic_filter, timeout=10, since=0):
        """Waits until the broker has added `client_id`'s subscription, in its
        log past offset `since` (a restarted client's id subscribed before:
        take len(broker.log()) before starting it)."""
        wait_until(lambda: self.count_subscriptions(client_id, topic_filter, since) > 0, timeout=timeout,
                   what="%s to subscribe to %s" % (client_id, topic_filter))

    def wait_for_subscribers(self, topic_filter, count=1, timeout=10):
        """Waits until `count` clients, whatever their ids, have subscribed to `topic_filter`."""
        pattern = re.compile(r"^\d+: \S+ \d %s$" % re.escape(topic_filter), re.M)
        wait_until(lambda: len(pattern.findall(self.log())) >= count, timeout=timeout,
                   what="%d subscriptions to %s" % (count, topic_filter))

    def count_subscriptions(self, client_id, topic_filter, since=0):
        pattern = re.compile(r"^\d+: %s \d %s$" % (re.escape(client_id), re.escape(topic_filter)), re.M)
        return len(pattern.findall(self.log()[since:]))

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)


@contextlib.contextmanager
def answering_http_server(status, requests=None):
    """An HTTP server on a free loopback port answering every GET and POST
    with `status` and no body; each request is appended to `requests` as
    (method, path, Authorization header, body). Yields the port."""
    import http.server

    class Handler(http.server.BaseHTTPRequestHandler):
        def answer(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if requests is not None:
                requests.append((self.command, self.path, self.headers.get("Authorization"), body))
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        do_GET = do_POST = answer

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


class HttpServer:
    """A server a test starts on a free 127.0.0.1 port with its data in a
    temporary directory, ready when `health_path` answers `health_status`.
    Subclasses give `name`, `health_path`, `health_status` and `command()`."""

    def __init__(self, directory=None):
        self.directory = directory or tempfile.mkdtemp(prefix="mqtk-%s-" % self.name)
        os.makedirs(self.directory, exist_ok=True)
        self.port = free_port()
        self.process = None
        self.held_port = None

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.port

    def start(self, detach=False):
        if self.held_port:
            self.held_port.close()
            self.held_port = None
        with open(os.path.join(self.directory, self.name + ".log"), "ab") as log:
            self.process = subprocess.Popen(self.command(), stdout=log, stderr=log, start_new_session=detach)
        wait_until(self.ready, timeout=30, what="%s on port %d" % (self.name, self.port))
        return self

    def ready(self):
        if self.process.poll() is not None:
            raise AssertionError("%s exited with %s" % (self.name, self.process.returncode))
        try:
            return urllib.request.urlopen(self.url + self.health_path, timeout=1).status == self.health_status
        except OSError:
            return False

    def stop(self, keep_port=False):
        """Stops the server. With keep_port its port stays bound, but not
        listening, until start(): connections are refused, as they are to a
        server that is down, and no other test's server can take the port
        meanwhile (tests run in parallel)."""
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
        if keep_port:
            self.held_port = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            self.held_port.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # past TIME_WAIT
            self.held_port.bind(("127.0.0.1", self.port))

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        if self.held_port:
            self.held_port.close()
        shutil.rmtree(self.directory, ignore_errors=True)


class InfluxDB(HttpServer):
    """Debian's influxd (1.6) with a generated config on free loopback ports."""

    name, health_path, health_status = "influxd", "/ping", 204

    def __init__(self, directory=None, auth=False):
        super().__init__(directory)
        self.config_path = os.path.join(self.directory, "influxd.conf")
        with open(self.config_path, "w") as f:
            f.write('reporting-disabled = true\n'
                    'bind-address = "127.0.0.1:%d"\n'
                    '[meta]\n  dir = "%s/meta"\n'
                    '[data]\n  dir = "%s/data"\n  wal-dir = "%s/wal"\n  query-log-enabled = false\n'
                    '[http]\n  bind-address = "127.0.0.1:%d"\n  log-enabled = false\n  auth-enabled = %s\n'
                    '[ifql]\n  enabled = false\n'
                    '[monitor]\n  store-enabled = false\n'
                    '[continuous_queries]\n  enabled = false\n'
                    % (free_port(), self.directory, self.directory, self.directory, self.port,
                       "true" if auth else "false"))

    def command(self):
        return ["influxd", "-config", self.config_path]

    def query(self, q, database=None, user=None, password=None):
        """Runs InfluxQL; returns the decoded JSON answer."""
        fields = {"q": q, "epoch": "ns", **({"db": database} if database else {})}
        data = urllib.parse.urlencode(fields).encode()
        credentials = "?" + urllib.parse.urlencode({"u": user, "p": password}) if user else ""
        with urllib.request.urlopen(self.url + "/query" + credentials, data=data, timeout=10) as answer:
            return json.loads(answer.read())

    def rows(self, q, database):
        """The rows of the first series as dicts (column name to value)."""
        result = self.query(q, database)["results"][0]
        if "error" in result:
            raise AssertionError(result["error"])
        rows = []
        for series in result.get("series", []):
            for values in series["values"]:
                rows.append(dict(zip(series["columns"], values), _measurement=series["name"]))
        return rows



def shared_influx_url():
    """The URL of the influxd the CTest fixture started, if any."""
    if STATE_DIR:
        with contextlib.suppress(FileNotFoundError), open(os.path.join(STATE_DIR, "influx", "url")) as f:
            return f.read().strip()
    return None


def shared_broker_port():
    """The port of the broker the CTest fixture started, if any."""
    if STATE_DIR:
        with contextlib.suppress(FileNotFoundError), open(os.path.join(STATE_DIR, "port")) as f:
            return int(f.read())
    return None


class BrokerTestCase(unittest.TestCase):
    """A test case with a broker: the CTest fixture's shared one when it runs,
    otherwise one of its own for the class; always one of its own when the
    class sets `broker_config` (lines added to the broker's configuration)."""

    broker = None
    own_broker = None
    broker_config = None

    @classmethod
    def setUpClass(cls):
        port = shared_broker_port()
        if cls.broker_config is not None:
            cls.own_broker = Broker(extra_config=cls.broker_config).start()
            cls.broker = cls.own_broker
        elif port:
            cls.broker = Broker.attach(port, os.path.join(STATE_DIR, "broker", "broker.log"))
        else:
            cls.own_broker = Broker().start()
            cls.broker = cls.own_broker

    @classmethod
    def tearDownClass(cls):
        if cls.own_broker:
            cls.own_broker.__exit__(None, None, None)

    @property
    def port(self):
        return self.broker.port

    def topic(self, name=""):
        return unique(self.id().rsplit(".", 1)[-1]) + ("/" + name if name else "")


class ScratchDirectory:
    """A mixin for test cases: a fresh directory per test, removed after it;
    self.path(name) names a file in it."""

    scratch_prefix = "mqtk-test-"

    def setUp(self):
        super().setUp()
        self.directory = tempfile.mkdtemp(prefix=self.scratch_prefix)

    def tearDown(self):
        shutil.rmtree(self.directory, ignore_errors=True)
        super().tearDown()

    def path(self, name):
        return os.path.join(self.directory, name)


class Process:
    """A tool started in the background, stopped when done with. Its output
    is read as it comes, so a full pipe never stalls it."""

    def __init__(self, argv, stdin=None, env=None, cwd=None):
        self.argv = argv
        self.popen = subprocess.Popen(argv, stdin=stdin or subprocess.DEVNULL, stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, env=env, cwd=cwd)
        self._out = []
        self._err = []
        self._readers = [threading.Thread(target=self._drain, args=(self.popen.stdout, self._out), daemon=True),
                         threading.Thread(target=self._drain, args=(self.popen.stderr, self._err), daemon=True)]
        for reader in self._readers:
            reader.start()

    @staticmethod
    def _drain(stream, chunks):
        for chunk in iter(lambda: stream.read1(65536), b""):
            chunks.append(chunk)

    def output(self):
        """What the process has written to stdout so far."""
        return b"".join(self._out)

    def errors(self):
        """What the process has written to stderr so far."""
        return b"".join(self._err)

    def finish(self, timeout=30):
        try:
            self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait()
            self._close()
            raise AssertionError("%s did not finish within %s s; stderr: %s" % (self.argv, timeout,
                                                                              b"".join(self._err)))
        self._close()
        return self.popen.returncode, b"".join(self._out), b"".join(self._err)

    def _close(self):
        for reader in self._readers:
            reader.join()
        self.popen.stdout.close()
        self.popen.stderr.close()
        if self.popen.stdin:
            self.popen.stdin.close()

    def signal(self, sig):
        self.popen.send_signal(sig)

    def stop(self):
        if self.popen.poll() is None:
            self.popen.kill()
        self.popen.wait()
        if not self.popen.stdout.closed:
            self._close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def run(argv, input=None, timeout=30, env=None, **popen_args):
    """Runs a command to completion: (returncode, stdout bytes, stderr bytes)."""
    completed = subprocess.run(argv, input=input, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               timeout=timeout, env=env, **popen_args)
    return completed.returncode, completed.stdout, completed.stderr


def subscriber(broker, argv_tool, topics, extra=(), client_id=None, stdin=None, env=None, connect=None, cwd=None):
    """Starts a subscriber (mqtk-sub or mosquitto_sub) and waits until the
    broker has its subscriptions. Returns the Process. `connect`: the flags
    that reach the broker (default: -p and its port); `cwd`: where it runs."""
    client_id = client_id or unique("sub")
    argv = [argv_tool, *(connect or ["-p", str(broker.port)]), "-i", client_id]
    for t in topics:
        argv += ["-t", t]
    argv += list(extra)
    process = Process(argv, stdin=stdin, env=env, cwd=cwd)
    try:
        broker.wait_for_subscription(client_id, topics[-1])
    except AssertionError:
        process.stop()
        raise
    return process


def publish_all(port, messages, protocol=None):
    """Publishes (topic, payload, qos, retain) tuples with paho, in order,
    each acknowledged before the next."""
    import paho.mqtt.client as mqtt  # Debian's python3-paho-mqtt
    client = mqtt.Client(client_id=unique("paho"), protocol=protocol or mqtt.MQTTv311)
    client.connect("127.0.0.1", port)
    client.loop_start()
    try:
        for topic, payload, qos, retain in messages:
            client.publish(topic, payload, qos=qos, retain=retain).wait_for_publish(timeout=10)
    finally:
        client.disconnect()
        client.loop_stop()


def side_by_side(test, broker, flags, publish, count, topics, ours=None, reference="mosquitto_sub", env=None):
    """Runs mqtk-sub and mosquitto_sub with the same flags on the same
    messages (`publish()` sends them once both are subscribed) and returns
    both results: ((rc, out, err), (rc, out, err))."""
    extra = ["-C", str(count), "-W", "20", *flags]
    ours_process = subscriber(broker, ours or tool("sub"), topics, extra=extra, env=env)
    try:
        reference_process = subscriber(broker, reference, topics, extra=extra, env=env)
    except AssertionError:
        ours_process.stop()
        raise
    with ours_process, reference_process:
        publish()
        return ours_process.finish(), reference_process.finish()


def main():
    """`harness.py start DIR` / `harness.py stop DIR`: the CTest fixture."""
    command, directory = sys.argv[1], sys.argv[2]
    if command == "start":
        shutil.rmtree(directory, ignore_errors=True)
        os.makedirs(directory)
        broker = Broker(directory=os.path.join(directory, "broker")).start(detach=True)
        with open(os.path.join(directory, "pid"), "w") as f:
            f.write(str(broker.process.pid))
        with open(os.path.join(directory, "port"), "w") as f:
            f.write(str(broker.port))
    elif command == "start-influx":
        influx_directory = os.path.join(directory, "influx")
        shutil.rmtree(influx_directory, ignore_errors=True)
        influx = InfluxDB(directory=influx_directory).start(detach=True)
        with open(os.path.join(influx_directory, "pid"), "w") as f:
            f.write(str(influx.process.pid))
        with open(os.path.join(influx_directory, "url"), "w") as f:
            f.write(influx.url)
    elif command in ("stop", "stop-influx"):
        pid_file = os.path.join(directory, "pid" if command == "stop" else "influx/pid")
        with contextlib.suppress(FileNotFoundError, ProcessLookupError, ValueError):
            with open(pid_file) as f:
                pid = int(f.read())
            os.kill(pid, signal.SIGTERM)
            for _ in range(400):
                os.kill(pid, 0)
                time.sleep(0.05)
    else:
        sys.exit("usage: harness.py start|stop|start-influx|stop-influx DIR")


if __name__ == "__main__":
    main()
