#!/usr/bin/env bash
# What a Prometheus scrape costs the subscribers: two builds of the server (A and B, e.g. before and after a change)
# in the market-data shape (2000 topics, 1000 subscribers watching 20 each, 1000 events/s by Zipf 1.0) while
# /metrics is scraped every second for the whole run; alternating A and B, `fanout loadgen` from B's jar.
#
#   bench/scrape-stall.sh --a-jar OLD.jar --b-jar NEW.jar [--opts "-Dfanout.x=y"] [--repeat N] [--out DIR]
#                         [--scrape-interval S]   (seconds between scrapes, default 1; 0: no scrapes, a plain A/B)
#
# A jar of an earlier commit: git worktree add /tmp/old REV && (cd /tmp/old && mvn -q -o package -DskipTests).
# Server pinned to CPU 0, load generator and scraper to CPU 1, port 18083. Kept in DIR: results.jsonl (one line per
# run, label "A n" / "B n"), scrapes.txt (each scrape's round trip in seconds), env.txt; logs go to DIR/raw.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
out="$repo/bench/results/scrape-stall-$(date -u +%Y%m%d-%H%M%S)"
a_jar="" b_jar="" opts="" repeat=2 scrape_interval=1
while [ $# -gt 0 ]; do
  case "$1" in
    --a-jar) a_jar="$2"; shift 2;;
    --b-jar) b_jar="$2"; shift 2;;
    --opts) opts="$2"; shift 2;;
    --repeat) repeat="$2"; shift 2;;
    --out) out="$2"; shift 2;;
    --scrape-interval) scrape_interval="$2"; shift 2;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'; exit 0;;
    *) echo "unknown option $1 (--help lists them)" >&2; exit 2;;
  esac
done
[ -f "$a_jar" ] && [ -f "$b_jar" ] || { echo "--a-jar and --b-jar must name built fanout.jar files" >&2; exit 2; }
mkdir -p "$out/raw"
out="$(cd "$out" && pwd)"
work="$(mktemp -d /tmp/fanout-scrape.XXXXXX)"
{
  echo "date: $(date -u +%FT%TZ)"
  echo "kernel: $(uname -r)  cpus: $(nproc)  java: $(java -version 2>&1 | head -1)"
  echo "commit: $(cd "$repo" && git rev-parse --short HEAD)"
  echo "A: $a_jar  B: $b_jar  server options: ${opts:-(defaults)}"
  echo "shape: md 2000 topics, 1000 subscribers x 20, 1000 events/s, Zipf 1.0, 5 s warm-up + 15 s; scrape interval ${scrape_interval} s (0: none)"
} > "$out/env.txt"

. "$repo/bench/progress.sh"
step=0
for r in $(seq "$repeat"); do
  for variant in A B; do
    step=$((step + 1))
    progress "$step" $((repeat * 2)) "$variant run $r"
    jar=$a_jar; [ "$variant" = B ] && jar=$b_jar
    rm -rf "$work/ids"
    taskset -c 0 java -Xmx1g -XX:+UseParallelGC -Dfanout.dir="$work/ids" $opts -jar "$jar" server --port 18083 \
      > "$out/raw/$variant-$r.server.log" 2>&1 &
    spid=$!
    for _ in $(seq 1 150); do (exec 3<> /dev/tcp/127.0.0.1/18083) 2> /dev/null && break; sleep 0.2; done
    (for _ in $(seq 1 $((scrape_interval > 0 ? 30 / scrape_interval : 0))); do
       sleep "$scrape_interval"
       echo "$variant $r $(taskset -c 1 curl -s -o /dev/null -w '%{time_total}' 127.0.0.1:18083/metrics)"
     done) >> "$out/scrapes.txt" &
    scraper=$!
    taskset -c 1 java -XX:+UseParallelGC -Xms1g -Xmx2g -jar "$b_jar" loadgen \
      --sub-url 'http://127.0.0.1:18083/sse?topics={topics}' --pub-url 'http://127.0.0.1:18083/publish/{topic}' \
      --topic "s$r$variant" --topics 2000 --topics-per-conn 20-20 --zipf 1.0 --conns 1000 --rate 1000 \
      --warmup 5 --duration 15 --pub-conns 4 --label "$variant $r" --json-out "$out/results.jsonl" \
      > "$out/raw/$variant-$r.loadgen.log" 2>&1 || echo "loadgen failed on $variant $r" >&2
    wait "$scraper" || true
    kill -TERM "$spid"; wait "$spid" 2> /dev/null || true
    grep "latency us" "$out/raw/$variant-$r.loadgen.log" | sed "s/^/    $variant $r: /" >&2 || true
  done
done

python3 - "$out/results.jsonl" "$out/scrapes.txt" > "$out/summary.md" <<'EOF'
import json, statistics, sys
scrapes = {}
for line in open(sys.argv[2]):
    variant, run, seconds = line.split()
    scrapes.setdefault(f"{variant} {run}", []).append(float(seconds) * 1000)
print("| run | delivered / expected | p50 µs | p90 µs | p99 µs | p99.9 µs | max µs | scrape median / max ms |")
print("|---|---:|---:|---:|---:|---:|---:|---:|")
for line in open(sys.argv[1]):
    r = json.loads(line)
    s = scrapes.get(r["label"], [0])
    print(f"| {r['label']} | {r['deliveries']:,} / {r['expected_deliveries']:,} | {r['lat_p50_us']:,} | "
          f"{r['lat_p90_us']:,} | {r['lat_p99_us']:,} | {r['lat_p999_us']:,} | {r['lat_max_us']:,} | "
          f"{statistics.median(s):.1f} / {max(s):.1f} |")
EOF
cat "$out/summary.md"
