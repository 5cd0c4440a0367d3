#!/usr/bin/env bash
# The Fabric network of DESIGN.md section 2 as plain processes on this machine: 4 SmartBFT
# orderers, one peer per organisation, one chaincode server per organisation and chaincode. All
# state (crypto material, ledgers, logs, PID files) lives under .runtime/network/.
#
# Exit codes: 0 done; 1 failure; 3 Fabric binaries missing.
set -euo pipefail
# A failing command inside $(...) must stop the run too (a failed install, a failed query).
shopt -s inherit_errexit

ROOT=$(cd "$(dirname "$0")/.." && pwd)
readonly ROOT
# shellcheck source=network/topology.sh
source "$ROOT/network/topology.sh"
# shellcheck source=scripts/lib/processes.sh
source "$ROOT/scripts/lib/processes.sh"
readonly NETWORK="${VECHE_NETWORK_DIR:-${VECHE_RUNTIME_DIR:-$ROOT/.runtime}/network}"
readonly CONFIG="$NETWORK/config" CRYPTO="$NETWORK/crypto" LOGS="$NETWORK/logs" PIDS="$NETWORK/pids"
readonly PACKAGES="$NETWORK/packages"
readonly CCAAS_SERVER="$ROOT/node_modules/.bin/fabric-chaincode-node"
FABRIC_HOME=""
started_at=$(date +%s)
started=()
up_finished=false

usage() {
  cat <<TXT
usage: $(basename "$0") <command>
  render   write every configuration file into ${CONFIG}
  up       render, generate crypto material and the channel block, start what is down, join
           the channel, deploy the chaincodes when their definition changed, initialise veche,
           and wait until discovery sees every department
  status   one line per process: up or down, PID, health; each peer's channel height
  running  exit 0 when every process of the rendered network runs, 1 otherwise (no output)
  stopped  exit 0 when no process of the rendered network runs, 1 otherwise (no output)
  down     stop every network process by its recorded PID; ledgers stay
  clean    down, then delete ${NETWORK}
TXT
}

say() { printf '[network +%ss] %s\n' "$(($(date +%s) - started_at))" "$*"; }

die() {
  printf 'network: %s\n' "$*" >&2
  exit 1
}

require_fabric() {
  if ! bash "$ROOT/scripts/install-fabric.sh" check; then
    echo "Fabric binaries are not built: run npm run install:fabric (it builds them from the release tarball)" >&2
    exit 3
  fi
  FABRIC_HOME=$(bash "$ROOT/scripts/install-fabric.sh" path)
  export PATH="$FABRIC_HOME/bin:$PATH"
}

render() {
  local args=(--runtime "$NETWORK")
  if bash "$ROOT/scripts/install-fabric.sh" check; then
    args+=(--fabric "$(bash "$ROOT/scripts/install-fabric.sh" path)")
  fi
  node "$ROOT/network/render.mjs" "${args[@]}"
}

# Runs a command with one organisation's peer CLI identity (admin or client) and the rendered
# core.yaml, in a subshell so that identity never leaks into the next command.
as_org() {
  local org=$1 identity=$2
  shift 2
  (
    set -a
    # shellcheck source=/dev/null
    source "$CONFIG/env/$identity-$org.env"
    set +a
    export FABRIC_CFG_PATH="$CONFIG"
    "$@"
  )
}

load_network_env() {
  set -a
  # shellcheck source=/dev/null
  source "$CONFIG/network.env"
  set +a
}

orderer_flags() { printf '%s\n' -o "$VECHE_ORDERER_ADDRESS" --tls --cafile "$VECHE_ORDERER_TLS_CA"; }

port_free() { ! (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }
tcp_open() { ! port_free "${1%:*}" "${1##*:}"; }
http_ok() { curl -fs -o /dev/null --max-time 2 "$1"; }

# The word that must appear in a recorded PID's command line, so a PID reused by an unrelated
# process after a reboot is never signalled.
process_word() {
  case $1 in
    orderer) echo orderer ;;
    peer) echo peer ;;
    ccaas) echo fabric-chaincode-node ;;
  esac
}

running_pid() {
  local name=$1 kind=$2 pid
  pid=$(cat "$PIDS/$name.pid" 2>/dev/null) || return 1
  alive "$pid" || return 1
  ps -o args= -p "$pid" 2>/dev/null | grep -q -- "$(process_word "$kind")" || return 1
  printf '%s' "$pid"
}

