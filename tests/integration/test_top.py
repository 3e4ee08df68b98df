"""mqtk-top (issue 18) against a real broker: the JSON and text snapshots
checked exactly against what a scripted publisher sent, rates within a
tolerance, and the full screen driven in a real terminal (Debian's tmux:
keys sent, the pane captured), down to the terminal being given back as it
was after q, Ctrl-C, Ctrl-\\, SIGTERM, SIGHUP and a crash."""

import json
import os
import shlex
import signal
import subprocess
import threading
import time
import unittest

from harness import BrokerTestCase, ScratchDirectory, publish_all, run, subscriber, tool, unique, wait_until

TOP = tool("top")


def snapshots(output):
    """The JSON lines of `output` grouped by snapshot (their "time"), in order."""
    groups = []
    for line in output.decode().splitlines():
        record = json.loads(line)
        if not groups or groups[-1][0]["time"] != record["time"]:
            groups.append([])
        groups[-1].append(record)
    return groups


def complete_snapshots(output):
    """The snapshots of a tool still writing: the last line may be half written."""
    return snapshots(output[:output.rfind(b"\n") + 1])


class Publisher:
    """Publishes `topic` every `period` seconds in a thread of its own (paho,
    QoS 0), until stopped; counts what it sent."""

    def __init__(self, port, topic, period):
        import paho.mqtt.client as mqtt
        self.client = mqtt.Client(client_id=unique("paho"))
        self.client.connect("127.0.0.1", port)
        self.client.loop_start()
        self.topic, self.period, self.sent = topic, period, 0
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        next_time = time.monotonic()
        while not self.stopping.is_set():
            self.client.publish(self.topic, str(self.sent), qos=0)
            self.sent += 1
            next_time += self.period
            self.stopping.wait(max(0.0, next_time - time.monotonic()))

    def stop(self):
        self.stopping.set()
        self.thread.join()
        self.client.disconnect()
        self.client.loop_stop()


