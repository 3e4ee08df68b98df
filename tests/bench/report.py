"""The benchmarks' one report: every bench in tests/bench/ emits its results
here as rows, appended as JSON lines to the file named by MQTK_BENCH_REPORT
(default: build/bench/report.jsonl), so that runs can be compared later.

A row compares one mqtk tool with one other program measured in the same
run on the same broker:

  {"run": id, "time": ISO 8601, "bench": "pub", "case": "32 B x 200000 QoS 0",
   "tool": "mqtk-pub", "metric": "wall time", "unit": "s", "value": 0.41,
   "against": "mosquitto_pub", "role": "reference", "reference": 0.52,
   "ratio": 0.79, "better": "lower", "target": "<= 0.9", "met": true, "note": null}

`role` is "reference" for what the target is set against (mosquitto's
clients, or what the issue names) and "peer" for the other programs a user
might pick instead (paho C's samples, MQTT.js); peers have no target. A peer
that cannot do a mode has a row with value null and a note ("n/a").

Run: python3 tests/bench/report.py FILE [--run ID]   prints the table of one
run (default: the last run in FILE).

MQTK_BENCH_SMOKE=1 makes every bench run tiny counts: the test suite's smoke
test (tests/bench/test_smoke.py) checks that the benches run and write
well-formed rows, never their figures.
"""

import argparse
import collections
import datetime
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
BUILD_DIR = os.environ.get("MQTK_BUILD_DIR", os.path.join(HERE, "..", "..", "build"))
SMOKE = os.environ.get("MQTK_BENCH_SMOKE") == "1"
RUN = os.environ.get("MQTK_BENCH_RUN") or datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
FIELDS = ("run", "time", "bench", "case", "tool", "metric", "unit", "value", "against", "role", "reference",
          "ratio", "better", "target", "met", "note")
TARGET = re.compile(r"^(<=|>=) ([0-9.]+)$")


def report_path():
    return os.environ.get("MQTK_BENCH_REPORT") or os.path.join(BUILD_DIR, "bench", "report.jsonl")


def scaled(full, smoke):
    """A count: `full` for ./scripts/bench, `smoke` under MQTK_BENCH_SMOKE=1."""
    return smoke if SMOKE else full


