#!/usr/bin/env python3
"""Market-data runs of peer-bench.sh (results.jsonl, one per run) -> per-scenario table of the project beside nchan:
each figure per run, the within-run ratios project/nchan, and the median of those ratios over the runs."""
import json
import statistics
import sys
from collections import defaultdict

FIGURES = [
    ("server_cpu_us_per_1k", "CPU µs/1k del"),
    ("lat_p50_us", "p50 µs"),
    ("lat_p99_us", "p99 µs"),
    ("deliveries_per_s", "delivered/s"),
    ("server_rss_peak_kb", "RSS peak kB"),
    ("pub_lag_p99_us", "pub lag p99 µs"),
]


def label(row):
    zipf = row.get("zipf", 0) or 0
    return "md %s/%s/%s/%s%s" % (row["topics"], row["watch"], row["n"], row["r"], " z%s" % zipf if zipf else "")


runs = []
for path in sys.argv[1:]:
    rows = defaultdict(dict)
    with open(path) as f:
        for line in f:
            row = json.loads(line)
            if row.get("mode") == "md":
                rows[label(row)][row["server"]] = row
    runs.append(rows)

scenarios = []
for rows in runs:
    for name in rows:
        if name not in scenarios:
            scenarios.append(name)

for name in scenarios:
    print("### %s\n" % name)
    print("| figure | " + " | ".join("run %d project / nchan" % (i + 1) for i in range(len(runs))) + " | median ratio |")
    print("|---|" + "---|" * (len(runs) + 1))
    for key, title in FIGURES:
        cells = []
        ratios = []
        for rows in runs:
            pair = rows.get(name, {})
            project, nchan = pair.get("project"), pair.get("nchan")
            if project is None or nchan is None:
                cells.append("-")
                continue
            p, n = project.get(key), nchan.get(key)
            if nchan.get("conns_established", 0) == 0 or not n or n < 0:
                cells.append("%s / n/a" % round(p))
                continue
            ratio = p / n
            ratios.append(ratio)
            cells.append("%s / %s (%.2f)" % (round(p), round(n), ratio))
        median = "%.2f" % statistics.median(ratios) if ratios else "-"
        print("| %s | %s | %s |" % (title, " | ".join(cells), median))
    for rows in runs:
        nchan = rows.get(name, {}).get("nchan")
        if nchan is not None and nchan.get("conns_established", 0) == 0:
            print("\nnchan served no subscriber here: %s" % nchan.get("first_error", "?"))
            break
    checks = []
    for i, rows in enumerate(runs):
        project = rows.get(name, {}).get("project")
        if project:
            checks.append("run %d: missing %d, duplicates %d, foreign %d, out-of-order %d, closed by server %d" % (
                i + 1, project["missing"], project["duplicates"], project["foreign"], project["out_of_order"],
                project["conns_closed_by_server"]))
    print("\nProject correctness: " + "; ".join(checks) + "\n")
