"""The layer check itself: it must find what it is there to find."""

import os
import tempfile
import unittest

import check_layers


def tree(files):
    root = tempfile.mkdtemp(prefix="mqtk-layers-")
    for path, text in files.items():
        full = os.path.join(root, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w") as f:
            f.write(text)
    os.makedirs(os.path.join(root, "tools"), exist_ok=True)
    return root


class CheckLayersTest(unittest.TestCase):
    def test_a_clean_tree_passes(self):
        root = tree({"lib/mqtk/base/a.hpp": "", "lib/mqtk/base/a.cpp": '#include "mqtk/base/a.hpp"\n',
                     "lib/mqtk/cli/c.hpp": '#include "mqtk/base/a.hpp"\n#include <CLI/CLI.hpp>\n'})
        self.assertEqual(check_layers.breaches(root), [])

    def test_breaches_are_named_with_their_line(self):
        root = tree({
            "lib/mqtk/base/a.hpp": '#include <string>\n#include "mqtk/mqtt/session.hpp"\n',  # a back edge
            "lib/mqtk/base/b.cpp": "",                                                        # no header
            "lib/mqtk/output/o.hpp": '#include <CLI/CLI.hpp>\n',                              # CLI11 outside cli/
            "lib/mqtk/mqtt/m.hpp": '#include "mqtk/session.hpp"\n',                           # no area
            "lib/mqtk/extra/x.hpp": "",                                                       # an unknown folder
            "tools/pub/main.cpp": "#include <mqtt_protocol.h>\n",
        })
        self.assertEqual(sorted(check_layers.breaches(root)), sorted([
            "lib/mqtk/base/a.hpp:2: base/ may not include mqtk/mqtt/session.hpp (mqtt comes after base)",
            "lib/mqtk/base/b.cpp: no header beside it",
            "lib/mqtk/output/o.hpp:1: CLI11 outside cli/",
            "lib/mqtk/mqtt/m.hpp:1: mqtk/session.hpp is not mqtk/<area>/<file>.hpp",
            "lib/mqtk/extra: a folder the dependency order does not name "
            "(base, mqtt, payload, output, records, client, record, top, cli)",
            "tools/pub/main.cpp:1: a tool's main includes libmosquitto's mqtt_protocol.h",
        ]))


if __name__ == "__main__":
    unittest.main()
