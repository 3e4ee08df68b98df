"""Installing: `cmake --install` into a prefix, and the .deb CPack builds
(installed with apt and removed again when run by CI as root)."""

import os
import shutil
import subprocess
import tempfile
import unittest

from harness import run

SOURCE_DIR = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD_DIR = os.environ.get("MQTK_BUILD_DIR", os.path.join(SOURCE_DIR, "build"))
TOOLS = ("mqtk-pub", "mqtk-sub", "mqtk-record", "mqtk-rr", "mqtk-top")

# Where each kind of file goes under the prefix.
EXPECTED = ["bin/%s" % t for t in TOOLS] + \
           ["share/man/man1/%s.1.gz" % p for p in ("mqtk",) + TOOLS] + \
           ["share/bash-completion/completions/%s" % t for t in TOOLS] + \
           ["share/zsh/site-functions/_%s" % t for t in TOOLS] + \
           ["share/fish/vendor_completions.d/%s.fish" % t for t in TOOLS] + \
           ["lib/mqtk/mqtk-protobuf.so"]


def loads_protobuf_module(tool):
    """Whether an installed tool finds and loads its mqtk-protobuf.so: the
    module reads --decode's schema while the flags are checked, so its own
    error about a missing file, before any connection, says it did."""
    rc, out, err = run([tool, "-p", "1", "-t", "a", "--decode", "protobuf:no-such.proto:p.M"])
    return (rc, out, err.decode(errors="replace").splitlines()[0]) == \
        (1, b"", "%s: --decode: no-such.proto: File not found." % os.path.basename(tool))


def man_pages_excluded():
    """Minimal (container) systems may tell dpkg not to install man pages."""
    directory = "/etc/dpkg/dpkg.cfg.d"
    for name in os.listdir(directory) if os.path.isdir(directory) else []:
        with open(os.path.join(directory, name), errors="replace") as f:
            if any(line.startswith("path-exclude") and "/usr/share/man" in line for line in f):
                return True
    return False


class InstallTest(unittest.TestCase):
    def setUp(self):
        self.directory = tempfile.mkdtemp(prefix="mqtk-install-")

    def tearDown(self):
        shutil.rmtree(self.directory, ignore_errors=True)

    def test_install_into_a_prefix_and_run_the_installed_tools(self):
        prefix = os.path.join(self.directory, "prefix")
        rc, _, err = run(["cmake", "--install", BUILD_DIR, "--prefix", prefix], timeout=120)
        self.assertEqual(rc, 0, err)
        for path in EXPECTED:
            self.assertTrue(os.path.isfile(os.path.join(prefix, path)), path)
        for name in TOOLS:
            rc, out, _ = run([os.path.join(prefix, "bin", name), "--version"])
            self.assertEqual(rc, 0)
            self.assertTrue(out.startswith(name.encode() + b" "))
        self.assertTrue(loads_protobuf_module(os.path.join(prefix, "bin", "mqtk-sub")))
        rc, out, _ = run(["man", "-w", "mqtk-record"], env=dict(os.environ, MANPATH=os.path.join(prefix, "share/man")))
        self.assertEqual((rc, out.decode().strip()), (0, os.path.join(prefix, "share/man/man1/mqtk-record.1.gz")))
        rc, out, err = run(["man", "--warnings", "-l", os.path.join(prefix, "share/man/man1/mqtk-record.1.gz")],
                           env=dict(os.environ, MANWIDTH="80"))
        self.assertEqual((rc, err), (0, b""))
        self.assertIn(b"mqtk-record", out)

    def test_debian_package(self):
        rc, out, err = run(["cpack", "-G", "DEB", "-B", self.directory, "--config",
                            os.path.join(BUILD_DIR, "CPackConfig.cmake")], timeout=300)
        self.assertEqual(rc, 0, out + err)
        packages = [f for f in os.listdir(self.directory) if f.startswith("mqtk_") and f.endswith(".deb")]
        self.assertEqual(len(packages), 1, os.listdir(self.directory))
        package = os.path.join(self.directory, packages[0])

        info = subprocess.run(["dpkg-deb", "-f", package, "Package", "Depends"], stdout=subprocess.PIPE,
                              check=True).stdout.decode()
        self.assertIn("Package: mqtk", info)
        # zlib1g, libzstd1, libcurl4, libjq1: loaded only when needed, so named by hand (cmake/Packaging.cmake).
        for library in ("libmosquitto1", "libcurl4", "libssl3", "zlib1g", "libzstd1", "libjq1"):
            self.assertIn(library, info)
        # mqtk-protobuf.so's (the tools carry their own C++ runtime, tools/CMakeLists.txt).
        for library in ("libprotobuf32", "libstdc++6"):
            self.assertIn(library, info)
        contents = subprocess.run(["dpkg-deb", "-c", package], stdout=subprocess.PIPE, check=True).stdout.decode()
        for path in EXPECTED:
            self.assertIn("./usr/" + path, contents)

        if os.environ.get("CI") != "true" or os.geteuid() != 0:
            self.skipTest("installing the package with apt is done only by CI, as root")
        rc, out, err = run(["apt-get", "install", "-y", package], timeout=600,
                           env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))
        self.assertEqual(rc, 0, out + err)
        try:
            for name in TOOLS:
                rc, out, _ = run(["/usr/bin/" + name, "--version"])
                self.assertEqual(rc, 0)
            self.assertTrue(loads_protobuf_module("/usr/bin/mqtk-record"))
            if not man_pages_excluded():
                rc, out, _ = run(["man", "-w", "mqtk-sub"])
                self.assertEqual(out.decode().strip(), "/usr/share/man/man1/mqtk-sub.1.gz")
        finally:
            rc, out, err = run(["apt-get", "remove", "-y", "mqtk"], timeout=600,
                               env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))
            self.assertEqual(rc, 0, out + err)


if __name__ == "__main__":
    unittest.main()
