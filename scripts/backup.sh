#!/usr/bin/env bash
# Backs up and restores everything a Veche installation cannot rebuild: the ledgers (every
# peer's and orderer's data folder), the crypto material and the rendered configuration of the
# Fabric network, the gateway's pseudonym secret, the development IdP's signing keys, and Redis
# (idempotency records, live counts, the audit index, sessions).
#
# Consistency: a ledger copied while its node writes may be torn, so `create` stops the network
# (network.sh down) for the copy and brings it back (network.sh up) when it was running; writes
# through the gateway answer 503 meanwhile (reads of Redis go on). Redis is snapshotted while the
# network is down, so it holds at least what the copied ledgers hold.
#
# The archive (tar.gz) holds MANIFEST.sha256 (every file's SHA-256) and manifest.env (when,
# from where, and the hosts and ports of the network: orderer addresses are written in the
# channel's configuration, so a restored network must run on the same ones).
set -euo pipefail
shopt -s inherit_errexit

ROOT=$(cd "$(dirname "$0")/.." && pwd)
readonly ROOT
# shellcheck source=network/topology.sh
source "$ROOT/network/topology.sh"
readonly RUNTIME="${VECHE_RUNTIME_DIR:-$ROOT/.runtime}"
readonly NETWORK="${VECHE_NETWORK_DIR:-$RUNTIME/network}"
readonly PSEUDONYM_SECRET_FILE="${PSEUDONYM_SECRET_FILE:-$RUNTIME/gateway/pseudonym.secret}"
readonly IDP_KEYS_FILE="${IDP_KEYS_FILE:-$RUNTIME/idp/jwks.json}"
readonly FORMAT=1
started_at=$(date +%s)
staging=""

usage() {
  cat <<TXT
usage: $(basename "$0") <command>
  create <archive>                  back up the network in ${NETWORK}, the gateway's and
                                    the IdP's secrets and Redis at ${REDIS_URL}; stops
                                    the network for the copy and starts it again
  restore <archive> <runtime-folder>
                                    check every checksum, then unpack into a new runtime
                                    folder; start it with VECHE_RUNTIME_DIR=<runtime-folder>
                                    npm start, on the hosts and ports of <runtime-folder>/backup.env
  verify <archive>                  check the archive's checksums only
TXT
}

say() { printf '[backup +%ss] %s\n' "$(($(date +%s) - started_at))" "$*"; }

die() {
  printf 'backup: %s\n' "$*" >&2
  exit 1
}

cleanup() {
  if [ -n "$staging" ]; then rm -rf "$staging"; fi
}
trap cleanup EXIT

redis_answers() { [ "$(redis-cli -u "$REDIS_URL" ping 2>/dev/null)" = "PONG" ]; }

# The network's hosts and ports as the topology has them now, one NAME='value' a line.
topology_settings() {
  local name
  for name in $(compgen -v | grep -E '^VECHE_[A-Z0-9_]+_(HOST|PORT)$|^(PORT|IDP_PORT|REDIS_URL|VECHE_CHANNEL)$' | sort); do
    printf "%s='%s'\n" "$name" "${!name}"
  done
}

# Stops the network and holds network.sh's lock until the copy is done, so no `network.sh up`
# (npm start's supervisor restarting what it sees die, say) starts a node meanwhile: it waits for
# the lock. One that slipped in between the stop and the lock is stopped again.
quiesce() {
  local attempt
  for attempt in 1 2 3; do
    say "stopping the network for a consistent copy of its ledgers (network.sh down)"
    bash "$ROOT/scripts/network.sh" down
    exec 8>"$NETWORK/.lock"
    flock 8
    if bash "$ROOT/scripts/network.sh" stopped; then return 0; fi
    exec 8>&-
    say "the network was started again meanwhile (attempt ${attempt})"
  done
  die "the network in ${NETWORK} keeps being started again; stop what restarts it and retry"
}

