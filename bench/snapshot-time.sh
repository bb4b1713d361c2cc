#!/usr/bin/env bash
# Time to a full table: a new subscriber asks for N symbols (topic=sym.*) with snapshot=true and waits for each one's current
# value. The server on its defaults, every symbol published once first; the client (Python, raw socket) measures from
# connect to the N-th event, over several subscribers one after the other.
#   bench/snapshot-time.sh path/to/fanout.jar [N] [subscribers]
case "${1:-}" in -h|--help) sed -n '2,/^[^#]/s/^# \{0,1\}//p' "$0" | grep -v '^case '; exit 0;; esac
set -euo pipefail
jar="$1"; n="${2:-2000}"; subs="${3:-20}"
dir="$(mktemp -d)"
taskset -c 0 java -Xmx1g -XX:+UseParallelGC -Dfanout.dir="$dir" -jar "$jar" server --port 18083 > "$dir/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2> /dev/null || true' EXIT
for _ in $(seq 100); do curl -sf http://127.0.0.1:18083/health > /dev/null && break; sleep 0.1; done
taskset -c 1 python3 - "$n" "$subs" <<'PY'
import http.client, json, socket, statistics, sys, time
n, subs = int(sys.argv[1]), int(sys.argv[2])
conn = http.client.HTTPConnection("127.0.0.1", 18083)
for first in range(0, n, 1000):
    body = "".join(json.dumps({"topic": "sym.%d" % i, "data": {"px": 100 + i, "pad": "x" * 80}}) + "\n"
                   for i in range(first, min(n, first + 1000)))
    conn.request("POST", "/publish", body=body.encode(), headers={"Content-Type": "application/x-ndjson"})
    response = conn.getresponse(); response.read()
    assert response.status == 200, response.status
path = "/sse?snapshot=true&topic=sym.*"   # every symbol, by pattern (a list stops at 1,024 names)
times = []
for _ in range(subs):
    start = time.monotonic()
    s = socket.create_connection(("127.0.0.1", 18083))
    s.sendall(("GET %s HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n" % path).encode())
    data = b""
    while data.count(b"\ndata: ") < n:
        chunk = s.recv(1 << 20)
        if not chunk:
            raise SystemExit("closed early")
        data += chunk
    times.append((time.monotonic() - start) * 1000)
    s.close()
print("symbols %d, subscribers %d one after another: time to a full table ms p50 %.1f, min %.1f, max %.1f" % (
    n, subs, statistics.median(times), min(times), max(times)))
PY
