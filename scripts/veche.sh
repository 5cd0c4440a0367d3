#!/usr/bin/env bash
# Runs the whole system on this machine: Redis (when none answers at REDIS_URL), the
# development IdP and the gateway, with their state and logs under .runtime/. `start` stays in
# the foreground and stops everything it started, by PID, on Ctrl-C or SIGTERM.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
readonly ROOT
# shellcheck source=network/topology.sh
source "$ROOT/network/topology.sh"
# shellcheck source=scripts/lib/processes.sh
source "$ROOT/scripts/lib/processes.sh"
readonly RUNTIME="${VECHE_RUNTIME_DIR:-$ROOT/.runtime}"
readonly LOGS="$RUNTIME/logs" PIDS="$RUNTIME/pids"
readonly HOST="${HOST:-127.0.0.1}"
export OIDC_ISSUER="${OIDC_ISSUER:-http://${HOST}:${IDP_PORT}}"
export IDP_ISSUER="${IDP_ISSUER:-$OIDC_ISSUER}"
export IDP_KEYS_FILE="${IDP_KEYS_FILE:-$RUNTIME/idp/jwks.json}"
export IDP_REDIRECT_URIS="${IDP_REDIRECT_URIS:-http://${HOST}:${PORT}/auth/callback}"
export PSEUDONYM_SECRET_FILE="${PSEUDONYM_SECRET_FILE:-$RUNTIME/gateway/pseudonym.secret}"
export PORT IDP_PORT REDIS_URL
started_at=$(date +%s)
started=()

usage() {
  cat <<TXT
usage: $(basename "$0") <command>
  start    start Redis (if none answers at REDIS_URL), the development IdP and the gateway; Ctrl-C stops them
  status   one line per process: up or down, PID
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
    (cd "$ROOT" && npm run build --silent)
  fi
}

report_ledger() {
  if bash "$ROOT/scripts/install-fabric.sh" check; then
    say "Fabric binaries present in $(bash "$ROOT/scripts/install-fabric.sh" path)"
  else
    say "NOTICE: no Fabric binaries (npm run install:fabric; the Go module proxy here refuses the Fabric module), so the ledger is down and ledger endpoints answer 503"
  fi
}

start() {
  mkdir -p "$LOGS" "$PIDS" "$RUNTIME/redis"
  trap 'stop_started; exit 130' INT
  trap 'stop_started; exit 143' TERM
  trap 'stop_started' EXIT
  ensure_built
  ensure_pseudonym_secret
  report_ledger

  if redis_answers; then
    say "using the Redis that answers at $REDIS_URL"
  else
    local redis_port
    redis_port=$(port_of_url "$REDIS_URL")
    port_free 127.0.0.1 "$redis_port" || die "port $redis_port (REDIS_URL) is in use by something that is not Redis"
    launch redis redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$RUNTIME/redis" --appendonly yes
    await_ready redis 20 redis_answers
  fi

  port_free "$HOST" "$IDP_PORT" || die "port $IDP_PORT (IDP_PORT) is already in use"
  launch idp node "$ROOT/idp/dist/main.js"
  await_ready idp 30 http_ok "$OIDC_ISSUER/.well-known/openid-configuration"

  port_free "$HOST" "$PORT" || die "port $PORT (PORT) is already in use"
  launch gateway node "$ROOT/gateway/dist/main.js"
  await_ready gateway 30 http_ok "http://${HOST}:${PORT}/healthz"

  cat <<TXT

  gateway   http://${HOST}:${PORT}        (API: /api/v1, OpenAPI: /openapi.json, metrics: /metrics)
  dev IdP   ${OIDC_ISSUER}   (development only; tokens: POST ${OIDC_ISSUER}/dev/token)
  Redis     ${REDIS_URL}
  logs      ${LOGS}

TXT
  say "ready: Veche is running; Ctrl-C stops it"
  # Any process ending on its own ends the whole run, so nothing is left half up.
  wait -n || true
  say "a process exited; stopping the rest (logs in $LOGS)"
  return 1
}

status() {
  local name pid
  for name in redis idp gateway; do
    pid=$(cat "$PIDS/$name.pid" 2>/dev/null || true)
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
      printf '%-8s up    PID %s\n' "$name" "$pid"
    else
      printf '%-8s down\n' "$name"
    fi
  done
}

case "${1:-}" in
  start) start ;;
  status) status ;;
  *)
    usage >&2
    exit 1
    ;;
esac