create() {
  local archive=$1 was_running=false sums
  [ -f "$NETWORK/config/processes.tsv" ] || die "no network in ${NETWORK} (nothing rendered): nothing to back up"
  [ -d "$NETWORK/data" ] || die "no ledgers in ${NETWORK}/data: nothing to back up"
  mkdir -p "$(dirname "$archive")"
  archive=$(cd "$(dirname "$archive")" && pwd)/$(basename "$archive")
  staging=$(mktemp -d "$(dirname "$archive")/.veche-backup.XXXXXX")

  if bash "$ROOT/scripts/network.sh" running; then was_running=true; fi
  # From here on, a failure must not leave a network that was running stopped.
  trap 'cleanup; exec 8>&-; if "$was_running"; then bash "$ROOT/scripts/network.sh" up >&2 || true; fi' EXIT
  quiesce

  mkdir -p "$staging/redis"
  if redis_answers; then
    say "snapshot of Redis at ${REDIS_URL} (redis-cli --rdb: a BGSAVE sent over the connection)"
    redis-cli -u "$REDIS_URL" --rdb "$staging/redis/dump.rdb" >/dev/null
  elif [ -d "$RUNTIME/redis" ]; then
    say "Redis does not answer at ${REDIS_URL}: copying its stopped data folder ${RUNTIME}/redis"
    cp -a "$RUNTIME/redis/." "$staging/redis/"
  else
    die "Redis does not answer at ${REDIS_URL} and ${RUNTIME}/redis does not exist"
  fi

  say "copying ${NETWORK} (ledgers, crypto material, configuration; not logs or PID files)"
  mkdir -p "$staging/network"
  tar -C "$NETWORK" --exclude=./logs --exclude=./pids --exclude=./.lock -cf - . | tar -C "$staging/network" -xf -
  exec 8>&-
  if "$was_running"; then
    say "starting the network again (network.sh up)"
    bash "$ROOT/scripts/network.sh" up >/dev/null
  fi
  trap cleanup EXIT

  [ -f "$PSEUDONYM_SECRET_FILE" ] || die "no pseudonym secret at ${PSEUDONYM_SECRET_FILE}: without it no resident maps to their ID again"
  mkdir -p "$staging/gateway" "$staging/idp"
  cp -p "$PSEUDONYM_SECRET_FILE" "$staging/gateway/pseudonym.secret"
  if [ -f "$IDP_KEYS_FILE" ]; then cp -p "$IDP_KEYS_FILE" "$staging/idp/jwks.json"; fi

  {
    printf "VECHE_BACKUP_FORMAT='%s'\nVECHE_BACKUP_CREATED='%s'\nVECHE_BACKUP_NETWORK='%s'\n" \
      "$FORMAT" "$(date -u +%FT%TZ)" "$NETWORK"
    topology_settings
  } >"$staging/manifest.env"
  sums=$(cd "$staging" && find . -type f -print0 | sort -z | xargs -0 sha256sum)
  printf '%s\n' "$sums" >"$staging/MANIFEST.sha256"
  tar -C "$staging" -czf "$archive.partial" .
  mv "$archive.partial" "$archive"
  say "wrote ${archive} ($(du -h "$archive" | cut -f1), $(wc -l <"$staging/MANIFEST.sha256") files with checksums)"
}

# Unpacks into $staging and checks every file against MANIFEST.sha256; refuses a changed,
# missing or unlisted file.
unpack_checked() {
  local archive=$1 bad
  [ -f "$archive" ] || die "no archive at ${archive}"
  tar -C "$staging" -xzf "$archive" 2>/dev/null || die "${archive} cannot be unpacked (truncated, or not a tar.gz of backup.sh)"
  if [ ! -f "$staging/MANIFEST.sha256" ] || [ ! -f "$staging/manifest.env" ]; then
    die "${archive} is not a Veche backup: it has no MANIFEST.sha256 or manifest.env"
  fi
  if ! bad=$(cd "$staging" && sha256sum --quiet -c MANIFEST.sha256 2>/dev/null); then
    die "${archive} is corrupted: these files do not match MANIFEST.sha256: $(awk -F': FAILED' '{ printf "%s ", $1 }' <<<"$bad")"
  fi
  bad=$(cd "$staging" && comm -23 <(find . -type f ! -name MANIFEST.sha256 | sort) <(sed 's/^[0-9a-f]*  //' MANIFEST.sha256 | sort))
  [ -z "$bad" ] || die "${archive} is corrupted: files not in MANIFEST.sha256: $(tr '\n' ' ' <<<"$bad")"
  grep -qx "VECHE_BACKUP_FORMAT='$FORMAT'" "$staging/manifest.env" ||
    die "${archive} has another backup format than ${FORMAT}"
}