stop_process() {
  local name=$1 kind=$2 pid
  if pid=$(running_pid "$name" "$kind"); then stop_pid "$name" "$pid"; fi
  rm -f "$PIDS/$name.pid" "$PIDS/$name.ccid"
}

# Rows of processes.tsv: name, kind (orderer|peer|ccaas), org, listen address, health probe,
# and the admin address (orderers) or the chaincode name (chaincode servers).
process_rows() { [ -f "$CONFIG/processes.tsv" ] && cat "$CONFIG/processes.tsv"; }

kind_of() { awk -F'\t' -v n="$1" '$1 == n { print $2 }' "$CONFIG/processes.tsv" 2>/dev/null; }

# On a failed or interrupted `up`, stop what this run started, newest first; a finished `up`
# leaves the network running for `down`.
stop_started_on_failure() {
  "$up_finished" && return 0
  local i name
  for ((i = ${#started[@]} - 1; i >= 0; i--)); do
    name=${started[$i]}
    stop_process "$name" "$(kind_of "$name")"
  done
}

# Generated once: certificates carry the hosts as SANs, so after changing a host run `clean`.
ensure_crypto() {
  if [ -d "$CRYPTO" ]; then return 0; fi
  say "generating crypto material (cryptogen)"
  cryptogen generate --config="$CONFIG/crypto-config.yaml" --output="$CRYPTO"
}

ensure_channel_block() {
  [ -f "$VECHE_CHANNEL_BLOCK" ] && return 0
  say "creating the ${VECHE_CHANNEL} channel's genesis block (configtxgen, profile ${VECHE_CONFIGTX_PROFILE})"
  mkdir -p "$(dirname "$VECHE_CHANNEL_BLOCK")"
  configtxgen -configPath "$CONFIG" -profile "$VECHE_CONFIGTX_PROFILE" -channelID "$VECHE_CHANNEL" \
    -outputBlock "$VECHE_CHANNEL_BLOCK"
}

# Orderers read Fabric's sample orderer.yaml and peers the rendered core.yaml; the env file of
# each process overrides everything that is per node.
start_node() {
  local name=$1 kind=$2 address=$3 probe=$4 cfg
  local -a program
  if running_pid "$name" "$kind" >/dev/null; then return 0; fi
  port_free "${address%:*}" "${address##*:}" || die "${address} (${name}) is already in use by another process"
  case $kind in
    orderer)
      cfg="$FABRIC_HOME/sampleconfig"
      program=(orderer)
      ;;
    peer)
      cfg="$CONFIG"
      program=(peer node start)
      ;;
  esac
  mkdir -p "$NETWORK/data/$name"
  # shellcheck disable=SC2016 # expanded by the inner bash
  launch "$name" env FABRIC_CFG_PATH="$cfg" bash -c 'set -a; source "$1"; set +a; shift; exec "$@"' \
    start "$CONFIG/env/$name.env" "${program[@]}"
  await_ready "$name" 60 http_ok "$probe"
}

start_nodes_of_kind() {
  local wanted=$1 name kind address probe
  while IFS=$'\t' read -r name kind _ address probe _; do
    if [ "$kind" = "$wanted" ]; then start_node "$name" "$kind" "$address" "$probe"; fi
  done < <(process_rows)
}

join_orderers() {
  local name kind admin
  while IFS=$'\t' read -r name kind _ _ _ admin; do
    [ "$kind" = orderer ] || continue
    local tls=(--ca-file "$VECHE_ORDERER_TLS_CA" --client-cert "$VECHE_ORDERER_ADMIN_TLS_CERT" --client-key "$VECHE_ORDERER_ADMIN_TLS_KEY")
    # The admin endpoint listens a moment after the health endpoint answers (await_ready): a
    # refused connection means "not yet", not "not joined" (joining then fails on it too).
    local channels="" attempt
    for attempt in $(seq 1 50); do
      if channels=$(osnadmin channel list -o "$admin" "${tls[@]}" 2>&1); then break; fi
      [ "$attempt" -lt 50 ] || die "the admin endpoint of ${name} (${admin}) does not answer: ${channels}"
      sleep 0.2
    done
    if grep -q "\"name\": *\"${VECHE_CHANNEL}\"" <<<"$channels"; then
      continue
    fi
    say "joining ${name} to ${VECHE_CHANNEL}"
    osnadmin channel join --channelID "$VECHE_CHANNEL" --config-block "$VECHE_CHANNEL_BLOCK" -o "$admin" "${tls[@]}"
  done < <(process_rows)
}

join_peers() {
  local org msp
  while IFS=$'\t' read -r org msp _; do
    if as_org "$org" admin peer channel list 2>/dev/null | grep -qx "$VECHE_CHANNEL"; then continue; fi
    say "joining peer-${org} (${msp}) to ${VECHE_CHANNEL}"
    as_org "$org" admin peer channel join -b "$VECHE_CHANNEL_BLOCK"
  done <"$CONFIG/orgs.tsv"
}

module_of() {
  case $1 in
    "$VECHE_CHAINCODE") echo "$ROOT/chaincode" ;;
    "$VECHE_BASELINE_CHAINCODE") echo "$ROOT/network/chaincode-baseline" ;;
  esac
}

