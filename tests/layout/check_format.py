#!/usr/bin/env python3
"""Checks that the C++ sources are formatted as .clang-format says (the
style of the code, written down): prints the files clang-format would change
and exits 1 if there is any. Fix with ./scripts/format."""

import glob
import os
import subprocess
import sys

FOLDERS = ["lib", "tools", "tests/unit", "tests/fuzz"]


def sources(root):
    found = []
    for folder in FOLDERS:
        for extension in ("cpp", "hpp"):
            found += glob.glob(os.path.join(root, folder, "**", "*." + extension), recursive=True)
    return sorted(found)


def main():
    root = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", ".."))
    unformatted = []
    for path in sources(root):
        result = subprocess.run(["clang-format", "--style=file", "--dry-run", "-Werror", path],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=root)
        if result.returncode != 0:
            unformatted.append(os.path.relpath(path, root))
    for path in unformatted:
        print("%s: not formatted as .clang-format says (./scripts/format fixes it)" % path)
    if unformatted:
        sys.exit(1)
    print("%d files formatted as .clang-format says" % len(sources(root)))


if __name__ == "__main__":
    main()
