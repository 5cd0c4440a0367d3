#!/usr/bin/env bash
# Runs the whole system on this machine: the Fabric network (scripts/network.sh up), Redis (when
# none answers at REDIS_URL), the development IdP and the gateway, with their state and logs
# under .runtime/. `start` stays in the foreground and supervises what it started: a service that
# exits is started again after a backoff (1 s, doubling, at most VECHE_RESTART_MAX_DELAY; back to
# 1 s once it has run VECHE_RESTART_RESET_AFTER seconds), and a network it owns gets `network.sh
# up` when one of its processes dies. On Ctrl-C or SIGTERM it stops by PID everything it started
# and restarts nothing more; a network that was running before it, even partly, is left as it was.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
readonly ROOT
# shellcheck source=network/topology.sh
source "$ROOT/network/topology.sh"
# shellcheck source=scripts/lib/processes.sh
source "$ROOT/scripts/lib/processes.sh"
readonly RUNTIME="${VECHE_RUNTIME_DIR:-$ROOT/.runtime}"
# The same folder network.sh works in; exported so both agree whatever the caller set.
export VECHE_NETWORK_DIR="${VECHE_NETWORK_DIR:-$RUNTIME/network}"
readonly NETWORK="$VECHE_NETWORK_DIR"
readonly LOGS="$RUNTIME/logs" PIDS="$RUNTIME/pids"
readonly HOST="${HOST:-127.0.0.1}"
export OIDC_ISSUER="${OIDC_ISSUER:-http://${HOST}:${IDP_PORT}}"
export IDP_ISSUER="${IDP_ISSUER:-$OIDC_ISSUER}"
export IDP_KEYS_FILE="${IDP_KEYS_FILE:-$RUNTIME/idp/jwks.json}"
export IDP_REDIRECT_URIS="${IDP_REDIRECT_URIS:-http://${HOST}:${PORT}/auth/callback}"
export PSEUDONYM_SECRET_FILE="${PSEUDONYM_SECRET_FILE:-$RUNTIME/gateway/pseudonym.secret}"
# The web page shows dates in the zone the chaincode judges ages in.
export CITY_TIME_ZONE="${CITY_TIME_ZONE:-$VECHE_TIME_ZONE}"
export PORT IDP_PORT REDIS_URL
started_at=$(date +%s)
started=()
# The step running in the background right now (build, Fabric install, network up), so a
# signal can stop it instead of waiting for it to finish.
step_pid=""
network_started=false
stopping=false
# Supervision: seconds of backoff at most, and how long a process must run before its count of
# restarts starts again from 1 s.
readonly RESTART_MAX_DELAY="${VECHE_RESTART_MAX_DELAY:-30}"
readonly RESTART_RESET_AFTER="${VECHE_RESTART_RESET_AFTER:-60}"
# The services this run started and supervises, and per name: restarts since the last healthy
# period, and when it was last started.
supervised=()
declare -A restarts=() launched_at=()

usage() {
  cat <<TXT
usage: $(basename "$0") <command>
  start    start the Fabric network (scripts/network.sh up), Redis (if none answers at REDIS_URL),
           the development IdP and the gateway; Ctrl-C or SIGTERM stops what it started
  status   one line per process: up or down, PID; then the network's status
  ledger-env  print the ledger settings the gateway would get: gateway.env of the network,
           except variables set explicitly in the environment
TXT
}

say() { printf '[veche +%ss] %s\n' "$(($(date +%s) - started_at))" "$*"; }

die() {
  printf 'veche: %s\n' "$*" >&2
  exit 1
}