class TestTopSnapshots(BrokerTestCase):
    def test_json_is_exactly_what_was_published(self):
        base = unique("top")
        messages = [
            (base + "/sensors/a", b"21.5", 0, False),
            (base + "/sensors/a", b"22", 1, False),
            (base + "/sensors/b", b'{"t":1}', 1, True),
            (base + "/text", "caf\u00e9 \u2603".encode(), 0, False),
            (base + "/empty", b"", 0, False),
        ]
        top = subscriber(self.broker, TOP, [base + "/#"], extra=["--json", "--interval", "200ms", "--sort", "name"])
        with top:
            publish_all(self.port, messages)
            wait_until(lambda: any(sum(r["count"] for r in s) == 5 for s in complete_snapshots(top.output())),
                       what="a snapshot with every message")
            top.signal(signal.SIGTERM)
            status, out, err = top.finish()
        self.assertEqual(status, 0, err)
        last = [s for s in snapshots(out) if sum(r["count"] for r in s) == 5][-1]
        by_topic = {r["topic"]: r for r in last}
        self.assertEqual([r["topic"] for r in last], sorted(by_topic))  # --sort name
        self.assertEqual(set(by_topic), {base + "/sensors/a", base + "/sensors/b", base + "/text", base + "/empty"})
        a = by_topic[base + "/sensors/a"]
        self.assertEqual((a["count"], a["bytes"], a["size"], a["payload"], a["value"], a["qos"], a["retained"]),
                         (2, 6, 2, "22", 22, 0, False))  # QoS 0: mqtk-top subscribes at 0 by default
        b = by_topic[base + "/sensors/b"]
        self.assertEqual((b["count"], b["bytes"], b["payload"], b["value"]), (1, 7, '{"t":1}', None))
        text = by_topic[base + "/text"]
        self.assertEqual((text["payload"], text["size"]), ("caf\u00e9 \u2603", 9))
        self.assertEqual((by_topic[base + "/empty"]["payload"], by_topic[base + "/empty"]["size"]), ("", 0))
        for record in last:
            self.assertEqual(len(record["rates"]), 8)
            self.assertGreaterEqual(record["age"], 0)
            self.assertNotIn("shown", record)

    def test_once_prints_the_table_with_retained_messages(self):
        base = unique("top")
        publish_all(self.port, [(base + "/kept/%d" % i, b"v%d" % i, 1, True) for i in range(3)])
        try:
            status, out, err = run([TOP, "-p", str(self.port), "-t", base + "/#", "--once", "--after", "1s"])
            self.assertEqual(status, 0, err)
            lines = out.decode().splitlines()
            self.assertTrue(lines[0].startswith("mqtk-top  localhost:%d  connected" % self.port), lines)
            self.assertIn("3 topics  3 messages", lines[0])
            self.assertTrue(lines[2].split() [:6] == ["RATE/s", "HISTORY", "COUNT", "AGE", "QR", "SIZE"], lines)
            rows = lines[3:]
            self.assertEqual(len(rows), 3)
            for row in rows:
                self.assertRegex(row, r" 1 +[0-9.]+s 0r +2 %s/kept/\d +v\d$" % base)
            # --depth folds them into one row, the sum of its topics.
            status, out, err = run([TOP, "-p", str(self.port), "-t", base + "/#", "--json", "--after", "500ms",
                                    "--depth", "2"])
            self.assertEqual(status, 0, err)
            [folded] = [json.loads(line) for line in out.splitlines()]
            self.assertEqual((folded["topic"], folded["topics"], folded["count"], folded["bytes"]),
                             (base + "/kept/+", 3, 3, 6))
        finally:
            publish_all(self.port, [(base + "/kept/%d" % i, b"", 1, True) for i in range(3)])

    def test_once_lines_are_120_terminal_columns_with_wide_characters(self):
        """CJK ideographs and emoji take two columns each: a line cut by
        character count would run past the width into the next."""
        import unicodedata
        base = unique("top")
        publish_all(self.port, [(base + "/温度センサー" * 4, "全角文字".encode() * 20, 1, True),
                                (base + "/emoji", "🔥".encode() * 80, 1, True)])
        try:
            status, out, err = run([TOP, "-p", str(self.port), "-t", base + "/#", "--once", "--after", "1s"])
            self.assertEqual(status, 0, err)
            lines = out.decode().splitlines()
            self.assertEqual(len(lines), 5, lines)
            for line in lines:
                width = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)
                self.assertLessEqual(width, 120, line)
            self.assertTrue(lines[3].endswith("…") and lines[4].endswith("…"), lines)
        finally:
            publish_all(self.port, [(base + "/温度センサー" * 4, b"", 1, True), (base + "/emoji", b"", 1, True)])

    def test_jq_sees_payloads_longer_than_the_kilobyte_shown(self):
        base = unique("top")
        big = b'{"pad": "%s", "n": 7}' % (b"x" * 5000)
        publish_all(self.port, [(base + "/big", big, 1, True)])
        try:
            status, out, err = run([TOP, "-p", str(self.port), "-t", base + "/#", "--json", "--after", "500ms",
                                    "--jq", ".payload.n"])
            self.assertEqual((status, err), (0, b""))
            [row] = [json.loads(line) for line in out.splitlines()]
            self.assertEqual((row["shown"], row["value"], row["size"]), ("7", 7, len(big)))
        finally:
            publish_all(self.port, [(base + "/big", b"", 1, True)])

    def test_rates_and_jq(self):
        base = unique("top")
        top = subscriber(self.broker, TOP, [base + "/#"],
                         extra=["--json", "--interval", "500ms", "--jq", ".payload | tonumber * 2"])
        with top:
            fast = Publisher(self.port, base + "/fast", 0.05)  # 20 msg/s
            slow = Publisher(self.port, base + "/slow", 0.5)   # 2 msg/s
            try:
                # A topic younger than the 5-second window has its rate over its
                # age: right from its first seconds.
                started = time.monotonic()
                wait_until(lambda: time.monotonic() - started > 3.5 and complete_snapshots(top.output()), timeout=20)
            finally:
                fast.stop()
                slow.stop()
            last = {r["topic"]: r for r in complete_snapshots(top.output())[-1]}
            top.signal(signal.SIGINT)
            status, _, err = top.finish()
        self.assertEqual(status, 0, err)
        # Loose bounds: a loaded machine delays the publisher's thread.
        self.assertLess(abs(last[base + "/fast"]["rate"] - 20) / 20, 0.3, last)
        self.assertLess(abs(last[base + "/slow"]["rate"] - 2) / 2, 0.5, last)
        self.assertLessEqual(last[base + "/fast"]["count"], fast.sent)
        fast_record = last[base + "/fast"]
        self.assertEqual(fast_record["value"], int(fast_record["payload"]) * 2)
        self.assertEqual(fast_record["shown"], str(int(fast_record["payload"]) * 2))