# The chaincode modules import @veche/common from its dist/, which a fresh clone lacks: build
# common first whenever it or a chaincode's sources are newer than what was built.
ensure_chaincode_built() {
  local module stale=false
  for module in "$ROOT/common" "$ROOT/chaincode" "$ROOT/network/chaincode-baseline"; do
    if [ ! -f "$module/dist/index.js" ] || [ -n "$(find "$module/src" -newer "$module/dist/index.js" -name '*.ts' -print -quit)" ]; then
      stale=true
    fi
  done
  "$stale" || return 0
  say "building @veche/common, then the chaincodes (npm run build)"
  local workspace
  for workspace in common chaincode network/chaincode-baseline; do
    (cd "$ROOT" && npm run build --silent --workspace "$workspace")
  done
}

# Packages an organisation's connection.json reproducibly, installs it on that org's peer when
# missing and prints the package ID.
install_package() {
  local chaincode=$1 org=$2 id file="$PACKAGES/$1-$2.tar.gz"
  mkdir -p "$PACKAGES"
  id=$(bash "$ROOT/scripts/lib/ccaas-package.sh" "${chaincode}_${org}" "$CONFIG/chaincode/$chaincode/$org/connection.json" "$file")
  if ! as_org "$org" admin peer lifecycle chaincode queryinstalled --output json | grep -qF "\"$id\""; then
    say "installing ${id} on peer-${org}" >&2
    as_org "$org" admin peer lifecycle chaincode install "$file" >&2
  fi
  printf '%s' "$id"
}

# The chaincode server knows its package ID at start (the shim registers under it), so a new ID,
# a newer build or a changed environment file (the veche server's pinned config digest) restarts it.
start_chaincode_server() {
  local chaincode=$1 org=$2 id=$3 name="ccaas-$1-$2" module address env_sum
  module=$(module_of "$chaincode")
  env_sum=$(sha256sum "$CONFIG/env/$name.env" | cut -d' ' -f1)
  if running_pid "$name" ccaas >/dev/null; then
    if [ "$(cat "$PIDS/$name.ccid" 2>/dev/null)" = "$id" ] && [ ! "$module/dist/index.js" -nt "$PIDS/$name.pid" ] &&
      [ "$(cat "$PIDS/$name.envsum" 2>/dev/null)" = "$env_sum" ]; then
      return 0
    fi
    stop_process "$name" ccaas
  fi
  address=$(awk -F'\t' -v n="$name" '$1 == n { print $4 }' "$CONFIG/processes.tsv")
  port_free "${address%:*}" "${address##*:}" || die "${address} (${name}) is already in use by another process"
  # shellcheck disable=SC2016 # expanded by the inner bash, after the env file is sourced
  launch "$name" bash -c 'set -a; source "$1"; set +a; exec "$2" server --chaincode-id "$3" \
    --chaincode-address "$CORE_CHAINCODE_ADDRESS" --chaincode-tls-cert-file "$CORE_CHAINCODE_TLS_CERT_FILE" \
    --chaincode-tls-key-file "$CORE_CHAINCODE_TLS_KEY_FILE" \
    --chaincode-tls-client-cacert-file "$CORE_CHAINCODE_TLS_CLIENT_CACERT_FILE" --module-path "$4"' \
    ccaas "$CONFIG/env/$name.env" "$CCAAS_SERVER" "$id" "$module"
  printf '%s' "$id" >"$PIDS/$name.ccid"
  printf '%s' "$env_sum" >"$PIDS/$name.envsum"
  await_ready "$name" 30 tcp_open "$address"
}

