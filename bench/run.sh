#!/usr/bin/env bash
# Reproduces the tables of BENCHMARKS.md: the peer matrix and max-throughput probes beside nginx+nchan and the
# Netty reference (../shared/bench harness and load generator), then the project's own cases with `fanout loadgen`
# (many topics, idle strategies and I/O threads), memory per idle subscriber, and the JMH hot-path suite.
#
#   bench/run.sh [--out DIR] [--only "matrix probe topics idle abuse memory jmh"] [--duration S] [--warmup S]
#                [--repeat N]   (the matrix N times, default 3, and the medians of the ratios: BENCHMARKS.md's headline)
#
# Server pinned to CPU 0, load generators to CPU 1. Ports 18000-18999 on 127.0.0.1. About 75 minutes in full.
case "${1:-}" in -h|--help) sed -n '2,/^[^#]/s/^# \{0,1\}//p' "$0" | grep -v '^case '; exit 0;; esac
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
shared="${SHARED_BENCH:-$repo/../shared/bench}"
out="$repo/bench/results/$(date -u +%Y%m%d-%H%M%S)"
only="matrix probe topics idle abuse memory jmh"
duration=15
warmup=5
repeat=3
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="$2"; shift 2;;
    --only) only="$2"; shift 2;;
    --duration) duration="$2"; shift 2;;
    --warmup) warmup="$2"; shift 2;;
    --repeat) repeat="$2"; shift 2;;
    *) echo "unknown option $1" >&2; exit 2;;
  esac
done
mkdir -p "$out/raw"
out="$(cd "$out" && pwd)"
has() { case " $only " in *" $1 "*) return 0;; *) return 1;; esac; }

jar="$repo/tools/target/fanout.jar"
(cd "$repo" && mvn -q -B -DskipTests package)

