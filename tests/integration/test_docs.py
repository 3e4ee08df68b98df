"""The documentation and completions against the flags the tools accept:
every flag of --help-all is a heading in the man page and in each shell's
completion, the committed completions are what --completion prints, the
man pages render without warnings, --help fits a screen, and completion
works in real bash, zsh and fish sessions."""

import os
import pty
import re
import select
import shutil
import subprocess
import tempfile
import time
import unittest

from harness import run, tool

SOURCE_DIR = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD_DIR = os.environ.get("MQTK_BUILD_DIR", os.path.join(SOURCE_DIR, "build"))
TOOLS = ("pub", "sub", "record", "rr", "top")
SHELLS = {
    "bash": "completions/bash/mqtk-%s",
    "zsh": "completions/zsh/_mqtk-%s",
    "fish": "completions/fish/mqtk-%s.fish",
}


def flags_of(name):
    """Every flag `mqtk-NAME --help-all` lists: {"-t", "--topic", ...}."""
    rc, out, _ = run([tool(name), "--help-all"])
    assert rc == 0
    flags = set()
    for line in out.decode().splitlines():
        match = re.match(r"^  (-[^ ]+)", line)
        if match:
            flags.update(match.group(1).split(","))
    return flags


def man_page(name):
    return os.path.join(BUILD_DIR, "man", name + ".1")


def documented_flags(page):
    """The flags a man page describes: those in bold at the start of a
    definition's heading line."""
    flags = set()
    with open(page) as f:
        for line in f:
            if line.startswith("\\fB-"):
                flags.update(re.findall(r"\\fB(-[-\w.]+)\\fR", line))
    return flags


def completion_path(shell, name):
    return os.path.join(SOURCE_DIR, SHELLS[shell] % name)


class Terminal:
    """An interactive shell on a pseudo-terminal, typed into like a user."""

    def __init__(self, argv, cwd):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.chdir(cwd)
            env = dict(os.environ, TERM="dumb", PS1="$ ", PROMPT="$ ", HOME=cwd, INPUTRC="/dev/null")
            os.execvpe(argv[0], argv, env)
        self.seen = b""

    def run(self, command):
        """Runs a shell command and waits until the shell prompts again:
        text typed while the command still runs may be thrown away by the
        line editor (zsh's does), so the next keys wait for the prompt."""
        return self.type(command + "; echo READY-$((6*7))\n", r"READY-42\r?\n(.*\n)*.*\$ ")

    def type(self, text, expect=None, timeout=20):
        """Types `text`; waits until `expect` is on the screen (or a moment)."""
        self.seen = b""
        os.write(self.fd, text.encode())
        deadline = time.monotonic() + (timeout if expect else 0.5)
        while time.monotonic() < deadline:
            if select.select([self.fd], [], [], 0.05)[0]:
                try:
                    self.seen += os.read(self.fd, 4096)
                except OSError:
                    break
                if expect and re.search(expect.encode(), self.seen):
                    return True
        return expect is None

    def close(self):
        os.kill(self.pid, 9)
        os.waitpid(self.pid, 0)
        os.close(self.fd)


