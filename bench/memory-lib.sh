# Shared by the memory scripts: `measure PID` prints "heap-after-full-GC-kB direct-kB rss-kB" of a JVM started with
# -XX:+UseParallelGC -XX:NativeMemoryTracking=summary (direct memory is NMT's "Other").
measure() {
  local pid="$1" heap direct rss
  jcmd "$pid" GC.run > /dev/null
  heap=$(jcmd "$pid" GC.heap_info | grep -E 'PSYoungGen|ParOldGen' | grep -oE 'used [0-9]+K' | grep -oE '[0-9]+' | paste -sd+ | bc)
  direct=$(jcmd "$pid" VM.native_memory summary | grep -A1 -E '^-\s+Other' | grep -oE 'committed=[0-9]+KB' | head -1 | grep -oE '[0-9]+')
  rss=$(grep VmRSS /proc/$pid/status | grep -oE '[0-9]+')
  echo "$heap $direct $rss"
}
