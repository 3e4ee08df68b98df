#!/usr/bin/env python3
"""Checks the rule of ARCHITECTURE.md from the sources' #include lines:

- a folder of lib/mqtk includes only itself and the folders before it in
  base, mqtt, payload, output, records, client, record, top, cli (no cycles, no back edges);
- CLI11 is included only in cli/ and the tools' mains (it is slow to compile);
- libmosquitto's headers stay inside mqtt/ and client/ (and the library's
  own tool set-up in cli/tool.cpp), never in a tool's main;
- every source file of lib/ has its header beside it, and every header is
  included as "mqtk/<area>/<file>.hpp".

Prints each breach as file:line and exits 1 if there is any."""

import os
import re
import sys

ORDER = ["base", "mqtt", "payload", "output", "records", "client", "record", "top", "cli"]
MOSQUITTO_ALLOWED = {"mqtt", "client", "output", "records", "record", "cli"}
INCLUDE = re.compile(r'^\s*#\s*include\s*[<"]([^>"]+)[>"]')


def breaches(root):
    lib = os.path.join(root, "lib", "mqtk")
    found = []
    areas = sorted(d for d in os.listdir(lib) if os.path.isdir(os.path.join(lib, d)))
    for area in areas:
        if area not in ORDER:
            found.append("lib/mqtk/%s: a folder the dependency order does not name (%s)" % (area, ", ".join(ORDER)))
    for area in ORDER:
        directory = os.path.join(lib, area)
        if not os.path.isdir(directory):
            continue
        allowed = set(ORDER[:ORDER.index(area) + 1])
        for name in sorted(os.listdir(directory)):
            path = os.path.join(directory, name)
            shown = os.path.relpath(path, root)
            if name.endswith(".cpp") and not os.path.exists(path[:-4] + ".hpp"):
                found.append("%s: no header beside it" % shown)
            if not name.endswith((".cpp", ".hpp")):
                continue
            with open(path) as f:
                for number, line in enumerate(f, 1):
                    match = INCLUDE.match(line)
                    if not match:
                        continue
                    header = match.group(1)
                    where = "%s:%d" % (shown, number)
                    if header.startswith("mqtk/"):
                        parts = header.split("/")
                        if len(parts) != 3:
                            found.append("%s: %s is not mqtk/<area>/<file>.hpp" % (where, header))
                        elif parts[1] not in allowed:
                            found.append("%s: %s/ may not include %s (%s comes after %s)"
                                         % (where, area, header, parts[1], area))
                    elif header.startswith("CLI/") and area != "cli":
                        found.append("%s: CLI11 outside cli/" % where)
                    elif header in ("mosquitto.h", "mqtt_protocol.h") and area not in MOSQUITTO_ALLOWED:
                        found.append("%s: libmosquitto's %s outside the MQTT layers" % (where, header))
    tools = os.path.join(root, "tools")
    for tool in sorted(os.listdir(tools)):
        main = os.path.join(tools, tool, "main.cpp")
        if not os.path.exists(main):
            continue
        with open(main) as f:
            for number, line in enumerate(f, 1):
                match = INCLUDE.match(line)
                if match and match.group(1) in ("mosquitto.h", "mqtt_protocol.h"):
                    found.append("tools/%s/main.cpp:%d: a tool's main includes libmosquitto's %s"
                                 % (tool, number, match.group(1)))
    return found


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..")
    found = breaches(root)
    for breach in found:
        print(breach)
    if found:
        sys.exit(1)
    print("the layers hold: %s" % " <- ".join(ORDER))


if __name__ == "__main__":
    main()
