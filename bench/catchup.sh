#!/usr/bin/env bash
# Catch-up from Kafka: a resume N events back (default 1,000,000) on a cluster node whose memory holds only the
# newest 8,192 of the topic: the replay from the log, then memory, until the client holds the newest event.
# A dev broker (CPU 1), one node (CPU 0); the events go in through the node's batch publish; the client reads with
# Python on CPU 1 and counts events. Prints the time to the newest event and events/s.
#
#   bench/catchup.sh [--events 1000000] [--out DIR]
case "${1:-}" in -h|--help) sed -n '2,/^[^#]/s/^# \{0,1\}//p' "$0" | grep -v '^case '; exit 0;; esac
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
events=1000000
out="$repo/bench/results/catchup-$(date -u +%Y%m%d-%H%M%S)"
while [ $# -gt 0 ]; do
  case "$1" in
    --events) events="$2"; shift 2;;
    --out) out="$2"; shift 2;;
    *) echo "unknown option $1" >&2; exit 2;;
  esac
done
mkdir -p "$out/raw"; out="$(cd "$out" && pwd)"
(cd "$repo" && mvn -q -B -DskipTests package -pl kafka-dev,tools -am)
work="$(mktemp -d /tmp/fanout-catchup.XXXXXX)"
taskset -c 1 java -Xmx1g -jar "$repo/kafka-dev/target/fanout-kafka-dev.jar" --port 19692 --dir "$work/broker" \
  > "$out/raw/broker.log" 2>&1 &
broker=$!
node=""
trap 'kill -TERM $node $broker 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 100); do (echo > /dev/tcp/127.0.0.1/19692) 2>/dev/null && break; sleep 0.2; done
taskset -c 0 java -Xmx1g -XX:+UseParallelGC -Dfanout.dir="$work/node" -jar "$repo/tools/target/fanout.jar" server \
  --port 18693 --kafka.bootstrap.servers 127.0.0.1:19692 --kafka.warmup.events 0 > "$out/raw/node.log" 2>&1 &
node=$!
for _ in $(seq 150); do curl -sf -o /dev/null http://127.0.0.1:18693/health && break; sleep 0.2; done
start=$(date +%s.%N)
seq "$events" | awk '{printf "price %s %s\n", $1, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}' |
  java -jar "$repo/tools/target/fanout.jar" publish --url http://127.0.0.1:18693 --batch.max 1000 --quiet bench \
  > "$out/raw/publish.log" 2>&1
filled=$(date +%s.%N)
last=$(curl -s -d 'last' http://127.0.0.1:18693/publish/bench)
taskset -c 1 python3 - "$last" "$events" > "$out/result.txt" <<'PY'
import socket, sys, time
last = sys.argv[1].strip().encode()
sock = socket.create_connection(("127.0.0.1", 18693))
sock.sendall(b"GET /sse/bench HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\nLast-Event-ID: 1\r\n\r\n")
start = time.monotonic()
count, tail, total = 0, b"", 0
marker = b"\nid: " + last + b"\n"
while True:
    chunk = sock.recv(1 << 20)
    if not chunk:
        break
    total += len(chunk)
    data = tail + chunk
    count += data.count(b"\nid: ") - tail.count(b"\nid: ")
    if marker in data:
        break
    tail = data[-64:]
took = time.monotonic() - start
print(f"resume from id 1, newest id {last.decode()}: {count} events, {total / 1e6:.1f} MB in {took:.2f} s "
      f"= {count / took:,.0f} events/s, {total / 1e6 / took:.1f} MB/s")
PY
echo "filled $events events in $(echo "$filled - $start" | bc) s" >> "$out/result.txt"
{ echo "date: $(date -u +%FT%TZ)"; echo "commit: $(cd "$repo" && git rev-parse --short HEAD)"; } > "$out/env.txt"
cat "$out/result.txt"
