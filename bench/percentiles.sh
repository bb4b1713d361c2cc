#!/usr/bin/env bash
# Latency distributions of the project beside nginx+nchan and the Netty reference, one picture per scenario: the same
# load generator (`fanout loadgen`, coordinated-omission corrected, every delivery checked) measures all three through
# URL templates and writes each measured window as an HdrHistogram percentile file (.hgrm); bench/plot.py draws them.
#
#   bench/percentiles.sh [--out DIR] [--duration S] [--warmup S] [--servers "project nchan netty-ref"]
#                        [--scenarios "b N R; md S W N U Z; ..."] [--variant NAME "-Dfanout.x=y ..."]...
#
# --variant adds the project started with extra settings as one more server named NAME (e.g. --variant shared
# "-Dfanout.threading.mode=shared"), drawn beside the others.
# Scenarios: "b N R" is a broadcast (N subscribers of one topic, R events/s); "md S W N U Z" the market-data shape
# (S topics, N subscribers watching W each on one stream, U events/s drawn over the topics by a Zipf law of exponent
# Z; nchan through /sse-multi, the Netty reference skipped: it has no several-topics stream). Every run starts its
# server afresh. Server pinned to CPU 0, load generator to CPU 1. Ports 18081 (nchan), 18082 (Netty), 18083 (project).
# Kept in DIR: results.jsonl, summary.md, env.txt, one .hgrm per run and one .svg per scenario; logs go to DIR/raw.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
shared="${SHARED_BENCH:-$repo/../shared/bench}"
out="$repo/bench/results/percentiles-$(date -u +%Y%m%d-%H%M%S)"
duration=15
warmup=5
servers="project nchan netty-ref"
scenarios="b 100 100; b 1000 20; b 1000 100; md 2000 20 1000 1000 1.0"
declare -A variant_opts=()
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="$2"; shift 2;;
    --duration) duration="$2"; shift 2;;
    --warmup) warmup="$2"; shift 2;;
    --servers) servers="$2"; shift 2;;
    --scenarios) scenarios="$2"; shift 2;;
    --variant) variant_opts[$2]="$3"; servers="$servers $2"; shift 3;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'; exit 0;;
    *) echo "unknown option $1 (--help lists them)" >&2; exit 2;;
  esac
done
mkdir -p "$out/raw"
out="$(cd "$out" && pwd)"
jar="$repo/tools/target/fanout.jar"
[ -f "$jar" ] || (cd "$repo" && mvn -q -B -DskipTests package)

work="$(mktemp -d /tmp/fanout-percentiles.XXXXXX)"
cp -r "$shared" "$work/"
peer="$work/bench"
case " $servers " in *" nchan "*)
  if ! command -v nginx > /dev/null || [ ! -e /usr/lib/nginx/modules/ngx_nchan_module.so ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx libnginx-mod-nchan > /dev/null
  fi;;
esac
case " $servers " in *" netty-ref "*) (cd "$peer/netty-ref" && mvn -q -B package);; esac

project_cmd() { # extra -D settings...
  echo "java -Xmx1g -XX:+UseParallelGC -Dfanout.dir=$work/ids $* -jar $jar server --port 18083"
}
netty_cmd="java -Xmx2g -jar $peer/netty-ref/target/netty-ref.jar --port 18082"
loadgen_cmd="java -XX:+UseParallelGC -Xms1g -Xmx2g -jar $jar loadgen"
{
  echo "date: $(date -u +%FT%TZ)"
  echo "kernel: $(uname -r)  cpus: $(nproc)  mem: $(free -g | awk '/Mem:/{print $2}') GiB  ulimit -n: $(ulimit -n)"
  echo "java: $(java -version 2>&1 | head -1)"
  echo "nginx: $(nginx -v 2>&1)  nchan: $(dpkg-query -W -f '${Version}' libnginx-mod-nchan 2>/dev/null || echo '?')"
  echo "commit: $(cd "$repo" && git rev-parse --short HEAD)"
  echo "project: $(project_cmd)"
  for name in "${!variant_opts[@]}"; do echo "$name: $(project_cmd "${variant_opts[$name]}")"; done
  echo "netty-ref: $netty_cmd"
  echo "load generator: taskset -c 1 $loadgen_cmd --warmup $warmup --duration $duration ..."
  echo "scenarios: $scenarios"
} > "$out/env.txt"

spid=""
stop_server() {
  [ -n "$spid" ] || return 0
  kill -TERM "$spid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$spid" 2>/dev/null || break; sleep 0.2; done
  kill -KILL "$spid" 2>/dev/null || true
  wait "$spid" 2>/dev/null || true
  spid=""
}
trap stop_server EXIT

