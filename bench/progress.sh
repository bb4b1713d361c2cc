# Sourced by the long-running bench scripts: `progress I N LABEL` prints to stderr which step of how many is
# starting, the time since the script started and, from the steps done so far, about how long the rest will take.
progress_start=${progress_start:-$(date +%s)}
progress() {
  local i=$1 n=$2 label=$3 now elapsed left
  now=$(date +%s); elapsed=$((now - progress_start))
  if [ "$i" -gt 1 ]; then left=$((elapsed * (n - i + 1) / (i - 1))); else left="?"; fi
  echo "[$i/$n] $label (elapsed ${elapsed}s, about ${left}s left)" >&2
}
