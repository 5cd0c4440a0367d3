#!/usr/bin/env bash
# Resident memory and CPU share of every process the project runs (the network's and npm start's,
# found by their PID files), sampled from /proc over a window: what the system costs at rest, or,
# run beside a benchmark, where the cores go under load.
#
# usage: bash scripts/measure-idle.sh [seconds=30] [pid-folder | name=PID ...]
#   a pid folder adds the *.pid files there (e.g. a benchmark's own runtime/pids); name=PID adds one
#   process, e.g. the load generator
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
readonly ROOT
readonly RUNTIME="${VECHE_RUNTIME_DIR:-$ROOT/.runtime}"
readonly NETWORK="${VECHE_NETWORK_DIR:-$RUNTIME/network}"
readonly WINDOW="${1:-30}"
[[ $WINDOW =~ ^[1-9][0-9]*$ ]] || {
  echo "usage: $(basename "$0") [seconds] [pid-folder | name=PID ...]" >&2
  exit 1
}
shift || true

# utime + stime of a process, in clock ticks; nothing when it is gone.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || true; }

declare -A names=() before=()
watch() {
  local name=$1 pid=$2 ticks
  ticks=$(cpu_ticks "$pid")
  [ -n "$ticks" ] || return 0
  names[$pid]=$name
  before[$pid]=$ticks
}
folders=("$NETWORK/pids" "$RUNTIME/pids")
for extra in "$@"; do
  case $extra in
    *=*) watch "${extra%%=*}" "${extra#*=}" ;;
    *) folders+=("$extra") ;;
  esac
done
for folder in "${folders[@]}"; do
  for file in "$folder"/*.pid; do
    [ -f "$file" ] || continue
    watch "$(basename "$file" .pid)" "$(cat "$file")"
  done
done
[ ${#names[@]} -gt 0 ] || {
  echo "measure-idle: no running process found under $NETWORK or $RUNTIME" >&2
  exit 1
}

echo "[measure-idle] sampling ${#names[@]} processes for ${WINDOW} s" >&2
sleep "$WINDOW"
hz=$(getconf CLK_TCK)
{
  for pid in "${!names[@]}"; do
    after=$(cpu_ticks "$pid")
    [ -n "$after" ] || continue
    rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status")
    printf '%s\t%s\t%s\n' "${names[$pid]}" "$rss" "$((after - before[$pid]))"
  done
} | sort | awk -F'\t' -v hz="$hz" -v window="$WINDOW" '
  { cpu = 100 * $3 / hz / window; rss += $2; total += cpu
    printf "%-26s RSS %5.0f MB  CPU %5.2f%% of one core\n", $1, $2 / 1024, cpu }
  END { printf "%-26s RSS %5.0f MB  CPU %5.2f%% of one core\n", "all " NR " processes", rss / 1024, total }'
