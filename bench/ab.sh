#!/usr/bin/env bash
# A/B of two server settings on the same scenarios with the peers' load generator (../shared/bench/loadgen),
# alternating A and B per scenario in one run. Server pinned to CPU 0, load generator to CPU 1, port 18083.
#
#   bench/ab.sh --a "-Dfanout.io.pass.gap.max=0" --b "" --scenarios "100x1000 1000x100 5000x100 100x5000" [--out DIR]
#   bench/ab.sh --a-jar old/fanout.jar --b-jar tools/target/fanout.jar ...   # two builds, same settings
#   bench/ab.sh ... --loadgen-opts "--pub-conns 16"                          # extra load-generator flags
case "${1:-}" in -h|--help) sed -n '2,/^[^#]/s/^# \{0,1\}//p' "$0" | grep -v '^case '; exit 0;; esac
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
shared="${SHARED_BENCH:-$repo/../shared/bench}"
a=""; b=""; a_jar=""; b_jar=""; scenarios="100x1000 1000x100 5000x100 100x5000"; duration=15; warmup=5
loadgen_opts=""
out="$repo/bench/results/ab-$(date -u +%Y%m%d-%H%M%S)"
while [ $# -gt 0 ]; do
  case "$1" in
    --a) a="$2"; shift 2;;
    --b) b="$2"; shift 2;;
    --a-jar) a_jar="$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"; shift 2;;
    --b-jar) b_jar="$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"; shift 2;;
    --scenarios) scenarios="$2"; shift 2;;
    --duration) duration="$2"; shift 2;;
    --warmup) warmup="$2"; shift 2;;
    --loadgen-opts) loadgen_opts="$2"; shift 2;;
    --out) out="$2"; shift 2;;
    *) echo "unknown option $1" >&2; exit 2;;
  esac
done
mkdir -p "$out/raw"; out="$(cd "$out" && pwd)"
jar="$repo/tools/target/fanout.jar"
(cd "$repo" && mvn -q -B -DskipTests package)
work="$(mktemp -d /tmp/fanout-ab.XXXXXX)"
cp -r "$shared" "$work/"
(cd "$work/bench/loadgen" && mvn -q -B package)
loadgen="$work/bench/loadgen/target/sse-loadgen.jar"
a_jar="${a_jar:-$jar}"; b_jar="${b_jar:-$jar}"
{ echo "date: $(date -u +%FT%TZ)"; echo "commit: $(cd "$repo" && git rev-parse --short HEAD)";
  echo "A: $a $a_jar"; echo "B: $b $b_jar"; echo "load generator: $loadgen_opts"; } > "$out/env.txt"

run() { # label settings conns rate jar
  taskset -c 0 java -Xmx1g -XX:+UseParallelGC $2 -Dfanout.dir="$work/ids" -jar "$5" server --port 18083 \
    > "$out/raw/server-$1.log" 2>&1 &
  local pid=$!
  for _ in $(seq 100); do curl -sf -o /dev/null http://127.0.0.1:18083/health && break; sleep 0.2; done
  taskset -c 1 java -XX:+UseParallelGC -Xms1g -Xmx2g -jar "$loadgen" \
    --sub-url 'http://127.0.0.1:18083/sse/{topic}' --pub-url 'http://127.0.0.1:18083/publish/{topic}' \
    --conns "$3" --rate "$4" --duration "$duration" --warmup "$warmup" --server-pid "$pid" --label "$1" $loadgen_opts \
    --json-out "$out/results.jsonl" --quiet > "$out/raw/loadgen-$1.log" 2>&1 || true
  kill -TERM "$pid"; wait "$pid" || true
}
. "$repo/bench/progress.sh"
set -- $scenarios; total=$(( $# * 2 )); step=0
for scenario in $scenarios; do
  conns="${scenario%x*}"; rate="${scenario#*x}"
  step=$((step + 1)); progress "$step" "$total" "A $scenario"
  run "A-$scenario" "$a" "$conns" "$rate" "$a_jar"
  step=$((step + 1)); progress "$step" "$total" "B $scenario"
  run "B-$scenario" "$b" "$conns" "$rate" "$b_jar"
done
python3 - "$out/results.jsonl" > "$out/summary.md" <<'PY'
import json, sys
print("| case | delivered/s | missing | dup | p50 µs | p99 µs | p99.9 µs | server CPU µs/1k | writes/del | loadgen cores | publish lag p99 µs |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
for line in open(sys.argv[1]):
    r = json.loads(line)
    print(f"| {r['label']} | {r['deliveries_per_s']} | {r['missing']} | {r['duplicates']} | {r['lat_p50_us']} | {r['lat_p99_us']} "
          f"| {r['lat_p999_us']} | {r['server_cpu_us_per_1k']} | {r['server_write_syscalls_per_delivery']} "
          f"| {r['loadgen_cpu_util']} | {r['pub_lag_p99_us']} |")
PY
rm -rf "$work"
cat "$out/summary.md"
