#!/usr/bin/env bash
# Slow readers beside healthy ones: `fanout loadgen` with a fraction of its connections reading at a capped byte rate,
# the server under each slow-consumer policy, and a run without slow readers as the baseline for the healthy ones.
# Server pinned to CPU 0, load generator to CPU 1, port 18083.
#   bench/slow-readers.sh [--out DIR] [--duration S] [--warmup S]
case "${1:-}" in -h|--help) sed -n '2,/^[^#]/s/^# \{0,1\}//p' "$0" | grep -v '^case '; exit 0;; esac
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
out="$repo/bench/results/slow-$(date -u +%Y%m%d-%H%M%S)"
duration=15; warmup=5
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="$2"; shift 2;;
    --duration) duration="$2"; shift 2;;
    --warmup) warmup="$2"; shift 2;;
    *) echo "unknown option $1" >&2; exit 2;;
  esac
done
mkdir -p "$out/raw"; out="$(cd "$out" && pwd)"
jar="$repo/tools/target/fanout.jar"
[ -f "$jar" ] || (cd "$repo" && mvn -q -B -DskipTests package)
ids="$(mktemp -d)"
shape="--topics 100 --topics-per-conn 5-5 --conns 1000 --rate 1000 --size 128"
{ echo "date: $(date -u +%FT%TZ)"; echo "commit: $(cd "$repo" && git rev-parse --short HEAD)"; echo "shape: $shape"; } > "$out/env.txt"

run() { # label "server -D settings" extra loadgen args...
  local label="$1" settings="$2"; shift 2
  taskset -c 0 java -Xmx1g -XX:+UseParallelGC $settings -Dfanout.dir="$ids" -jar "$jar" server --port 18083 \
    > "$out/raw/server-$label.log" 2>&1 &
  local pid=$!
  for _ in $(seq 100); do curl -sf http://127.0.0.1:18083/health > /dev/null && break; sleep 0.1; done
  taskset -c 1 java -XX:+UseParallelGC -Xms1g -Xmx2g -jar "$jar" loadgen \
    --sub-url 'http://127.0.0.1:18083/sse' --pub-url 'http://127.0.0.1:18083/publish/{topic}' --topic sym $shape \
    --duration "$duration" --warmup "$warmup" --server-pid "$pid" --label "$label" \
    --json-out "$out/results.jsonl" --quiet "$@" > "$out/raw/loadgen-$label.log" 2>&1 || true
  curl -s http://127.0.0.1:18083/metrics > "$out/metrics-$label.txt" || true
  kill -TERM "$pid"; wait "$pid" || true
}
run no-slow "" 
run disconnect-10pct "-Dfanout.slow.consumer.policy=disconnect" --slow-fraction 0.1 --slow-rate 4096
run conflate-10pct "-Dfanout.slow.consumer.policy=conflate" --slow-fraction 0.1 --slow-rate 4096
run conflate-10pct-sndbuf16k "-Dfanout.slow.consumer.policy=conflate -Dfanout.stream.send.buffer=16k" --slow-fraction 0.1 --slow-rate 4096
python3 - "$out/results.jsonl" > "$out/summary.md" <<'PY'
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
print("| run | healthy p50 µs | healthy p99 µs | healthy missing | slow conns | slow closed by server | slow deliveries | slow staleness p50 µs | slow staleness p99 µs | server CPU µs/1k |")
print("|---|---|---|---|---|---|---|---|---|---|")
for r in rows:
    print("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (r["label"], r["lat_p50_us"], r["lat_p99_us"], r["missing"],
          r.get("slow_conns", 0), r.get("slow_closed_by_server", 0), r.get("slow_deliveries", 0),
          r.get("slow_staleness_p50_us", "-"), r.get("slow_staleness_p99_us", "-"), r.get("server_cpu_us_per_1k", "-")))
PY
cat "$out/summary.md"