class TestTopUsage(BrokerTestCase):
    def test_mistakes_are_one_line_and_exit_1(self):
        for argv, words in [
            (["--sort", "size"], "--sort"),
            (["--json", "--after", "0s"], "--after"),
            (["--once", "--interval", "1s"], "--once and --interval"),
            (["--json", "-t", "a/#/b"], "-t"),
            ([], "needs a terminal"),
        ]:
            status, out, err = run([TOP, "-p", str(self.port), *argv], stdin=subprocess.DEVNULL)
            self.assertEqual(status, 1, (argv, err))
            self.assertEqual(out, b"")
            self.assertIn(words, err.decode().splitlines()[0], argv)

    def test_a_broker_that_never_answers_is_an_error_not_a_quiet_table(self):
        """--after counts from the broker's acceptance: a snapshot of a
        connection still being made would look like a broker with no traffic."""
        from hostile_broker import HostileBroker

        with HostileBroker(lambda peer: peer.drain()) as broker:
            for mode in ("--json", "--once"):
                status, out, err = run([TOP, "-p", str(broker.port), mode, "--after", "1s", "--connect-timeout", "2"],
                                       stdin=subprocess.DEVNULL, timeout=30)
                self.assertEqual((status, out), (1, b""), (mode, err))
                self.assertIn(b"no answer within 2 s", err)

    def test_a_terminal_that_cannot_be_driven_is_refused(self):
        """A terminal curses does not know, and one it knows but that cannot
        move the cursor (TERM=dumb: Emacs' shell), get the hint, not a
        screen run together on one line."""
        import pty
        for term in ("dumb", "no-such-terminal"):
            main, terminal = pty.openpty()
            try:
                process = subprocess.run([TOP, "-p", str(self.port)], stdin=terminal, stdout=terminal,
                                         stderr=subprocess.PIPE, env=dict(os.environ, TERM=term), timeout=30)
            finally:
                os.close(terminal)
                os.close(main)
            self.assertEqual(process.returncode, 1, term)
            self.assertEqual(process.stderr.decode().splitlines(),
                             ["mqtk-top: cannot drive this terminal (TERM=%s); use --once or --json for text" % term])


class Terminal:
    """A tmux server of its own (its own socket), one 80x24 window running
    `command` under sh; stopped with the test."""

    def __init__(self, command, directory):
        self.socket = unique("mqtk-top-tmux")
        self.directory = directory
        env = dict(os.environ, LANG="C.UTF-8", TERM="xterm-256color")
        env.pop("TMUX", None)
        subprocess.run(["tmux", "-L", self.socket, "-f", "/dev/null", "new-session", "-d", "-x", "80", "-y", "24",
                        "sh", "-c", command], check=True, env=env)

    def tmux(self, *args):
        return subprocess.run(["tmux", "-L", self.socket, *args], check=True, stdout=subprocess.PIPE).stdout.decode()

    def screen(self):
        return self.tmux("capture-pane", "-p")

    def keys(self, *keys):
        self.tmux("send-keys", *keys)

    def alternate_on(self):
        return self.tmux("display-message", "-p", "#{alternate_on}").strip() == "1"

    def shows(self, text, timeout=20):
        wait_until(lambda: text in self.screen(), timeout=timeout, what="%r on the screen" % text)

    def pane_pid(self):
        return int(self.tmux("display-message", "-p", "#{pane_pid}").strip())

    def close(self):
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], stderr=subprocess.DEVNULL)