work="$(mktemp -d /tmp/fanout-bench.XXXXXX)"
cp -r "$shared" "$work/"
peer="$work/bench"
if ! command -v nginx > /dev/null || [ ! -e /usr/lib/nginx/modules/ngx_nchan_module.so ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx libnginx-mod-nchan jq > /dev/null
fi
(cd "$peer/loadgen" && mvn -q -B package) && (cd "$peer/netty-ref" && mvn -q -B package)

server_cmd() { # extra -D settings...
  echo "java -Xmx1g -XX:+UseParallelGC -Dfanout.dir=$work/ids $* -jar $jar server --port 18083"
}
project_args() {
  echo --custom-name project --custom-sub 'http://127.0.0.1:18083/sse/{topic}' \
    --custom-pub 'http://127.0.0.1:18083/publish/{topic}'
}

{
  echo "date: $(date -u +%FT%TZ)"
  echo "kernel: $(uname -r)  cpus: $(nproc)  mem: $(free -g | awk '/Mem:/{print $2}') GiB  ulimit -n: $(ulimit -n)"
  echo "java: $(java -version 2>&1 | head -1)"
  echo "commit: $(cd "$repo" && git rev-parse --short HEAD)"
  echo "server: $(server_cmd)"
} > "$out/env.txt"

if has matrix; then
  # this VM is noisy: the matrix runs $repeat times (each server started afresh per row) and the headline is the
  # median of the ratios taken within each run
  runs=()
  . "$repo/bench/progress.sh"
  for r in $(seq "$repeat"); do
    progress "$r" "$repeat" "matrix run $r of nchan, Netty and the project"
    mkdir -p "$out/matrix-r$r"
    (cd "$peer" && ./peer-bench.sh --servers "nchan netty-ref" --custom-cmd "$(server_cmd)" $(project_args) \
      --duration "$duration" --warmup "$warmup" --no-probe --out "$out/matrix-r$r/matrix") > "$out/raw/matrix-r$r.log" 2>&1
    runs+=("$out/matrix-r$r")
  done
  python3 "$repo/bench/medians.py" "${runs[@]}" > "$out/medians.md"
fi

if has probe; then
  for conns in 1000 100; do
    if [ "$conns" = 1000 ]; then rates="100 200 300 400 600 800 1000 1500"; else rates="2000 4000 6000 8000 10000 15000"; fi
    (cd "$peer" && ./peer-bench.sh --servers "nchan netty-ref" --custom-cmd "$(server_cmd)" $(project_args) \
      --probe-only --probe-conns "$conns" --probe-rates "$rates" --out "$out/probe-$conns") > "$out/raw/probe-$conns.log" 2>&1
  done
fi

# The project alone, measured with its own load generator.
run_project() { # label "server -D settings" loadgen args...
  local label="$1" settings="$2"; shift 2
  taskset -c 0 bash -c "exec $(server_cmd "$settings")" > "$out/raw/server-$label.log" 2>&1 &
  local pid=$!
  for _ in $(seq 100); do curl -sf http://127.0.0.1:18083/health > /dev/null && break; sleep 0.1; done
  local attacker=""
  if [ -n "${ABUSE_ARGS:-}" ]; then # the attack mix beside the load generator, for the load generator's whole run
    taskset -c 1 java -Xmx256m -jar "$jar" abuse --port 18083 --duration $((duration + warmup + 5)) $ABUSE_ARGS \
      > "$out/raw/abuse-$label.log" 2>&1 &
    attacker=$!
  fi
  taskset -c 1 java -XX:+UseParallelGC -Xms1g -Xmx2g -jar "$jar" loadgen \
    --sub-url 'http://127.0.0.1:18083/sse/{topic}' --pub-url 'http://127.0.0.1:18083/publish/{topic}' \
    --server-pid "$pid" --server-metrics http://127.0.0.1:18083/metrics --label "$label" \
    --json-out "$out/project.jsonl" --quiet "$@" > "$out/raw/loadgen-$label.log" 2>&1 || true
  if [ -n "$attacker" ]; then wait "$attacker" || true; fi
  curl -s http://127.0.0.1:18083/metrics > "$out/metrics-$label.txt" || true
  kill -TERM "$pid"; wait "$pid" || true
}

if has topics; then
  run_project many-topics "-Dfanout.payload.max.length=4k -Dfanout.history.bytes=128k -Dfanout.history.events=1024" \
    --topic mt --topics 1000 --topics-per-conn 1-5 --conns 1000 --rate 1000 --duration "$duration" --warmup "$warmup"
fi

if has idle; then
  for idle in select backoff yield spin; do
    run_project "idle-$idle-1000x100" "-Dfanout.io.idle.strategy=$idle" \
      --conns 1000 --rate 100 --duration "$duration" --warmup "$warmup"
  done
  run_project "sequencer-yielding-1000x100" "-Dfanout.sequencer.wait.strategy=yielding" \
    --conns 1000 --rate 100 --duration "$duration" --warmup "$warmup"
  # two I/O threads cannot help on one pinned CPU: this row shows what the second thread costs there
  run_project "io-threads-2-1000x100" "-Dfanout.io.threads=2" \
    --conns 1000 --rate 100 --duration "$duration" --warmup "$warmup"
fi

if has abuse; then
  # control subscribers' latency with and without the abuse suite's attacks beside them, alternated three times;
  # the never-reading subscribers sit on the control topic
  for round in 1 2 3; do
    run_project "abuse-off-$round" "" \
      --conns 100 --rate 100 --duration "$duration" --warmup "$warmup"
    ABUSE_ARGS="--slow-loris 50 --churn-rate 200 --never-readers 20 --never-reader-topic bench0" \
      run_project "abuse-on-$round" "" \
      --conns 100 --rate 100 --duration "$duration" --warmup "$warmup"
  done
fi

if has memory; then
  "$repo/bench/idle-memory.sh" "$jar" 10000 > "$out/idle-memory.txt" 2>&1
fi

if has jmh; then
  java -jar "$repo/jmh/target/benchmarks.jar" -f 1 -wi 3 -i 5 -w 1 -r 1 -prof gc \
    -rf json -rff "$out/jmh.json" > "$out/jmh.txt" 2>&1
fi

python3 "$repo/bench/report.py" "$out" > "$out/summary.md"
rm -rf "$work"
echo "results in $out"
