#!/usr/bin/env bash
# Where the server's CPU goes, per thread: the many-topics shape (1000 topics, 1-5 per connection, 1000 subscribers)
# at RATE events/s published BATCH per request, server on CPU 0 and load generator on CPU 1; after 6 s of load, each
# server thread's user and system time and context switches over the next 5 s, from /proc/PID/task/*/stat and status.
# Usage: bench/thread-cpu.sh RATE BATCH [extra server -D settings]
case "${1:-}" in -h|--help) sed -n '2,/^[^#]/s/^# \{0,1\}//p' "$0" | grep -v '^case '; exit 0;; esac
set -euo pipefail
rate="$1"; batch="$2"; extra="${3:-}"
repo="$(cd "$(dirname "$0")/.." && pwd)"
jar="$repo/tools/target/fanout.jar"
work="$(mktemp -d /tmp/fanout-threads.XXXXXX)"
if curl -s -o /dev/null http://127.0.0.1:18085/; then echo "port 18085 is already in use" >&2; exit 1; fi
taskset -c 0 java -Xmx1g -XX:+UseParallelGC -Dfanout.dir="$work/ids" -Dfanout.payload.max.length=4k \
  -Dfanout.history.bytes=128k -Dfanout.history.events=1024 $extra -jar "$jar" server --port 18085 \
  > "$work/server.log" 2>&1 &
pid=$!
trap 'kill "$pid" 2> /dev/null; wait "$pid" 2> /dev/null; rm -rf "$work"' EXIT
for _ in $(seq 100); do curl -sf http://127.0.0.1:18085/health > /dev/null && break; sleep 0.1; done
taskset -c 1 java -XX:+UseParallelGC -Xms1g -Xmx2g -jar "$jar" loadgen \
  --sub-url 'http://127.0.0.1:18085/sse/{topic}' --pub-url 'http://127.0.0.1:18085/publish/{topic}' --quiet \
  --topic mt --topics 1000 --topics-per-conn 1-5 --conns 1000 --rate "$rate" --pub-batch "$batch" \
  --duration 10 --warmup 3 > "$work/loadgen.log" 2>&1 &
loadgen=$!
snapshot() {
  for t in /proc/"$pid"/task/*; do
    echo "$(cat "$t/comm")|$(cut -d' ' -f14,15 "$t/stat")|$(awk '/voluntary_ctxt/{s+=$2} END {print s}' "$t/status")"
  done
}
sleep 6; snapshot > "$work/before"; sleep 5; snapshot > "$work/after"
python3 - "$work/before" "$work/after" "$rate" "$batch" <<'PY'
import sys
def load(path):
    threads = {}
    for line in open(path):
        name, times, switches = line.rstrip("\n").split("|")
        user, system = map(int, times.split())
        t = threads.setdefault(name, [0, 0, 0])
        t[0] += user; t[1] += system; t[2] += int(switches)
    return threads
before, after = load(sys.argv[1]), load(sys.argv[2])
print(f"rate {sys.argv[3]} ev/s, batch {sys.argv[4]}: per server thread over 5 s (ms of CPU, context switches)")
for name, (user, system, switches) in after.items():
    if name in before:
        u, s, c = (user - before[name][0]) * 10, (system - before[name][1]) * 10, switches - before[name][2]
        if u + s > 0 or c > 200:
            print(f"  {name:18s} user {u:5d}  sys {s:5d}  switches {c}")
PY
wait "$loadgen" || true
