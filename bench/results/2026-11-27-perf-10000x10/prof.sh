#!/usr/bin/env bash
# prof.sh NAME PORT "server cmd": 10000x10 with perf record of the server during the measured window
set -u
name=$1; port=$2; cmd=$3
cd /tmp/perf
taskset -c 0 bash -c "exec $cmd" > server-$name.log 2>&1 &
pid=$!
for _ in $(seq 100); do curl -s -o /dev/null http://127.0.0.1:$port/ && break; sleep 0.2; done
sleep 2
taskset -c 1 java -XX:+UseParallelGC -Xms1g -Xmx2g -jar /tmp/peerbench/bench/loadgen/target/sse-loadgen.jar \
  --sub-url "http://127.0.0.1:$port/sse/{topic}" --pub-url "http://127.0.0.1:$port/publish/{topic}" \
  --conns 10000 --rate 10 --duration 25 --warmup 10 --server-pid $pid --json-out /tmp/perf/results.jsonl --label $name --quiet > loadgen-$name.log 2>&1 &
lg=$!
# wait until publishing started (connections up) then 12 s into it
sleep 6
sleep 12
perf record -q -e cpu-clock -F 999 -g -p $pid -o perf-$name.data -- sleep 10 > /dev/null 2>&1
wait $lg
kill -TERM $pid; wait $pid
