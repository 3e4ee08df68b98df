"""mqtk-record's line protocol into VictoriaMetrics (Debian's
victoria-metrics), which takes InfluxDB's write API: recorded through the
real server and read back as series."""

import json
import os
import shutil
import unittest
import urllib.parse
import urllib.request

from harness import BrokerTestCase, HttpServer, Process, ScratchDirectory, publish_all, tool, unique, wait_until

RECORD = tool("record")


class VictoriaMetrics(HttpServer):
    """victoria-metrics on a free 127.0.0.1 port with its data in a temporary directory."""

    name, health_path, health_status = "victoria-metrics", "/health", 200

    def command(self):
        return ["victoria-metrics", "-storageDataPath", os.path.join(self.directory, "data"),
                "-httpListenAddr", "127.0.0.1:%d" % self.port]

    def series(self, name_pattern):
        """{(metric name, frozen labels): [values]} of the series whose name matches."""
        query = urllib.parse.urlencode({"match[]": '{__name__=~"%s"}' % name_pattern})
        with urllib.request.urlopen(self.url + "/api/v1/export?" + query, timeout=10) as answer:
            found = {}
            for line in answer.read().decode().splitlines():
                item = json.loads(line)
                labels = dict(item["metric"])
                name = labels.pop("__name__")
                found[(name, tuple(sorted(labels.items())))] = item["values"]
            return found


@unittest.skipUnless(shutil.which("victoria-metrics"), "Debian's victoria-metrics is not installed")
class VictoriaMetricsTest(ScratchDirectory, BrokerTestCase):
    def test_points_read_back_as_series(self):
        prefix = unique("vm")
        with VictoriaMetrics() as vm:
            client_id = unique("rec")
            recorder = Process([RECORD, "-p", str(self.port), "-i", client_id, "-t", prefix + "/#",
                                "--influx", vm.url, "--influx-db", "plant", "--topic-tags", "+site/+device",
                                "--measurement", "sensors", "--batch-interval", "100ms",
                                "--spool", self.path("spool")])
            with recorder:
                self.broker.wait_for_subscription(client_id, prefix + "/#")
                publish_all(self.port, [(prefix + "/boiler", b'{"t": 21.5, "p": 2, "state": "on"}', 1, False),
                                        (prefix + "/boiler", b'{"t": 22, "p": 3}', 1, False),
                                        (prefix + "/pump", b"7", 1, False)])
                expected = {("sensors_t", (("db", "plant"), ("device", "boiler"), ("site", prefix))): [21.5, 22],
                            ("sensors_p", (("db", "plant"), ("device", "boiler"), ("site", prefix))): [2, 3],
                            ("sensors_value", (("db", "plant"), ("device", "pump"), ("site", prefix))): [7],
                            # VictoriaMetrics keeps no strings: a string field is stored as 0.
                            ("sensors_state", (("db", "plant"), ("device", "boiler"), ("site", prefix))): [0]}

                def stored():
                    series = vm.series("sensors_.*")
                    return {key: values for key, values in series.items() if dict(key[1]).get("site") == prefix}
                wait_until(lambda: stored() == expected, timeout=30, what="the series in VictoriaMetrics")
                recorder.signal(2)
                rc, _, err = recorder.finish()
        self.assertEqual(rc, 0, err)
        self.assertIn(b"sent 3 points to InfluxDB at " + vm.url.encode(), err)


if __name__ == "__main__":
    unittest.main()