class TestTopScreen(ScratchDirectory, BrokerTestCase):
    def start(self, base, extra=""):
        """mqtk-top on the screen of a new terminal; sh records the terminal's
        modes before and after it, and its exit status."""
        self.client_id = unique("top")
        top = " ".join(shlex.quote(a) for a in [TOP, "-p", str(self.port), "-i", self.client_id, "-t", base + "/#"])
        # sh outlives the Ctrl-C sent to the terminal's foreground (a trap
        # of its own, which mqtk-top does not inherit as it would an ignored signal).
        command = ("trap : INT QUIT; stty -g > before; %s %s; echo $? > status; stty -g > after; echo DONE; "
                   "exec sleep 600"
                   % (top, extra))
        terminal = Terminal("cd %s && %s" % (shlex.quote(self.directory), command), self.directory)
        self.addCleanup(terminal.close)
        self.broker.wait_for_subscription(self.client_id, base + "/#")
        return terminal

    def finished(self, terminal):
        """The exit status, once sh has recorded it and the modes after it."""
        terminal.shows("DONE")
        with open(self.path("status")) as f:
            return int(f.read())

    def assert_terminal_restored(self, terminal):
        with open(self.path("before")) as before, open(self.path("after")) as after:
            self.assertEqual(before.read(), after.read())
        self.assertFalse(terminal.alternate_on())

    def top_pid(self, terminal):
        """mqtk-top's process id: the child of the pane's sh."""
        shell = terminal.pane_pid()
        with open("/proc/%d/task/%d/children" % (shell, shell)) as f:
            children = f.read().split()
        self.assertEqual(len(children), 1)
        return int(children[0])

    def test_topics_counts_sorting_folding_and_q(self):
        base = unique("top")
        terminal = self.start(base)
        terminal.shows("connected")
        self.assertTrue(terminal.alternate_on())
        publish_all(self.port, [(base + "/b/x", b"1", 1, False)] * 3 + [(base + "/a/y", b"hello", 1, False)] +
                    [(base + "/a/z", b"2", 1, False)] * 2)
        terminal.shows("3 topics  6 messages")
        rows = [line for line in terminal.screen().splitlines() if base in line]
        self.assertEqual(len(rows), 3)
        by_topic = {next(w for w in line.split() if w.startswith(base)): line.split() for line in rows}
        self.assertEqual(by_topic[base + "/b/x"][2], "3")  # RATE/s HISTORY COUNT ...
        self.assertEqual(by_topic[base + "/a/z"][2], "2")
        self.assertEqual(by_topic[base + "/a/y"][-1], "hello")
        # Sorted by name.
        terminal.keys("n")
        terminal.shows("sort: name")
        rows = [line for line in terminal.screen().splitlines() if base in line]
        self.assertEqual([next(w for w in r.split() if w.startswith(base)) for r in rows],
                         [base + "/a/y", base + "/a/z", base + "/b/x"])
        # By count.
        terminal.keys("c")
        terminal.shows("sort: count")
        rows = [line for line in terminal.screen().splitlines() if base in line]
        self.assertIn(base + "/b/x", rows[0])
        # Folded a level: two rows, a/+ with the sum of its children.
        terminal.keys("n", "<")
        terminal.shows(base + "/a/+")
        rows = [line.split() for line in terminal.screen().splitlines() if base in line]
        self.assertEqual([r[6] for r in rows], [base + "/a/+", base + "/b/+"])
        self.assertEqual(rows[0][2], "3")
        self.assertEqual(rows[0][-2:], ["(2", "topics)"])
        # Unfolded again, then a filter.
        terminal.keys(">")
        terminal.shows(base + "/a/z")
        terminal.keys("/", "/b/", "Enter")  # "/b/": the random prefix may end in a "b"
        terminal.shows("filter: /b/")
        wait_until(lambda: len([line for line in terminal.screen().splitlines() if base in line]) == 1)
        terminal.keys("q")
        self.assertEqual(self.finished(terminal), 0)
        self.assert_terminal_restored(terminal)

    def test_ctrl_c_sigterm_and_a_crash_give_the_terminal_back(self):
        for how, expected in [("C-c", 0), ("C-\\", 0), (signal.SIGTERM, 0), (signal.SIGHUP, 0),
                              (signal.SIGSEGV, 128 + signal.SIGSEGV)]:
            with self.subTest(how=how):
                for name in ("before", "after", "status"):
                    if os.path.exists(self.path(name)):
                        os.remove(self.path(name))
                terminal = self.start(unique("top"))
                terminal.shows("connected")
                if isinstance(how, str):
                    terminal.keys(how)
                else:
                    os.kill(self.top_pid(terminal), how)
                self.assertEqual(self.finished(terminal), expected)
                self.assert_terminal_restored(terminal)
                terminal.close()

    def test_a_narrow_terminal_and_a_resize(self):
        base = unique("top")
        terminal = self.start(base)
        publish_all(self.port, [(base + "/a-rather-long-topic-name/with/levels", b"x" * 200, 0, False)])
        terminal.shows("1 topic")
        for line in terminal.screen().splitlines():
            self.assertLessEqual(len(line), 80)
        terminal.tmux("resize-window", "-x", "50", "-y", "12")
        wait_until(lambda: "RATE/s" in terminal.screen() and
                   max(len(line) for line in terminal.screen().splitlines()) <= 50, what="the screen redrawn narrower")
        terminal.keys("q")
        self.assertEqual(self.finished(terminal), 0)


if __name__ == "__main__":
    unittest.main()
