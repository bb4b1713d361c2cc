#!/usr/bin/env bash
# Publish-side cost: events/s one publisher connection pushes (closed loop, one request in flight) as single events
# and as NDJSON batches of 10, 100 and 1000, with the server's CPU per published event; then the many-topics case
# (1000 topics, 1-5 per connection, 1000 subscribers, 1000 ev/s) published one event per request and in batches.
# Beside it in the same run, nginx + nchan (../shared/bench/nchan, one worker) publishing single events, which is all
# it offers. Server on CPU 0, load on CPU 1. Usage: bench/publish.sh [--out DIR] [--duration S] [--warmup S] [--repeat N]
case "${1:-}" in -h|--help) sed -n '2,/^[^#]/s/^# \{0,1\}//p' "$0" | grep -v '^case '; exit 0;; esac
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
out="$repo/bench/results/$(date -u +%F)-publish"
duration=10
warmup=3
repeat=2
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="$2"; shift 2;;
    --duration) duration="$2"; shift 2;;
    --warmup) warmup="$2"; shift 2;;
    --repeat) repeat="$2"; shift 2;;
    *) echo "unknown option $1" >&2; exit 2;;
  esac
done
mkdir -p "$out/raw"
out="$(cd "$out" && pwd)"
jar="$repo/tools/target/fanout.jar"
(cd "$repo" && mvn -q -B -DskipTests package)
work="$(mktemp -d /tmp/fanout-publish.XXXXXX)"
shared="$(cd "$repo/../shared/bench" && pwd)"
if ! command -v nginx > /dev/null || [ ! -e /usr/lib/nginx/modules/ngx_nchan_module.so ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx libnginx-mod-nchan > /dev/null
fi
settings="-Dfanout.payload.max.length=4k -Dfanout.history.bytes=128k -Dfanout.history.events=1024"
{
  echo "date: $(date -u +%FT%TZ)"
  echo "kernel: $(uname -r)  cpus: $(nproc)  java: $(java -version 2>&1 | head -1)"
  echo "commit: $(cd "$repo" && git rev-parse --short HEAD)"
  echo "server: java -Xmx1g -XX:+UseParallelGC $settings -jar fanout.jar server (taskset -c 0)"
  echo "peer: $(nginx -v 2>&1) nchan $(dpkg-query -W -f='${Version}' libnginx-mod-nchan), $shared/nchan/nchan.conf"
} > "$out/env.txt"

pid=""
trap '[ -n "$pid" ] && kill "$pid" 2> /dev/null; true' EXIT
for port in 18081 18084; do
  if curl -s -o /dev/null "http://127.0.0.1:$port/"; then echo "port $port is already in use" >&2; exit 1; fi
done

start_server() {
  rm -rf "$work/ids"
  taskset -c 0 java -Xmx1g -XX:+UseParallelGC -Dfanout.dir="$work/ids" $settings -jar "$jar" server --port 18084 \
    > "$out/raw/server.log" 2>&1 &
  pid=$!
  for _ in $(seq 100); do curl -sf http://127.0.0.1:18084/health > /dev/null && return; sleep 0.1; done
  echo "server did not start" >&2; exit 1
}

start_nchan() {
  rm -rf "$work/nchan" && mkdir -p "$work/nchan/tmp"
  taskset -c 0 nginx -p "$work/nchan/" -e stderr -c "$shared/nchan/nchan.conf" -g 'daemon off;' \
    > "$out/raw/nchan.log" 2>&1 &
  pid=$!
  for _ in $(seq 100); do
    curl -s -o /dev/null -X POST -d x http://127.0.0.1:18081/publish/warm && return
    sleep 0.1
  done
  echo "nchan did not start" >&2; exit 1
}

for r in $(seq "$repeat"); do
  start_nchan
  taskset -c 1 java -Xmx512m -jar "$jar" pubbench --url http://127.0.0.1:18081 --batch 1 --topics 1000 \
    --size 128 --duration "$duration" --warmup "$warmup" --server-pid "$pid" | sed 's/^/nchan /' | tee -a "$out/pubbench-r$r.txt"
  kill -TERM "$pid"; wait "$pid" || true

  start_server
  for batch in 1 10 100 1000; do
    taskset -c 1 java -Xmx512m -jar "$jar" pubbench --url http://127.0.0.1:18084 --batch "$batch" --topics 1000 \
      --size 128 --duration "$duration" --warmup "$warmup" --server-pid "$pid" | sed 's/^/project /' | tee -a "$out/pubbench-r$r.txt"
  done
  kill -TERM "$pid"; wait "$pid" || true

  for batch in 1 100; do
    start_server
    taskset -c 1 java -XX:+UseParallelGC -Xms1g -Xmx2g -jar "$jar" loadgen \
      --sub-url 'http://127.0.0.1:18084/sse/{topic}' --pub-url 'http://127.0.0.1:18084/publish/{topic}' \
      --server-pid "$pid" --server-metrics http://127.0.0.1:18084/metrics --label "many-topics-batch-$batch-r$r" \
      --json-out "$out/loadgen.jsonl" --quiet --topic mt --topics 1000 --topics-per-conn 1-5 --conns 1000 \
      --rate 1000 --pub-batch "$batch" --duration $((duration * 2)) --warmup "$warmup" \
      > "$out/raw/loadgen-many-topics-batch-$batch-r$r.log" 2>&1 || true
    kill -TERM "$pid"; wait "$pid" || true
  done
done
rm -rf "$work"
echo "results in $out"
