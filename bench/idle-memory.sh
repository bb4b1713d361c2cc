#!/usr/bin/env bash
# Heap (after a full GC) and direct memory per idle subscriber: measured with no subscriber, then with N idle
# subscribers holding open streams on one topic.   bench/idle-memory.sh path/to/fanout.jar [N]
case "${1:-}" in -h|--help) sed -n '2,/^[^#]/s/^# \{0,1\}//p' "$0" | grep -v '^case '; exit 0;; esac
set -euo pipefail
jar="$1"; n="${2:-10000}"
dir="$(mktemp -d)"
taskset -c 0 java -Xmx1g -XX:+UseParallelGC -XX:NativeMemoryTracking=summary -Dfanout.dir="$dir" \
  -jar "$jar" server --port 18083 > "$dir/server.log" 2>&1 &
pid=$!
for _ in $(seq 100); do curl -sf http://127.0.0.1:18083/health > /dev/null && break; sleep 0.1; done
curl -sf -d warm http://127.0.0.1:18083/publish/idle > /dev/null

. "$(dirname "$0")/memory-lib.sh"
read -r heap0 direct0 rss0 <<< "$(measure "$pid")"

python3 - "$n" "$dir/ready" "$dir/done" <<'PY' &
import socket, sys, os, time
n, ready, done = int(sys.argv[1]), sys.argv[2], sys.argv[3]
socks = []
for i in range(n):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.connect(("127.0.0.1", 18083))
    s.sendall(b"GET /sse/idle HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n")
    socks.append(s)
for s in socks:
    s.settimeout(10)
    data = b""
    while b"retry:" not in data:
        data += s.recv(4096)
open(ready, "w").close()
deadline = time.time() + 300
while not os.path.exists(done) and time.time() < deadline:
    time.sleep(0.1)
PY
clients=$!
for _ in $(seq 600); do [ -e "$dir/ready" ] && break; sleep 0.1; done
open=$(curl -s http://127.0.0.1:18083/metrics | awk '/^fanout_subscribers_open /{print $2}')
read -r heap1 direct1 rss1 <<< "$(measure "$pid")"
touch "$dir/done"; wait "$clients" || true
kill -TERM "$pid"; wait "$pid" || true

echo "subscribers_open $open"
echo "heap_used_kb $heap0 -> $heap1"
echo "direct_other_committed_kb $direct0 -> $direct1"
echo "rss_kb $rss0 -> $rss1"
awk -v n="$open" -v h0="$heap0" -v h1="$heap1" -v d0="$direct0" -v d1="$direct1" -v r0="$rss0" -v r1="$rss1" 'BEGIN {
  printf "heap_bytes_per_subscriber %.0f\n", (h1 - h0) * 1024 / n;
  printf "direct_bytes_per_subscriber %.0f\n", (d1 - d0) * 1024 / n;
  printf "heap_plus_direct_bytes_per_subscriber %.0f\n", ((h1 - h0) + (d1 - d0)) * 1024 / n;
  printf "rss_bytes_per_subscriber %.0f\n", (r1 - r0) * 1024 / n }'
rm -rf "$dir"
