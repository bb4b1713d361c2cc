#!/usr/bin/env python3
"""Turns one bench/run.sh output directory into the markdown tables of BENCHMARKS.md."""
import json
import os
import sys

out = sys.argv[1]


def section(title, path):
    if os.path.exists(path):
        print(f"## {title}\n")
        with open(path) as f:
            print(f.read())


print("# Benchmark run\n")
section("Environment", os.path.join(out, "env.txt"))
section("Peer matrix: medians over the runs", os.path.join(out, "medians.md"))
section("Peer matrix (peer harness and load generator)", os.path.join(out, "matrix", "summary.md"))
run = 1
while os.path.isdir(os.path.join(out, f"matrix-r{run}")):
    section(f"Peer matrix, run {run}", os.path.join(out, f"matrix-r{run}", "matrix", "summary.md"))
    run += 1
for conns in ("1000", "100"):
    section(f"Max-throughput probe, N={conns}", os.path.join(out, f"probe-{conns}", "summary.md"))

project = os.path.join(out, "project.jsonl")
if os.path.exists(project):
    print("## The project alone (fanout loadgen)\n")
    print("| case | N x R | topics | delivered/s | target | missing | dup | p50 µs | p99 µs | p99.9 µs | "
          "server CPU µs/1k del | server cores | writes/del | peak RSS MB |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    with open(project) as f:
        for line in f:
            r = json.loads(line)
            print(f"| {r['label']} | {r['conns_target']}x{r['rate_target']} | {r['topics']} ({r['topics_per_conn']}/conn) "
                  f"| {r['deliveries_per_s']} | {r['target_deliveries_per_s']} | {r['missing']} | {r['duplicates']} "
                  f"| {r['lat_p50_us']} | {r['lat_p99_us']} | {r['lat_p999_us']} | {r['server_cpu_us_per_1k']} "
                  f"| {r['server_cpu_util']} | {r['server_write_syscalls_per_delivery']} "
                  f"| {round(r['server_rss_peak_kb'] / 1024, 1)} |")
    print()

section("Memory per idle subscriber", os.path.join(out, "idle-memory.txt"))

jmh = os.path.join(out, "jmh.json")
if os.path.exists(jmh):
    print("## JMH\n")
    print("| benchmark | params | score | error (99.9 %) | unit | alloc B/op |")
    print("|---|---|---|---|---|---|")
    with open(jmh) as f:
        for r in json.load(f):
            params = ", ".join(f"{k}={v}" for k, v in (r.get("params") or {}).items())
            m = r["primaryMetric"]
            alloc = r.get("secondaryMetrics", {}).get("gc.alloc.rate.norm", {}).get("score")
            alloc_text = "" if alloc is None else f"{alloc:.1f}"
            print(f"| {r['benchmark'].split('.', 2)[-1]} | {params} | {m['score']:.1f} | ± {m['scoreError']:.1f} "
                  f"| {m['scoreUnit']} | {alloc_text} |")
    print()