# Prints one top-level field of the JSON on stdin; nothing for empty input or a missing field.
json_field() {
  # shellcheck disable=SC2016 # JavaScript, not shell
  node -e 'let s="";process.stdin.on("data",(d)=>(s+=d)).on("end",()=>{const v=s.trim()?JSON.parse(s)[process.argv[1]]:undefined;process.stdout.write(v===undefined?"":String(v))})' "$1"
}

# The definition's version is a digest of what it fixes (policy, collections, init and, for veche,
# the config its init writes), so a change to any of them is a new version and a new sequence;
# package IDs are per-org approvals. veche's version ends with the config's own SHA-256 (the
# digest its chaincode servers are pinned to), so the definition every org approves names the
# config, and a new config needs a new init.
definition_version() {
  local chaincode=$1 init="$CONFIG/chaincode/$1/init.json" digest
  digest=$({
    printf '%s\n%s\n' "$chaincode" "$VECHE_ENDORSEMENT_POLICY"
    cat "$CONFIG/chaincode/$chaincode/collections_config.json"
    if [ "$chaincode" = "$VECHE_CHAINCODE" ]; then echo init-required; fi
  } | sha256sum | cut -c1-12)
  if [ "$chaincode" = "$VECHE_CHAINCODE" ]; then
    # What the chaincode hashes: init.json without its final newline.
    digest="$digest-config-$(printf '%s' "$(cat "$init")" | sha256sum | cut -c1-64)"
  fi
  echo "$digest"
}

definition_flags() {
  local chaincode=$1 version=$2 sequence=$3
  printf '%s\n' --channelID "$VECHE_CHANNEL" --name "$chaincode" --version "$version" --sequence "$sequence" \
    --signature-policy "$VECHE_ENDORSEMENT_POLICY" \
    --collections-config "$CONFIG/chaincode/$chaincode/collections_config.json"
  if [ "$chaincode" = "$VECHE_CHAINCODE" ]; then printf '%s\n' --init-required; fi
}

# Every organisation approves (the regulator too, or its peer could not run the chaincode);
# the commit is endorsed by the departments, which satisfy MAJORITY Endorsement.
deploy_chaincode() {
  local chaincode=$1 org msp role address ca committed version current_version sequence id
  local -A ids=()
  local -a endorsers=() flags=() orderer=()
  while IFS=$'\t' read -r org msp role address ca; do
    ids[$org]=$(install_package "$chaincode" "$org")
    start_chaincode_server "$chaincode" "$org" "${ids[$org]}"
    if [ "$role" = department ]; then endorsers+=(--peerAddresses "$address" --tlsRootCertFiles "$ca"); fi
  done <"$CONFIG/orgs.tsv"

  version=$(definition_version "$chaincode")
  committed=$(as_org "$VECHE_GATEWAY_ORG_NAME" admin peer lifecycle chaincode querycommitted \
    --channelID "$VECHE_CHANNEL" --name "$chaincode" --output json 2>/dev/null || true)
  current_version=$(printf '%s' "$committed" | json_field version)
  sequence=$(printf '%s' "$committed" | json_field sequence)
  sequence=${sequence:-0}
  if [ "$current_version" != "$version" ]; then sequence=$((sequence + 1)); fi
  mapfile -t flags < <(definition_flags "$chaincode" "$version" "$sequence")
  mapfile -t orderer < <(orderer_flags)

  while IFS=$'\t' read -r org msp role address ca; do
    if as_org "$org" admin peer lifecycle chaincode queryapproved --channelID "$VECHE_CHANNEL" --name "$chaincode" \
      --sequence "$sequence" --output json 2>/dev/null | grep -qF "\"${ids[$org]}\""; then
      continue
    fi
    say "approving ${chaincode} ${version} (sequence ${sequence}) for ${msp}"
    as_org "$org" admin peer lifecycle chaincode approveformyorg "${orderer[@]}" "${flags[@]}" --package-id "${ids[$org]}"
  done <"$CONFIG/orgs.tsv"

  if [ "$current_version" != "$version" ]; then
    say "committing ${chaincode} ${version} (sequence ${sequence})"
    as_org "$VECHE_GATEWAY_ORG_NAME" admin peer lifecycle chaincode commit "${orderer[@]}" "${flags[@]}" "${endorsers[@]}"
  fi
}