port_of_url() { local rest=${1##*:}; printf '%s' "${rest%%/*}"; }

port_free() { ! (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

redis_answers() { [ "$(redis-cli -u "$REDIS_URL" ping 2>/dev/null)" = "PONG" ]; }

http_ok() { curl -fs -o /dev/null --max-time 2 "$1"; }

# Runs one long step in the background and waits for it: bash runs a trap only once the
# foreground command ends, so a SIGTERM would otherwise wait for a whole build or network start.
run_step() {
  "$@" &
  step_pid=$!
  local status=0
  wait "$step_pid" || status=$?
  step_pid=""
  return "$status"
}

stop_step() {
  [ -n "$step_pid" ] || return 0
  kill -TERM "$step_pid" 2>/dev/null || true
  wait "$step_pid" 2>/dev/null || true
  step_pid=""
}

stop_started() {
  local i name pid
  for ((i = ${#started[@]} - 1; i >= 0; i--)); do
    name=${started[$i]}
    pid=$(cat "$PIDS/$name.pid" 2>/dev/null) || continue
    if alive "$pid"; then stop_pid "$name" "$pid"; fi
    rm -f "$PIDS/$name.pid"
  done
  started=()
}

# Once, whatever called it (a signal, an error, the end of the run): a second Ctrl-C while
# stopping must not cut the stop short.
shutdown() {
  "$stopping" && return 0
  stopping=true
  trap '' INT TERM
  stop_step
  stop_started
  if "$network_started"; then
    say "stopping the Fabric network this run started (ledgers stay)"
    bash "$ROOT/scripts/network.sh" down || true
  fi
}

ensure_pseudonym_secret() {
  [ -f "$PSEUDONYM_SECRET_FILE" ] && return 0
  mkdir -p "$(dirname "$PSEUDONYM_SECRET_FILE")"
  (umask 077 && head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$PSEUDONYM_SECRET_FILE")
  say "generated the pseudonym secret in $PSEUDONYM_SECRET_FILE (keep it: it maps residents to their IDs)"
}

ensure_built() {
  if [ ! -f "$ROOT/gateway/dist/main.js" ] || [ ! -f "$ROOT/idp/dist/main.js" ] ||
    [ -n "$(find "$ROOT/common/src" "$ROOT/gateway/src" "$ROOT/idp/src" "$ROOT/chaincode/src" -newer "$ROOT/gateway/dist/main.js" -name '*.ts' -print -quit)" ]; then
    say "building (npm run build)"
    run_step npm --prefix "$ROOT" run build --silent
  fi
}

# Builds Fabric from the release tarball when its binaries are missing; returns at once when built.
ensure_fabric() {
  run_step bash "$ROOT/scripts/install-fabric.sh" install
  say "Fabric binaries in $(bash "$ROOT/scripts/install-fabric.sh" path)"
}

# network.sh up is idempotent: it starts what is down and redeploys a changed chaincode. This run
# owns the network only when every process of it was down: a network someone else runs, even
# partly (one node crashed, a chaincode server being redeployed), is left as it is at the end.
start_network() {
  if bash "$ROOT/scripts/network.sh" stopped; then
    say "starting the Fabric network in $NETWORK (network.sh up)"
    network_started=true
  else
    say "the Fabric network in $NETWORK is running: checking it (network.sh up), and leaving it running at the end"
  fi
  # Its own session: Ctrl-C reaches this script, which stops the network in order, not every
  # node at once.
  run_step setsid bash "$ROOT/scripts/network.sh" up
}

# The gateway's ledger settings as network.sh up rendered them; a variable the operator set
# explicitly keeps the operator's value.
load_gateway_env() {
  local file="$NETWORK/config/gateway.env" name
  [ -f "$file" ] || die "$file is missing: network.sh up did not render it"
  local -A given=()
  while read -r name; do
    if [ -n "${!name+x}" ]; then given[$name]=${!name}; fi
  done < <(sed -n 's/^\([A-Za-z_][A-Za-z0-9_]*\)=.*/\1/p' "$file")
  set -a
  # shellcheck source=/dev/null
  source "$file"
  set +a
  for name in "${!given[@]}"; do export "$name=${given[$name]}"; done
  if [ ${#given[@]} -gt 0 ]; then say "ledger settings from $file, except ${!given[*]} (set explicitly)"; fi
}

print_ledger_env() {
  load_gateway_env >/dev/null
  local name
  while read -r name; do printf '%s=%s\n' "$name" "${!name}"; done < <(sed -n 's/^\([A-Za-z_][A-Za-z0-9_]*\)=.*/\1/p' "$NETWORK/config/gateway.env")
}

# The command line of each service; the same one starts it again after a crash.
start_service() {
  local name=$1
  case $name in
    redis) launch redis setsid redis-server --port "$(port_of_url "$REDIS_URL")" --bind 127.0.0.1 --dir "$RUNTIME/redis" --appendonly yes ;;
    idp) launch idp setsid node "$ROOT/idp/dist/main.js" ;;
    gateway) launch gateway setsid node "$ROOT/gateway/dist/main.js" ;;
  esac
  launched_at[$name]=$SECONDS
  if [[ " ${supervised[*]} " != *" $name "* ]]; then supervised+=("$name"); fi
}

# 1 s, 2 s, 4 s ... at most RESTART_MAX_DELAY.
backoff_delay() {
  local attempt=$1 delay=1
  while ((attempt > 1 && delay < RESTART_MAX_DELAY)); do
    delay=$((delay * 2))
    attempt=$((attempt - 1))
  done
  ((delay > RESTART_MAX_DELAY)) && delay=$RESTART_MAX_DELAY
  printf '%s' "$delay"
}

# Sets exit_text to "status 1" or "status 137 (SIGKILL)", the exit status bash recorded for a
# child of this script. Not through $(...): a subshell cannot wait for its parent's child.
exit_text=""
describe_exit() {
  local pid=$1 status=0
  wait "$pid" 2>/dev/null || status=$?
  exit_text="status $status"
  if ((status > 128 && status < 160)); then exit_text+=" (SIG$(kill -l "$((status - 128))"))"; fi
}

# Waits out a backoff in the background (run_step), so Ctrl-C or SIGTERM stops it at once.
pause() { run_step sleep "$1"; }

# One service found dead: log it, wait its backoff, start it again (unless stopping by then).
restart_service() {
  local name=$1 pid=$2 attempt delay
  describe_exit "$pid"
  attempt=$((${restarts[$name]:-0} + 1))
  restarts[$name]=$attempt
  delay=$(backoff_delay "$attempt")
  say "supervisor: $name (PID $pid) exited with $exit_text; restarting it in ${delay} s (attempt $attempt)"
  pause "$delay"
  "$stopping" && return 0
  start_service "$name"
}

# Whether a process of the network this run owns has died (its PID file names a dead PID).
network_process_dead() {
  local file pid
  for file in "$NETWORK"/pids/*.pid; do
    [ -e "$file" ] || continue
    pid=""
    read -r pid <"$file" || true
    if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then
      printf '%s' "$(basename "$file" .pid)"
      return 0
    fi
  done
  return 1
}

# `network.sh up` restarts whatever of the owned network is down, with the same backoff.
restart_network() {
  local dead=$1 attempt delay status=0
  attempt=$((${restarts[network]:-0} + 1))
  restarts[network]=$attempt
  launched_at[network]=$SECONDS
  delay=$(backoff_delay "$attempt")
  say "supervisor: Fabric process $dead died (exit status unknown: network.sh started it); network.sh up in ${delay} s (attempt $attempt)"
  pause "$delay"
  "$stopping" && return 0
  run_step setsid bash "$ROOT/scripts/network.sh" up >>"$LOGS/network-restarts.log" 2>&1 || status=$?
  if ((status == 0)); then say "supervisor: network.sh up brought the Fabric network back"; else say "supervisor: network.sh up failed (status $status; $LOGS/network-restarts.log)"; fi
}

# Polls once a second, reading PID files and using kill -0, so a check costs no process on this
# small machine. A process that has run RESTART_RESET_AFTER seconds since its last start is healthy
# again, so its next crash waits 1 s.
supervise() {
  local name pid dead
  while ! "$stopping"; do
    pause 1
    for name in "${supervised[@]}"; do
      "$stopping" && return 0
      pid=""
      read -r pid <"$PIDS/$name.pid" || true
      # This script reaps its children as they exit, so kill -0 needs no ps (no zombie stays).
      if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        if ((${restarts[$name]:-0} > 0 && SECONDS - ${launched_at[$name]} >= RESTART_RESET_AFTER)); then
          say "supervisor: $name has run ${RESTART_RESET_AFTER} s since its restart; its backoff starts again from 1 s"
          restarts[$name]=0
        fi
        continue
      fi
      restart_service "$name" "${pid:-0}"
    done
    if "$network_started" && ! "$stopping"; then
      if dead=$(network_process_dead); then
        restart_network "$dead"
      elif ((${restarts[network]:-0} > 0 && SECONDS - launched_at[network] >= RESTART_RESET_AFTER)); then
        restarts[network]=0
      fi
    fi
  done
}

start() {
  mkdir -p "$LOGS" "$PIDS" "$RUNTIME/redis"
  trap 'shutdown; exit 130' INT
  trap 'shutdown; exit 143' TERM
  trap 'shutdown' EXIT
  ensure_built
  ensure_pseudonym_secret
  ensure_fabric
  start_network
  load_gateway_env

  # Each service in its own session, like the network's nodes: Ctrl-C reaches this script
  # alone, which stops the gateway first (it finishes in-flight requests), then the IdP, Redis.
  if redis_answers; then
    say "using the Redis that answers at $REDIS_URL (not supervised: this run did not start it)"
  else
    local redis_port
    redis_port=$(port_of_url "$REDIS_URL")
    port_free 127.0.0.1 "$redis_port" || die "port $redis_port (REDIS_URL) is in use by something that is not Redis"
    start_service redis
    await_ready redis 20 redis_answers
  fi

  port_free "$HOST" "$IDP_PORT" || die "port $IDP_PORT (IDP_PORT) is already in use"
  start_service idp
  await_ready idp 30 http_ok "$OIDC_ISSUER/.well-known/openid-configuration"

  port_free "$HOST" "$PORT" || die "port $PORT (PORT) is already in use"
  start_service gateway
  # Ready means Redis and the ledger answer too (GET /readyz), not only that the process runs.
  await_ready gateway 60 http_ok "http://${HOST}:${PORT}/readyz"

  cat <<TXT

  gateway   http://${HOST}:${PORT}        (API: /api/v1, OpenAPI: /openapi.json, metrics: /metrics)
  dev IdP   ${OIDC_ISSUER}   (development only; tokens: POST ${OIDC_ISSUER}/dev/token)
  Redis     ${REDIS_URL}
  Fabric    ${NETWORK}   (channel ${VECHE_CHANNEL}; npm run network:status)
  logs      ${LOGS} and ${NETWORK}/logs

TXT
  say "ready: Veche is running; Ctrl-C stops it"
  supervise
}

status() {
  local name pid
  for name in redis idp gateway; do
    pid=$(cat "$PIDS/$name.pid" 2>/dev/null || true)
    if [ -n "$pid" ] && alive "$pid"; then
      printf '%-26s up    PID %s\n' "$name" "$pid"
    else
      printf '%-26s down\n' "$name"
    fi
  done
  bash "$ROOT/scripts/network.sh" status
}

case "${1:-}" in
  start) start ;;
  status) status ;;
  ledger-env) print_ledger_env ;;
  -h | --help | help) usage ;;
  *)
    usage >&2
    exit 1
    ;;
esac
