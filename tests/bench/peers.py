"""The programs a user might pick instead of mqtk's tools, measured beside
them: Debian's paho C sample clients (paho.mqtt.c-examples) and MQTT.js's
command-line client (npm package mqtt, pinned by tests/bench/peers/
package-lock.json and installed by `npm ci` into BUILD/bench/peers on first
use, as tests/integration/test_interop.py installs aedes).

Also the helpers the benches share to run a subscriber that counts what
arrives, and to stop one that never stops by itself.
"""

import filecmp
import os
import shutil
import signal
import subprocess
import time

from report import BUILD_DIR, HERE, SMOKE

TIME = "/usr/bin/time"  # GNU time (Debian's package time)
PAHO_PUB = shutil.which("paho_c_pub")
PAHO_SUB = shutil.which("paho_c_sub")
PEERS_SOURCE = os.path.join(HERE, "peers")
PEERS_DIR = os.path.join(BUILD_DIR, "bench", "peers")
_mqttjs = []


def mqttjs():
    """The path of MQTT.js's `mqtt` command, or None (the reason printed
    once) when it is not installed and cannot be. In smoke mode it is only
    used when an earlier ./scripts/bench installed it."""
    if _mqttjs:
        return _mqttjs[0]
    cli = os.path.join(PEERS_DIR, "node_modules", ".bin", "mqtt")
    lock = os.path.join(PEERS_DIR, "package-lock.json")
    current = os.path.exists(cli) and os.path.exists(lock) and \
        filecmp.cmp(lock, os.path.join(PEERS_SOURCE, "package-lock.json"), shallow=False)
    if not current:
        cli = _install(cli)
    _mqttjs.append(cli)
    return cli


def _install(cli):
    if not (shutil.which("node") and shutil.which("npm")):
        print("MQTT.js skipped: node and npm are not installed")
        return None
    if SMOKE:
        print("MQTT.js skipped: not installed in %s, and smoke runs do not install it (./scripts/bench does)"
              % PEERS_DIR)
        return None
    os.makedirs(PEERS_DIR, exist_ok=True)
    for name in ("package.json", "package-lock.json"):
        shutil.copy(os.path.join(PEERS_SOURCE, name), PEERS_DIR)
    print("installing MQTT.js into %s (npm ci)" % PEERS_DIR, flush=True)
    try:
        installed = subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=PEERS_DIR, timeout=600,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    except subprocess.TimeoutExpired:
        print("MQTT.js skipped: npm ci took over 600 s")
        return None
    if installed.returncode != 0 or not os.path.exists(cli):
        print("MQTT.js skipped: npm ci failed:\n" + installed.stdout.decode(errors="replace")[-2000:])
        return None
    return cli


def measured(argv, rss_path):
    """`argv` run under GNU time, which writes its peak RSS (KB) into
    `rss_path`. The rusage that wait4 gives of a child of this Python is no
    use for RSS: a child's ru_maxrss includes the RSS of the process it was
    forked from (Linux keeps the old memory's high-water mark across exec),
    here this Python's, bigger than the tools. GNU time is small; its own
    CPU time, in the rusage wait4 gives of it, is a millisecond."""
    return [TIME, "-f", "%M", "-o", rss_path, *argv]


def peak_rss(rss_path):
    """The peak RSS in MB that GNU time wrote (its last line: a killed
    child's comes after a "Command terminated by signal" line)."""
    with open(rss_path) as f:
        return int(f.read().split()[-1]) / 1024


def file_size(path):
    try:
        return os.path.getsize(path)
    except FileNotFoundError:
        return 0


def wait_for_size(path, size, idle=5.0, process=None):
    """Waits until the file at `path` holds `size` bytes, or has not grown
    for `idle` seconds, or `process` has exited. Returns its size."""
    last, since = -1, time.monotonic()
    while True:
        now = file_size(path)
        if now >= size or (process is not None and exited(process)):
            return now
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since > idle:
            return now
        time.sleep(0.005)


def wait_exit(process, idle_path=None, idle=5.0, timeout=600):
    """Waits for `process` to exit; kills it when its output file
    `idle_path` has not grown for `idle` seconds (what was to arrive has
    not), or after `timeout`. Returns (pid, status, rusage) from wait4, or
    None when it had to be killed or had already been waited for."""
    if process.returncode is not None:
        return None
    deadline = time.monotonic() + timeout
    last, since = -1, time.monotonic()
    while time.monotonic() < deadline:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            process.returncode = os.waitstatus_to_exitcode(status)
            return pid, status, usage
        if idle_path:
            now = file_size(idle_path)
            if now != last:
                last, since = now, time.monotonic()
            elif time.monotonic() - since > idle:
                break
        time.sleep(0.005)
    kill(process)
    return None


def stop(process, sig=signal.SIGTERM):
    """Stops a subscriber that never exits by itself (paho_c_sub, MQTT.js
    sub), run under `measured`: `sig` to it, then SIGKILL after 10 s.
    Returns the rusage of /usr/bin/time, which holds its child's."""
    if process.returncode is not None:
        return None
    with open("/proc/%d/task/%d/children" % (process.pid, process.pid)) as f:
        for child in f.read().split():
            os.kill(int(child), sig)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            process.returncode = os.waitstatus_to_exitcode(status)
            return usage
        time.sleep(0.005)
    kill(process)
    return None


def exited(process):
    """Whether `process` has exited, leaving it for wait4 to reap (and
    read its rusage)."""
    return process.returncode is not None or \
        os.waitid(os.P_PID, process.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None


def kill(process):
    if process.poll() is None:
        process.kill()
        process.wait()
