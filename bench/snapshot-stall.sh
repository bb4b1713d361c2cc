#!/usr/bin/env bash
# What a big snapshot costs everyone else: N symbols published (sym.0 .. sym.N-1), then an unrelated stream measured
# by `fanout loadgen` (20 subscribers of topic `other`, 200 events/s, 2 s warm-up + 12 s) while SNAPSHOTS requests
# `GET /sse?snapshot=true&topic=sym.*` run one after another (each read to its N-th event). Prints each snapshot's
# time, the unrelated stream's latency, and the server's stall counters. Server pinned to CPU 0 on port 18083, the
# clients on CPU 1.
#
#   bench/snapshot-stall.sh JAR [N] [SNAPSHOTS]        e.g. bench/snapshot-stall.sh tools/target/fanout.jar 100000 3
set -uo pipefail
if [ "${1:-}" = "--help" ] || [ "${1:-}" = "-h" ] || [ $# -lt 1 ]; then
  sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'
  [ $# -lt 1 ] && [ "${1:-}" != "--help" ] && [ "${1:-}" != "-h" ] && exit 2
  exit 0
fi
jar="$1"; n="${2:-100000}"; snapshots="${3:-3}"
if ss -ltn | grep -q ':18083 '; then echo "port 18083 is in use: stop that server first" >&2; exit 1; fi
dir="$(mktemp -d)"
taskset -c 0 java -Xmx1g -XX:+UseParallelGC -Dfanout.dir="$dir" -jar "$jar" server --port 18083 > "$dir/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2> /dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 200); do curl -sf http://127.0.0.1:18083/health > /dev/null && break; sleep 0.1; done
taskset -c 1 python3 - "$n" <<'PY'
import http.client, json, sys
n = int(sys.argv[1])
conn = http.client.HTTPConnection("127.0.0.1", 18083)
for first in range(0, n, 1000):
    body = "".join(json.dumps({"topic": "sym.%d" % i, "data": {"px": 100 + i, "pad": "x" * 80}}) + "\n"
                   for i in range(first, min(n, first + 1000)))
    conn.request("POST", "/publish", body=body.encode(), headers={"Content-Type": "application/x-ndjson"})
    response = conn.getresponse(); response.read()
    assert response.status == 200, response.status
PY
taskset -c 1 java -jar "$jar" loadgen --sub-url 'http://127.0.0.1:18083/sse/{topic}' \
  --pub-url 'http://127.0.0.1:18083/publish/{topic}' --topic other --conns 20 --rate 200 --duration 12 --warmup 2 \
  > "$dir/loadgen.log" 2>&1 &
loadgen=$!
sleep 3   # into the loadgen's measured window
SNAPSHOTS="$snapshots" taskset -c 1 python3 - "$n" <<'PY'
import os, socket, sys, time
n = int(sys.argv[1])
for _ in range(int(os.environ["SNAPSHOTS"])):
    s = socket.create_connection(("127.0.0.1", 18083))
    s.sendall(b"GET /sse?snapshot=true&topic=sym.* HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n")
    got, start, tail = 0, time.monotonic(), b""
    while got < n:
        chunk = s.recv(1 << 20)
        if not chunk:
            print("snapshot closed by the server after %d events" % got); break
        got += (tail + chunk).count(b"\ndata: ")
        tail = chunk[-8:]
    print("snapshot of %d in %.0f ms" % (n, (time.monotonic() - start) * 1000))
    s.close()
PY
wait "$loadgen"
grep -E "latency us|deliveries received" "$dir/loadgen.log"
curl -s http://127.0.0.1:18083/metrics | grep -E "^fanout_(duty_cycle|ring_wait|lapped_disconnects)"