# A definition that requires init refuses every other call until its init ran (once per
# version). The init is InitConfig through `peer chaincode invoke --isInit`, since the Gateway
# API cannot mark a transaction as init.
initialise_veche() {
  local output org msp role address ca args
  local -a endorsers=() orderer=()
  if output=$(as_org "$VECHE_GATEWAY_ORG_NAME" client peer chaincode query -C "$VECHE_CHANNEL" -n "$VECHE_CHAINCODE" \
    -c '{"function":"config:GetConfig","Args":[]}' 2>&1); then
    return 0
  fi
  printf '%s' "$output" | grep -q 'not been initialized' || die "GetConfig on ${VECHE_CHAINCODE} failed: ${output}"
  while IFS=$'\t' read -r org msp role address ca; do
    if [ "$role" = department ]; then endorsers+=(--peerAddresses "$address" --tlsRootCertFiles "$ca"); fi
  done <"$CONFIG/orgs.tsv"
  mapfile -t orderer < <(orderer_flags)
  args=$(node -e 'const c=require("fs").readFileSync(process.argv[1],"utf8").trim();process.stdout.write(JSON.stringify({function:"config:InitConfig",Args:[c]}))' \
    "$CONFIG/chaincode/$VECHE_CHAINCODE/init.json")
  say "initialising ${VECHE_CHAINCODE} (config:InitConfig)"
  as_org "$VECHE_GATEWAY_ORG_NAME" client peer chaincode invoke "${orderer[@]}" -C "$VECHE_CHANNEL" -n "$VECHE_CHAINCODE" \
    --isInit "${endorsers[@]}" -c "$args" --waitForEvent
}

# The end-to-end check: both departments' peers and the regulator's read-only peer answer.
query_everywhere() {
  local org msp
  while IFS=$'\t' read -r org msp _; do
    say "GetConfig through peer-${org} as a ${msp} client: $(as_org "$org" client peer chaincode query \
      -C "$VECHE_CHANNEL" -n "$VECHE_CHAINCODE" -c '{"function":"config:GetConfig","Args":[]}')"
  done <"$CONFIG/orgs.tsv"
}

