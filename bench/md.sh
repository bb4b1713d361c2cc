#!/usr/bin/env bash
# The market-data shape beside nginx+nchan: one topic per symbol, each subscriber watching W symbols on one stream,
# U events/s in total spread over the symbols by a Zipf law, published over HTTP by the shared load generator
# (../shared/bench peer-bench.sh --md). The project runs on its defaults; nchan multiplexes with /sse-multi.
# Every run starts each server afresh per scenario; the headline is the median over runs of the within-run ratios.
#
#   bench/md.sh [--out DIR] [--repeat N] [--duration S] [--warmup S] [--md "S W N U zipf; ..."] [--project-opts "-D..."]
#
# Server pinned to CPU 0, load generator to CPU 1. Ports 18081 (nchan) and 18083 (project).
case "${1:-}" in -h|--help) sed -n '2,/^[^#]/s/^# \{0,1\}//p' "$0" | grep -v '^case '; exit 0;; esac
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
shared="${SHARED_BENCH:-$repo/../shared/bench}"
out="$repo/bench/results/md-$(date -u +%Y%m%d-%H%M%S)"
repeat=3
duration=15
warmup=5
md="2000 20 1000 5000 1.0; 2000 200 200 5000 1.0; 10000 50 2000 2000 1.0"
project_opts=""
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="$2"; shift 2;;
    --repeat) repeat="$2"; shift 2;;
    --duration) duration="$2"; shift 2;;
    --warmup) warmup="$2"; shift 2;;
    --md) md="$2"; shift 2;;
    --project-opts) project_opts="$2"; shift 2;;
    *) echo "unknown option $1" >&2; exit 2;;
  esac
done
mkdir -p "$out/raw"
out="$(cd "$out" && pwd)"
jar="$repo/tools/target/fanout.jar"
[ -f "$jar" ] || (cd "$repo" && mvn -q -B -DskipTests package)

work="$(mktemp -d /tmp/fanout-md.XXXXXX)"
cp -r "$shared" "$work/"
peer="$work/bench"
if ! command -v nginx > /dev/null || [ ! -e /usr/lib/nginx/modules/ngx_nchan_module.so ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx libnginx-mod-nchan jq > /dev/null
fi
(cd "$peer/loadgen" && mvn -q -B package)

server_cmd="java -Xmx1g -XX:+UseParallelGC -Dfanout.dir=$work/ids $project_opts -jar $jar server --port 18083"
{
  echo "date: $(date -u +%FT%TZ)"
  echo "kernel: $(uname -r)  cpus: $(nproc)  mem: $(free -g | awk '/Mem:/{print $2}') GiB"
  echo "java: $(java -version 2>&1 | head -1)"
  echo "commit: $(cd "$repo" && git rev-parse --short HEAD)"
  echo "server: $server_cmd"
  echo "md: $md"
} > "$out/env.txt"

runs=()
. "$repo/bench/progress.sh"
for r in $(seq "$repeat"); do
  progress "$r" "$repeat" "run $r: nchan and the project, md $md"
  (cd "$peer" && ./peer-bench.sh --servers nchan --custom-name project --custom-cmd "$server_cmd" \
    --custom-sub 'http://127.0.0.1:18083/sse/{topic}' --custom-pub 'http://127.0.0.1:18083/publish/{topic}' \
    --custom-md-sub 'http://127.0.0.1:18083/sse?topics={topics}' \
    --no-probe --scenarios "" --md "$md" --duration "$duration" --warmup "$warmup" \
    --out "$out/run$r") > "$out/raw/run$r.log" 2>&1
  # the per-scenario logs and nginx's prefix stay on this machine (raw/ is ignored); the JSON rows are kept
  mkdir -p "$out/raw/run$r"
  find "$out/run$r/run" -maxdepth 1 \( -name '*.log' -o -name 'nchan-prefix' \) -exec mv {} "$out/raw/run$r/" \;
  runs+=("$out/run$r/results.jsonl")
done
python3 "$repo/bench/md_ratios.py" "${runs[@]}" | tee "$out/summary.md"
