# shellcheck shell=bash
# Background processes shared by veche.sh and network.sh. A name keys each process's log
# ($LOGS/<name>.log) and PID file ($PIDS/<name>.pid). The caller defines LOGS, PIDS, say() and
# the array `started` (what this run started, oldest first).

# A process that exited but was not yet reaped (a zombie: PID 1 reaps late when the script that
# started it is gone) counts as stopped.
alive() {
  local state
  state=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
  [[ $state != Z* ]]
}

# Starts one process in the background, appending to its log, and records its PID.
launch() {
  local name=$1
  shift
  # fd 9 is network.sh's lock: a long-lived child must not hold it after its starter exits.
  "$@" 9>&- >>"$LOGS/$name.log" 2>&1 &
  local pid=$!
  printf '%s' "$pid" >"$PIDS/$name.pid"
  # Once per name, so a process started again (veche.sh's supervisor) keeps its place in the stop order.
  if [[ " ${started[*]} " != *" $name "* ]]; then started+=("$name"); fi
  say "started $name (PID $pid, log $LOGS/$name.log)"
}

# Polls a readiness probe instead of sleeping a fixed time; names the cause when the process
# dies or stays unready, with the last lines of its log.
await_ready() {
  local name=$1 timeout=$2
  shift 2
  local pid deadline=$((SECONDS + timeout))
  pid=$(cat "$PIDS/$name.pid")
  until "$@"; do
    if ! alive "$pid"; then
      printf '%s: %s exited while starting; last lines of %s:\n' "$(basename "$0" .sh)" "$name" "$LOGS/$name.log" >&2
      tail -n 20 "$LOGS/$name.log" >&2
      return 1
    fi
    [ "$SECONDS" -lt "$deadline" ] || {
      printf '%s: %s not ready after %ss; last lines of its log:\n' "$(basename "$0" .sh)" "$name" "$timeout" >&2
      tail -n 20 "$LOGS/$name.log" >&2
      return 1
    }
    sleep 0.2
  done
}

# SIGTERM, up to 10 s to finish, then SIGKILL.
stop_pid() {
  local name=$1 pid=$2
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do
    alive "$pid" || break
    sleep 0.1
  done
  if alive "$pid"; then kill -KILL "$pid" 2>/dev/null || true; fi
  say "stopped $name (PID $pid)"
}