# Service discovery on the gateway organisation's peer, as its client: the peers it knows of on
# the channel (JSON). The discover command keeps its own settings file.
discover_peers() {
  local org=$VECHE_GATEWAY_ORG_NAME conf="$NETWORK/discover/$VECHE_GATEWAY_ORG_NAME.yaml" msp address ca cert key
  # shellcheck disable=SC2016 # JavaScript, not shell
  read -r msp address ca cert key < <(node -e 'const n=require(process.argv[1]);const o=n.orgs.find((x)=>x.name===process.argv[2]);
    console.log([o.mspId,o.peer.address,o.peer.tlsCa,o.client.cert,o.client.key].join(" "))' "$CONFIG/network.json" "$org")
  if [ ! -f "$conf" ]; then
    mkdir -p "$(dirname "$conf")"
    discover --configFile "$conf" --peerTLSCA "$ca" --userCert "$cert" --userKey "$key" --MSP "$msp" saveConfig
  fi
  discover --configFile "$conf" peers --channel "$VECHE_CHANNEL" --server "$address" 2>/dev/null
}

# Gossip learns the other organisations' peers only after its first successful dial, and until
# then the gateway cannot plan an endorsement by every department: wait for all of them.
await_discovery() {
  local deadline=$((SECONDS + 90)) seen missing
  local -a departments
  mapfile -t departments < <(awk -F'\t' '$3 == "department" { print $2 }' "$CONFIG/orgs.tsv")
  while true; do
    seen=$(discover_peers | node -e 'let s="";process.stdin.on("data",(d)=>(s+=d)).on("end",()=>{try{for(const p of JSON.parse(s))console.log(p.MSPID)}catch{}})' || true)
    missing=()
    local msp
    for msp in "${departments[@]}"; do
      grep -qx "$msp" <<<"$seen" || missing+=("$msp")
    done
    [ ${#missing[@]} -eq 0 ] && break
    [ "$SECONDS" -lt "$deadline" ] || die "service discovery on peer-${VECHE_GATEWAY_ORG_NAME} still misses ${missing[*]} after 90 s: see the peers' logs in ${LOGS}"
    sleep 0.5
  done
  say "discovery on peer-${VECHE_GATEWAY_ORG_NAME} sees every department: ${departments[*]}"
}

# One change at a time: two `up`s at once (npm start and a test run, say) would both find a
# chaincode server down and race to start it on the same port. Waits for the other to finish.
lock_network() {
  mkdir -p "$NETWORK"
  exec 9>"$NETWORK/.lock"
  if ! flock -n 9; then
    say "another network.sh is changing ${NETWORK}; waiting for it"
    flock 9
  fi
}

up() {
  require_fabric
  lock_network
  mkdir -p "$LOGS" "$PIDS"
  trap 'exit 130' INT
  trap 'exit 143' TERM
  trap 'stop_started_on_failure' EXIT
  render
  ensure_crypto
  # Again, now that the TLS material exists for the chaincode packages' connection.json.
  render >/dev/null
  load_network_env
  VECHE_GATEWAY_ORG_NAME=$(printf '%s' "$VECHE_GATEWAY_ORG" | tr '[:upper:]' '[:lower:]')
  ensure_channel_block
  start_nodes_of_kind orderer
  join_orderers
  start_nodes_of_kind peer
  join_peers
  ensure_chaincode_built
  deploy_chaincode "$VECHE_CHAINCODE"
  deploy_chaincode "$VECHE_BASELINE_CHAINCODE"
  initialise_veche
  query_everywhere
  await_discovery
  up_finished=true
  say "ready: ${VECHE_CHANNEL} is up; logs in ${LOGS}; stop with npm run network:down"
}

status() {
  local name kind address probe pid health
  [ -f "$CONFIG/processes.tsv" ] || {
    echo "not rendered yet (npm run network:render)"
    return 0
  }
  while IFS=$'\t' read -r name kind _ address probe _; do
    if pid=$(running_pid "$name" "$kind"); then
      case $probe in
        http://*) if http_ok "$probe"; then health=healthy; else health=unhealthy; fi ;;
        tcp://*) if tcp_open "${probe#tcp://}"; then health=listening; else health="not listening"; fi ;;
      esac
      printf '%-26s up    PID %-8s %s (%s)\n' "$name" "$pid" "$address" "$health"
    else
      printf '%-26s down  %s\n' "$name" "$address"
    fi
  done < <(process_rows)
  report_heights
}

# Whether no rendered process runs (or nothing was rendered yet): only then may `npm start` take
# the network as its own and stop it at the end.
stopped() {
  local name kind
  [ -f "$CONFIG/processes.tsv" ] || return 0
  while IFS=$'\t' read -r name kind _; do
    if running_pid "$name" "$kind" >/dev/null; then return 1; fi
  done < <(process_rows)
}

# Whether every rendered process runs: `npm start` leaves a network it found running as it was.
running() {
  local name kind
  [ -f "$CONFIG/processes.tsv" ] || return 1
  while IFS=$'\t' read -r name kind _; do
    running_pid "$name" "$kind" >/dev/null || return 1
  done < <(process_rows)
}

# The height of the channel as each running peer reports it (peer channel getinfo).
report_heights() {
  command -v peer >/dev/null 2>&1 || return 0
  local org msp info
  while IFS=$'\t' read -r org msp _; do
    running_pid "peer-$org" peer >/dev/null || continue
    if info=$(as_org "$org" client peer channel getinfo -c "$VECHE_CHANNEL" 2>/dev/null); then
      printf '%-26s %s height %s\n' "peer-$org" "$VECHE_CHANNEL" "$(sed -n 's/.*"height":\([0-9]*\).*/\1/p' <<<"$info")"
    else
      printf '%-26s %s height unknown (not joined or not answering)\n' "peer-$org" "$VECHE_CHANNEL"
    fi
  done <"$CONFIG/orgs.tsv"
}

down() {
  local rows=() i name kind
  lock_network
  if [ -f "$CONFIG/processes.tsv" ]; then mapfile -t rows < <(process_rows); fi
  # Chaincode servers first, orderers last: the reverse of the start order.
  for ((i = ${#rows[@]} - 1; i >= 0; i--)); do
    IFS=$'\t' read -r name kind _ <<<"${rows[$i]}"
    stop_process "$name" "$kind"
  done
  local leftover
  for leftover in "$PIDS"/*.pid; do
    [ -e "$leftover" ] || continue
    say "note: ${leftover} belongs to no rendered process; left alone"
  done
}

clean() {
  down
  if [ -z "$NETWORK" ] || [ "$NETWORK" = / ]; then die "refusing to delete '${NETWORK}'"; fi
  rm -rf "$NETWORK"
  say "deleted ${NETWORK}"
}

case "${1:-}" in
  render) render ;;
  up) up ;;
  status)
    if bash "$ROOT/scripts/install-fabric.sh" check; then require_fabric; fi
    status
    ;;
  running) running ;;
  stopped) stopped ;;
  down) down ;;
  clean) clean ;;
  -h | --help | help) usage ;;
  *)
    usage >&2
    exit 1
    ;;
esac