def size_label(size):
    return "%d KB" % (size // 1024) if size % 1024 == 0 else "%d B" % size


def meets(target, ratio):
    match = TARGET.match(target)
    if not match:
        raise ValueError("a target reads '<= X' or '>= X', not %r" % target)
    bound = float(match.group(2))
    return ratio <= bound if match.group(1) == "<=" else ratio >= bound


class Bench:
    """The rows of one benchmark script, written as they come."""

    def __init__(self, name):
        self.name = name
        self.missed = []
        self.path = report_path()
        os.makedirs(os.path.dirname(os.path.abspath(self.path)), exist_ok=True)

    def row(self, case, tool, metric, unit, value, against, reference, role="reference", better="lower",
            target=None, note=None, met=None):
        """Writes one comparison of `tool`'s `value` with `against`'s
        `reference`. `met` may be given False when the run itself failed the
        target (a lost message), whatever the ratio."""
        ratio = value / reference if value is not None and reference else None
        if target is not None and met is None:
            met = meets(target, ratio) if ratio is not None else False
        row = {"run": RUN, "time": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
               "bench": self.name, "case": case, "tool": tool, "metric": metric, "unit": unit,
               "value": value, "against": against, "role": role, "reference": reference, "ratio": ratio,
               "better": better, "target": target, "met": met if target is not None else None, "note": note}
        with open(self.path, "a") as f:
            f.write(json.dumps(row) + "\n")
        if row["met"] is False:
            self.missed.append(row)
        print("  %s | %s %s: %s vs %s%s%s" % (
            case, tool, metric, number(value), against,
            "  ratio %.2f" % ratio if ratio is not None else "",
            "  target %s: %s" % (target, "met" if row["met"] else "MISSED") if target else "") +
            ("  (%s)" % note if note else ""), flush=True)
        return row

    def not_applicable(self, case, tool, metric, unit, against, why):
        """A peer that cannot do this case."""
        return self.row(case, tool, metric, unit, None, against, None, role="peer", note="n/a: " + why)

    def done(self):
        """Exits: 1 when a target was missed (never in smoke mode, where the
        figures mean nothing)."""
        print("rows appended to %s (run %s)" % (self.path, RUN))
        if self.missed and not SMOKE:
            print("%d target(s) missed in %s" % (len(self.missed), self.name))
            sys.exit(1)
        sys.exit(0)


def number(value):
    if value is None:
        return "n/a"
    if value == 0 or 0.01 <= abs(value) < 100000:
        return "%.3g" % value if abs(value) < 1000 else "%.0f" % value
    return "%.2e" % value


def read(path, run=None):
    """The rows of one run in `path` (default: its last run)."""
    rows = []
    with open(path) as f:
        for line in f:
            if line.strip():
                rows.append(json.loads(line))
    if not rows:
        return None, []
    run = run or rows[-1]["run"]
    return run, [row for row in rows if row["run"] == run]


def peer_column(against):
    """Peers of the pub and sub benches share a column: paho_c_pub and
    paho_c_sub are both 'paho_c', 'MQTT.js (mqtt version)' is 'MQTT.js'."""
    return re.sub(r"[_ ](pub|sub)$", "", re.sub(r" \(.*\)$", "", against))


def table(rows):
    """One line per (bench, case, tool, metric): the value, the reference's,
    the ratio, the target and verdict, then the ratio to each peer."""
    lines = collections.OrderedDict()
    peers = []
    for row in rows:
        key = (row["bench"], row["case"], row["tool"], row["metric"])
        line = lines.setdefault(key, {"peers": {}})
        if row["role"] == "peer":
            column = peer_column(row["against"])
            if column not in peers:
                peers.append(column)
            line["peers"][column] = "%.2f" % row["ratio"] if row["ratio"] is not None else "n/a"
            if row["value"] is not None and "unit" not in line:
                line["unit"], line["better"] = row["unit"], row["better"]
            if line.get("value") is None and row["value"] is not None:
                line["value"] = row["value"]
        else:
            line.update(row=row, value=row["value"], unit=row["unit"], better=row["better"])
    header = ["bench", "case", "tool", "metric", "mqtk", "against", "theirs", "ratio", "target", "met"] + \
        ["vs " + peer for peer in peers]
    body = []
    for (bench, case, tool, metric), line in lines.items():
        row = line.get("row")
        unit = line.get("unit", "")
        better = {"lower": "↓", "higher": "↑"}.get(line.get("better"), "")
        body.append([bench, case, tool, "%s (%s) %s" % (metric, unit, better),
                     number(line.get("value")),
                     row["against"] if row else "", number(row["reference"]) if row else "",
                     "%.2f" % row["ratio"] if row and row["ratio"] is not None else "",
                     row["target"] or "" if row else "",
                     {True: "yes", False: "NO", None: ""}[row["met"]] if row else ""] +
                    [line["peers"].get(peer, "") for peer in peers])
    return header, body


def markdown(header, body):
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |" for cells in body]
    return "\n".join(out)


def plain(header, body):
    widths = [max(len(str(cells[i])) for cells in [header] + body) for i in range(len(header))]
    return "\n".join("  ".join(str(cell).ljust(width) for cell, width in zip(cells, widths)).rstrip()
                     for cells in [header] + body)


def main():
    parser = argparse.ArgumentParser(description="Prints the table of one benchmark run.")
    parser.add_argument("file", nargs="?", default=report_path())
    parser.add_argument("--run", help="the run's id (default: the last run in the file)")
    parser.add_argument("--markdown", action="store_true", help="a Markdown table (as in README.md)")
    args = parser.parse_args()
    run, rows = read(args.file, args.run)
    if not rows:
        sys.exit("no rows%s in %s" % (" of run " + args.run if args.run else "", args.file))
    header, body = table(rows)
    missed = sum(1 for row in rows if row["met"] is False)
    print("Run %s: ratio = mqtk / theirs (↓ lower is better, ↑ higher); targets against the reference; "
          "vs PEER = ratio to that peer (n/a: it cannot do this case)" % run)
    print(markdown(header, body) if args.markdown else plain(header, body))
    print("%d target(s) met, %d missed; rows from %s" % (sum(1 for row in rows if row["met"]), missed, args.file))


if __name__ == "__main__":
    main()