# start_server NAME LOG: sets spid, port, sub, msub (several topics, "" = none) and pub
start_server() {
  case "$1" in
    project)
      taskset -c 0 $(project_cmd) > "$2" 2>&1 &
      port=18083; sub="http://127.0.0.1:18083/sse/{topic}"; msub="http://127.0.0.1:18083/sse?topics={topics}";;
    nchan)
      mkdir -p "$work/nchan-prefix/tmp"
      taskset -c 0 nginx -p "$work/nchan-prefix/" -e stderr -c "$peer/nchan/nchan.conf" -g 'daemon off;' > "$2" 2>&1 &
      port=18081; sub="http://127.0.0.1:18081/sse/{topic}"; msub="http://127.0.0.1:18081/sse-multi?topics={topics}";;
    netty-ref)
      taskset -c 0 $netty_cmd > "$2" 2>&1 &
      port=18082; sub="http://127.0.0.1:18082/sse/{topic}"; msub="";;
    *)
      [ -n "${variant_opts[$1]+set}" ] || { echo "unknown server $1" >&2; exit 2; }
      taskset -c 0 $(project_cmd "${variant_opts[$1]}") > "$2" 2>&1 &
      port=18083; sub="http://127.0.0.1:18083/sse/{topic}"; msub="http://127.0.0.1:18083/sse?topics={topics}";;
  esac
  spid=$!
  pub="http://127.0.0.1:$port/publish/{topic}"
  for _ in $(seq 1 150); do
    kill -0 "$spid" 2>/dev/null || { echo "$1 exited at start, see $2" >&2; return 1; }
    if (exec 3<> "/dev/tcp/127.0.0.1/$port") 2> /dev/null; then return 0; fi
    sleep 0.2
  done
  echo "$1 did not open port $port" >&2
  return 1
}

IFS=';' read -r -a specs <<< "$scenarios"
steps=0
for spec in "${specs[@]}"; do
  for server in $servers; do
    set -- $spec
    [ "$1" = md ] && [ "$server" = netty-ref ] && continue
    steps=$((steps + 1))
  done
done

. "$repo/bench/progress.sh"
step=0
for spec in "${specs[@]}"; do
  set -- $spec
  case "$1" in
    b) [ $# -eq 3 ] || { echo "bad scenario '$spec': want 'b N R'" >&2; exit 2; }
       name="broadcast-$2x$3"; title="Broadcast: $2 subscribers of one topic, $3 events/s"
       shape=(--topics 1 --conns "$2" --rate "$3");;
    md) [ $# -eq 6 ] || { echo "bad scenario '$spec': want 'md S W N U Z'" >&2; exit 2; }
       name="md-$2-$3-$4-$5-z$6"
       title="Market data: $2 topics, $4 subscribers watching $3 each, $5 events/s (Zipf $6)"
       shape=(--topics "$2" --topics-per-conn "$3-$3" --conns "$4" --rate "$5" --zipf "$6");;
    *) echo "bad scenario '$spec'" >&2; exit 2;;
  esac
  series=()
  for server in $servers; do
    [ "$1" = md ] && [ "$server" = netty-ref ] && continue
    step=$((step + 1))
    progress "$step" "$steps" "$name on $server"
    start_server "$server" "$out/raw/$name-$server.server.log"
    template=$sub
    [ "$1" = md ] && template=$msub
    taskset -c 1 $loadgen_cmd --sub-url "$template" --pub-url "$pub" --topic "p$(date +%s%N | tail -c 7)_" \
      "${shape[@]}" --warmup "$warmup" --duration "$duration" --size 128 --io-threads 1 --pub-conns 4 \
      --label "$name $server" --json-out "$out/results.jsonl" --hgrm "$out/$name-$server.hgrm" \
      > "$out/raw/$name-$server.loadgen.log" 2>&1 || echo "loadgen failed on $name $server" >&2
    stop_server
    grep -E "^(connections|deliveries)" "$out/raw/$name-$server.loadgen.log" | sed 's/^/    /' >&2 || true
    [ -s "$out/$name-$server.hgrm" ] && series+=("$server=$out/$name-$server.hgrm")
  done
  [ ${#series[@]} -gt 0 ] && python3 "$repo/bench/plot.py" --out "$out/$name.svg" --title "$title" \
    --subtitle "fanout loadgen, 128-byte events, ${warmup} s warm-up + ${duration} s measured; server on CPU 0, load on CPU 1; $(date -u +%F)" \
    "${series[@]}"
done

python3 - "$out/results.jsonl" > "$out/summary.md" <<'EOF'
import json, sys
print("| scenario | server | delivered / expected | missing | dup | p50 µs | p90 µs | p99 µs | p99.9 µs | max µs |")
print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
for line in open(sys.argv[1]):
    r = json.loads(line)
    scenario, server = r["label"].rsplit(" ", 1)
    print(f"| {scenario} | {server} | {r['deliveries']:,} / {r['expected_deliveries']:,} | {r['missing']} | "
          f"{r['duplicates']} | {r['lat_p50_us']:,} | {r['lat_p90_us']:,} | {r['lat_p99_us']:,} | "
          f"{r['lat_p999_us']:,} | {r['lat_max_us']:,} |")
EOF
cat "$out/summary.md"
