#!/usr/bin/env bash
# Memory and time for a topic per symbol: the server on its defaults, then one 128-byte event to each of N new
# topics (NDJSON batches of 1,000 over one keep-alive connection, a batch refused with 503 sent again). Prints RSS, heap after a full GC and direct memory
# before and after, the pool's gauges from /metrics, and the time until the last event was sequenced.
#   [JVM_OPTS=...] bench/topics-memory.sh path/to/fanout.jar [N]
case "${1:-}" in -h|--help) sed -n '2,/^[^#]/s/^# \{0,1\}//p' "$0" | grep -v '^case '; exit 0;; esac
set -euo pipefail
jar="$1"; n="${2:-100000}"
dir="$(mktemp -d)"
taskset -c 0 java -Xmx1g -XX:+UseParallelGC ${JVM_OPTS:-} -XX:NativeMemoryTracking=summary -Dfanout.dir="$dir" \
  -jar "$jar" server --port 18083 > "$dir/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2> /dev/null || true' EXIT
for _ in $(seq 100); do curl -sf http://127.0.0.1:18083/health > /dev/null && break; sleep 0.1; done
curl -sf -d warm http://127.0.0.1:18083/publish/warm > /dev/null

. "$(dirname "$0")/memory-lib.sh"
read -r heap0 direct0 rss0 <<< "$(measure "$pid")"

seconds=$(taskset -c 1 python3 - "$n" <<'PY'
import http.client, json, sys, time, urllib.request
n = int(sys.argv[1])
pad = "x" * 100
start = time.monotonic()
conn = http.client.HTTPConnection("127.0.0.1", 18083)
for first in range(0, n, 1000):
    body = "".join(json.dumps({"topic": "sym.%d" % i, "data": {"px": i, "pad": pad[:128 - 30]}}) + "\n"
                   for i in range(first, min(n, first + 1000)))
    for attempt in range(1000):
        conn.request("POST", "/publish", body=body.encode(), headers={"Content-Type": "application/x-ndjson"})
        response = conn.getresponse()
        response.read()
        if response.status != 503:
            break
        time.sleep(0.001)   # ring full: the batch is refused whole, so it is sent again
    if response.status != 200:
        raise SystemExit("batch at %d: HTTP %d" % (first, response.status))
while True:
    metrics = urllib.request.urlopen("http://127.0.0.1:18083/metrics").read().decode()
    appended = [l for l in metrics.splitlines() if l.startswith("fanout_frames_appended_total")]
    if appended and float(appended[0].split()[-1]) >= n + 1:
        break
    time.sleep(0.01)
print("%.2f" % (time.monotonic() - start))
PY
)
read -r heap1 direct1 rss1 <<< "$(measure "$pid")"
committed=$(jcmd "$pid" GC.heap_info | grep -E 'PSYoungGen|ParOldGen' | grep -oE 'total [0-9]+K' | grep -oE '[0-9]+' | paste -sd+ | bc)
metrics=$(curl -sf http://127.0.0.1:18083/metrics | grep -E '^fanout_(topics|log_memory_bytes|log_segments_evicted_total|log_segments_overcommitted_total) ')
echo "topics published: $n in ${seconds}s (first event of each, batches of 1000, until sequenced)"
echo "RSS kB: idle $rss0 -> $rss1 (+$((rss1 - rss0)))"
echo "heap kB after full GC: $heap0 -> $heap1 (+$((heap1 - heap0)), $(( (heap1 - heap0) * 1024 / n )) B per topic)"
echo "direct kB (NMT Other): $direct0 -> $direct1 (+$((direct1 - direct0)))"
echo "heap committed kB after: $committed"
echo "$metrics"
