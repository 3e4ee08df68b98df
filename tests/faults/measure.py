"""Running a tool while measuring it: its CPU time from the kernel's
accounting (wait4) and its memory from /proc while it runs.

Peak memory is VmHWM, the high-water mark of the process's own address
space, sampled while it runs: wait4's ru_maxrss would also count the Python
test process the tool was forked from."""

import os
import subprocess
import threading


class Measured:
    """A process started with its output drained in threads (or sent where
    asked), reaped with wait4 so its peak RSS and CPU time are known."""

    def __init__(self, argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, env=None):
        self.popen = subprocess.Popen(argv, stdin=stdin, stdout=stdout, stderr=subprocess.PIPE, env=env)
        self.out, self.err = [], []
        self.threads = []
        for stream, chunks in ((self.popen.stdout, self.out), (self.popen.stderr, self.err)):
            if stream is not None:
                thread = threading.Thread(target=self._drain, args=(stream, chunks), daemon=True)
                thread.start()
                self.threads.append(thread)
        self.usage = None
        self.peak_kb = 0
        self._sampler = threading.Thread(target=self._sample, daemon=True)
        self._sampler.start()

    @staticmethod
    def _drain(stream, chunks):
        for chunk in iter(lambda: stream.read1(1 << 20), b""):
            chunks.append(chunk)

    @property
    def pid(self):
        return self.popen.pid

    def _status_kb(self, field):
        try:
            with open("/proc/%d/status" % self.pid) as f:
                for line in f:
                    if line.startswith(field + ":"):
                        return int(line.split()[1])
        except OSError:
            pass
        return 0

    def _sample(self):
        import time
        while self.popen.returncode is None:
            self.peak_kb = max(self.peak_kb, self._status_kb("VmHWM"))
            time.sleep(0.01)

    def rss_kb(self):
        """The current resident set size."""
        return self._status_kb("VmRSS")

    def cpu_seconds(self):
        """User + system CPU time so far, from /proc."""
        with open("/proc/%d/stat" % self.pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def wait(self, timeout=60):
        """(exit status, stdout, stderr); the peak RSS is then self.peak_kb."""
        import time
        deadline = time.monotonic() + timeout
        while True:
            pid, status, usage = os.wait4(self.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                self.popen.kill()
                os.wait4(self.pid, 0)
                raise AssertionError("%s did not finish within %s s" % (self.popen.args, timeout))
            time.sleep(0.02)
        self.popen.returncode = os.waitstatus_to_exitcode(status)
        self.usage = usage
        for thread in self.threads:
            thread.join()
        self._sampler.join()
        for stream in (self.popen.stdout, self.popen.stderr, self.popen.stdin):
            if stream is not None:
                try:
                    stream.close()
                except BrokenPipeError:
                    pass  # input the tool no longer reads
        return self.popen.returncode, b"".join(self.out), b"".join(self.err)

    @property
    def total_cpu(self):
        return self.usage.ru_utime + self.usage.ru_stime

    def kill(self):
        if self.popen.returncode is None:
            self.popen.kill()
            try:
                self.wait(10)
            except (AssertionError, ChildProcessError):
                pass


def report(figure):
    """States a scenario's figure in the test log."""
    print("FIGURE: " + figure, flush=True)
