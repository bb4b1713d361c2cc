#!/usr/bin/env python3
"""Medians over several matrix runs of bench/run.sh: per scenario, the project's figures and its ratios to each peer
taken within each run (the VM is noisy: only ratios inside one run are compared), then the median across runs.

    bench/medians.py bench/results/RUN1 bench/results/RUN2 bench/results/RUN3
"""
import json
import os
import statistics
import sys

SCENARIOS = ["100x100", "100x1000", "100x5000", "1000x100", "5000x100", "10000x10"]
PEERS = ["nchan", "netty-ref"]


def load(run):
    rows = {}
    with open(os.path.join(run, "matrix", "results.jsonl")) as f:
        for line in f:
            r = json.loads(line)
            server = "netty-ref" if r["label"].startswith("netty-ref") else r["label"].split("-")[0]
            rows[(f"{r['conns_target']}x{r['rate_target']}", server)] = r
    return rows


def fmt(values, digits=2):
    return " / ".join(f"{v:.{digits}f}" for v in values)


runs = [load(run) for run in sys.argv[1:]]
print(f"Medians of {len(runs)} runs: " + ", ".join(os.path.basename(os.path.normpath(r)) for r in sys.argv[1:]) + "\n")
print("| scenario | project delivered/s | project p99 µs | project CPU µs/1k | CPU vs nchan | CPU vs Netty "
      "| p99 vs nchan | p99 vs Netty | missing + dup (all servers) |")
print("|---|---|---|---|---|---|---|---|---|")
for scenario in SCENARIOS:
    present = [run for run in runs if (scenario, "project") in run]
    if not present:
        continue
    project = [run[(scenario, "project")] for run in present]
    cells = [scenario,
             f"{statistics.median(r['deliveries_per_s'] for r in project):,.0f}",
             f"{statistics.median(r['lat_p99_us'] for r in project):,.0f}",
             f"{statistics.median(r['server_cpu_us_per_1k'] for r in project):,.0f}"]
    for metric in ("server_cpu_us_per_1k", "lat_p99_us"):
        for peer in PEERS:
            ratios = [run[(scenario, "project")][metric] / run[(scenario, peer)][metric]
                      for run in present if (scenario, peer) in run]
            cells.append(f"**{statistics.median(ratios):.2f}** ({fmt(ratios)})" if ratios else "")
    lost = sum(r["missing"] + r["duplicates"] for run in present for (s, _), r in run.items() if s == scenario)
    cells.append(str(lost))
    print("| " + " | ".join(cells) + " |")
