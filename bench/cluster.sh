#!/usr/bin/env bash
# Publish -> delivery through Kafka beside the direct path, in one run: a dev broker (fanout kafka-dev) on CPU 1
# with the load generator, the server on CPU 0, started afresh per case; A = single node (publishes go straight into
# the ring), B = cluster mode on the broker (publishes go to Kafka and come back through the node's ingest). Uses
# bench/ab.sh with the peers' load generator; results and summary in the output folder, logs in its raw/.
#
#   bench/cluster.sh [--out DIR] [--scenarios "100x1000 1000x100"] [--duration 15] [--warmup 5]
#                    [--loadgen-opts "--pub-conns 16"]
case "${1:-}" in -h|--help) sed -n '2,/^[^#]/s/^# \{0,1\}//p' "$0" | grep -v '^case '; exit 0;; esac
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
out="$repo/bench/results/cluster-$(date -u +%Y%m%d-%H%M%S)"
scenarios="100x1000 1000x100"; duration=15; warmup=5
# a publish through Kafka waits for the acknowledgement (several ms here): enough publisher connections that the
# offered rate does not queue behind it, the same for both cases
loadgen_opts="--pub-conns 16"
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="$2"; shift 2;;
    --scenarios) scenarios="$2"; shift 2;;
    --duration) duration="$2"; shift 2;;
    --warmup) warmup="$2"; shift 2;;
    --loadgen-opts) loadgen_opts="$2"; shift 2;;
    *) echo "unknown option $1" >&2; exit 2;;
  esac
done
mkdir -p "$out/raw"; out="$(cd "$out" && pwd)"
(cd "$repo" && mvn -q -B -DskipTests package -pl kafka-dev,tools -am)
broker_dir="$(mktemp -d /tmp/fanout-bench-kafka.XXXXXX)"
taskset -c 1 java -Xmx1g -jar "$repo/kafka-dev/target/fanout-kafka-dev.jar" --port 19492 --dir "$broker_dir" \
  > "$out/raw/broker.log" 2>&1 &
broker=$!
trap 'kill -TERM $broker 2>/dev/null || true; wait $broker 2>/dev/null || true; rm -rf "$broker_dir"' EXIT
for _ in $(seq 100); do (echo > /dev/tcp/127.0.0.1/19492) 2>/dev/null && break; sleep 0.2; done
# each cluster case reads nothing back at start (warm-up 0): it measures the live path only
"$repo/bench/ab.sh" --out "$out" --scenarios "$scenarios" --duration "$duration" --warmup "$warmup" \
  --loadgen-opts "$loadgen_opts" \
  --a "" --b "-Dfanout.kafka.bootstrap.servers=127.0.0.1:19492 -Dfanout.kafka.warmup.events=0"