class DocsTest(unittest.TestCase):
    def test_every_flag_is_in_the_man_page_and_nothing_else_is(self):
        for name in TOOLS:
            with self.subTest(tool=name):
                accepted = flags_of(name)
                documented = documented_flags(man_page("mqtk-" + name))
                self.assertEqual(accepted - documented, set(), "accepted but not documented")
                self.assertEqual(documented - accepted, set(), "documented but not accepted")

    def test_man_pages_render_without_warnings(self):
        for page in ("mqtk", "mqtk-pub", "mqtk-sub", "mqtk-record", "mqtk-rr", "mqtk-top"):
            with self.subTest(page=page):
                result = subprocess.run(["man", "--warnings", "-l", man_page(page)], stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, env=dict(os.environ, MANWIDTH="80", MANPAGER="cat"))
                self.assertEqual(result.returncode, 0)
                self.assertEqual(result.stderr, b"")
                self.assertIn(b"EXAMPLES", result.stdout)
                if page != "mqtk":
                    self.assertIn(b"EXIT STATUS", result.stdout)

    def test_no_markup_leaks_into_the_rendered_text(self):
        """scdoc leaves _emphasis_ and *bold* markers as text where they do not
        start or end a word (`*128+*_N_` rendered as "128+_N_")."""
        leak = re.compile(r"(?<![\w$])_[A-Za-z0-9.]+_(?!\w)|(?<![\w'\"/])\*[A-Za-z]")
        for page in ("mqtk", "mqtk-pub", "mqtk-sub", "mqtk-record", "mqtk-rr", "mqtk-top"):
            with self.subTest(page=page):
                text = subprocess.run(["man", "-l", man_page(page)], stdout=subprocess.PIPE, check=True,
                                      env=dict(os.environ, MANWIDTH="80", MANPAGER="cat")).stdout.decode()
                self.assertEqual([line.strip() for line in text.splitlines() if leak.search(line)], [])

    def test_every_flag_is_in_every_completion(self):
        for name in TOOLS:
            accepted = flags_of(name)
            for shell in SHELLS:
                with self.subTest(tool=name, shell=shell):
                    with open(completion_path(shell, name)) as f:
                        script = f.read()
                    if shell == "bash":
                        offered = set(re.search(r"compgen -W '([^']*)' -- \"\$cur\"\)\n    fi", script).group(1).split())
                    elif shell == "zsh":
                        offered = set(re.findall(r"^    '\*(-[^\[]+)\[", script, re.M))
                    else:
                        offered = {"-" + s for s in re.findall(r" -s (\S+)", script)}
                        offered |= {"--" + s for s in re.findall(r" -l (\S+)", script)}
                    self.assertEqual(accepted - offered, set())

    def test_committed_completions_are_what_the_tools_generate(self):
        for name in TOOLS:
            for shell in SHELLS:
                with self.subTest(tool=name, shell=shell):
                    rc, out, err = run([tool(name), "--completion", shell])
                    self.assertEqual(rc, 0, err)
                    with open(completion_path(shell, name), "rb") as f:
                        self.assertEqual(out, f.read(), "run scripts/update-completions")

    def test_help_fits_a_screen(self):
        for name in TOOLS:
            with self.subTest(tool=name):
                rc, out, _ = run([tool(name), "--help"])
                self.assertEqual(rc, 0)
                lines = out.decode().splitlines()
                self.assertLessEqual(len(lines), 50)
                self.assertLessEqual(max(len(line) for line in lines), 80)
                self.assertIn("Examples:", lines)
                for group in ("Connection:", "TLS and proxy:"):
                    self.assertIn(group, lines)
                # Every flag is on it, by one of its names.
                help_text = out.decode()
                rc, all_help, _ = run([tool(name), "--help-all"])
                for line in all_help.decode().splitlines():
                    match = re.match(r"^  (-[^ ]+)", line)
                    if match:
                        names = match.group(1).split(",")
                        self.assertTrue(any(re.search(r"(^| )%s( |$)" % re.escape(n), help_text, re.M) for n in names),
                                        names)

    def test_help_and_version_exit_0_where_mosquitto_exits_1(self):
        # GNU's convention, kept on purpose (README, "Where mqtk differs").
        for name in TOOLS:
            for flag in ("--help", "--help-all", "--version"):
                rc, out, err = run([tool(name), flag])
                self.assertEqual((rc, err), (0, b""), (name, flag))
                self.assertNotEqual(out, b"")
        for reference in ("mosquitto_pub", "mosquitto_sub"):
            for flag in ("--help", "--version"):
                self.assertEqual(run([reference, flag])[0], 1, (reference, flag))

    def test_version_names_libmosquitto(self):
        for name in TOOLS:
            rc, out, _ = run([tool(name), "--version"])
            self.assertEqual(rc, 0)
            self.assertRegex(out.decode(), r"^mqtk-%s \d+\.\d+\.\d+ \(mqtk; libmosquitto \d+\.\d+\.\d+\)\n$" % name)


class CompletionSessionTest(unittest.TestCase):
    """Completion in shells driven through a terminal, as a user would."""

    def setUp(self):
        self.directory = tempfile.mkdtemp(prefix="mqtk-completion-")
        os.makedirs(os.path.join(self.directory, "certs"))
        open(os.path.join(self.directory, "certs", "ca-bundle.pem"), "w").close()

    def tearDown(self):
        shutil.rmtree(self.directory, ignore_errors=True)

    def test_bash(self):
        terminal = Terminal(["bash", "--norc", "--noprofile", "-i"], self.directory)
        try:
            self.assertTrue(terminal.run("source %s" % completion_path("bash", "pub")), terminal.seen)
            self.assertTrue(terminal.type("mqtk-pub --tls-v\t", "--tls-version "), terminal.seen)
            terminal.type("\x15")  # erase the line
            self.assertTrue(terminal.type("mqtk-pub -q \t\t", r"0\s+1\s+2"), terminal.seen)
            terminal.type("\x15")
            self.assertTrue(terminal.type("mqtk-pub --cafile certs/ca\t", "certs/ca-bundle.pem"), terminal.seen)
        finally:
            terminal.close()

    @unittest.skipUnless(shutil.which("zsh"), "zsh is not installed")
    def test_zsh(self):
        terminal = Terminal(["zsh", "-f", "-i"], self.directory)
        try:
            self.assertTrue(terminal.run("fpath=(%s $fpath); autoload -U compinit; compinit -u -D" %
                                         os.path.dirname(completion_path("zsh", "sub"))), terminal.seen)
            self.assertTrue(terminal.type("mqtk-sub --retained-o\t", "--retained-only "), terminal.seen)
            terminal.type("\x15")
            self.assertTrue(terminal.type("mqtk-sub --color \t", r"always\s+auto\s+never"), terminal.seen)
        finally:
            terminal.close()

    @unittest.skipUnless(shutil.which("fish"), "fish is not installed")
    def test_fish(self):
        script = completion_path("fish", "record")
        rc, out, err = run(["fish", "--no-config", "-c", "source %s; complete -C 'mqtk-record --form'; "
                            "complete -C 'mqtk-record --format '; complete -C 'mqtk-record --spool cer'" % script],
                           cwd=self.directory)
        self.assertEqual(rc, 0, err)
        lines = out.decode().splitlines()
        self.assertIn("--format\tFormat of -o files without a known extension", lines)
        self.assertEqual(sorted(line.split("\t")[0] for line in lines[1:4]), ["csv", "jsonl", "lp"])
        self.assertIn("certs/", [line.split("\t")[0] for line in lines])


if __name__ == "__main__":
    unittest.main()