# Redis started with --appendonly yes (npm start) ignores dump.rdb when no append-only file
# exists, so the snapshot is loaded once here and written out as the append-only file.
redis_to_aof() {
  local dir=$1 socket pid i
  [ -f "$dir/dump.rdb" ] && [ ! -d "$dir/appendonlydir" ] || return 0
  socket="$dir/restore.sock"
  redis-server --port 0 --unixsocket "$socket" --dir "$dir" --dbfilename dump.rdb --appendonly no \
    --save '' >"$dir/restore.log" 2>&1 &
  pid=$!
  for i in $(seq 1 100); do
    [ "$(redis-cli -s "$socket" ping 2>/dev/null)" = PONG ] && break
    [ "$i" -lt 100 ] || die "redis-server did not load the snapshot; see $dir/restore.log"
    sleep 0.1
  done
  redis-cli -s "$socket" config set appendonly yes >/dev/null
  for i in $(seq 1 300); do
    if redis-cli -s "$socket" info persistence | tr -d '\r' |
      grep -qx 'aof_enabled:1' && ! redis-cli -s "$socket" info persistence | tr -d '\r' |
      grep -qE '^aof_rewrite_(in_progress|scheduled):1$'; then
      break
    fi
    [ "$i" -lt 300 ] || die "Redis did not write its append-only file; see $dir/restore.log"
    sleep 0.1
  done
  redis-cli -s "$socket" shutdown >/dev/null 2>&1 || true
  wait "$pid" || true
  rm -f "$dir/restore.log"
}

restore() {
  local archive=$1 target=$2
  if [ -e "$target" ] && [ -n "$(ls -A "$target" 2>/dev/null)" ]; then
    die "${target} is not empty: restore only into a new runtime folder"
  fi
  mkdir -p "$target"
  target=$(cd "$target" && pwd)
  staging=$(mktemp -d "$target/.restore.XXXXXX")
  say "checking ${archive} against its manifest"
  unpack_checked "$archive"
  mv "$staging/network" "$target/network"
  mv "$staging/gateway" "$target/gateway"
  mv "$staging/idp" "$target/idp"
  mv "$staging/redis" "$target/redis"
  mkdir -p "$target/network/logs" "$target/network/pids"
  chmod 600 "$target/gateway/pseudonym.secret"
  say "loading the Redis snapshot into an append-only file in ${target}/redis"
  redis_to_aof "$target/redis"
  grep -v '^VECHE_BACKUP_' "$staging/manifest.env" >"$target/backup.env"
  say "restored into ${target}; start it on the backup's hosts and ports:"
  say "  set -a; source ${target}/backup.env; set +a; VECHE_RUNTIME_DIR=${target} npm start"
}

verify() {
  local archive=$1
  staging=$(mktemp -d)
  unpack_checked "$archive"
  say "${archive}: every file matches MANIFEST.sha256 ($(wc -l <"$staging/MANIFEST.sha256") files)"
}

case "${1:-}" in
  create)
    [ $# -eq 2 ] || { usage >&2; exit 1; }
    create "$2"
    ;;
  restore)
    [ $# -eq 3 ] || { usage >&2; exit 1; }
    restore "$2" "$3"
    ;;
  verify)
    [ $# -eq 2 ] || { usage >&2; exit 1; }
    verify "$2"
    ;;
  -h | --help | help) usage ;;
  *)
    usage >&2
    exit 1
    ;;
esac
