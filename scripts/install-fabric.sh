#!/usr/bin/env bash
# Builds Hyperledger Fabric's binaries and its ccaas external builder from the Fabric Go module,
# pinned to a release commit (Fabric's v2/v3 tags are not valid Go module versions, so the
# commit is the version). The result goes to a cache outside the checkout and is reused when
# the stamp matches, so a second run returns at once.
#
# Exit codes: 0 built or already there; 1 unexpected failure; 2 Go missing or too old;
# 3 the Go module proxy does not serve the pinned Fabric module.
set -euo pipefail

# The release we want first, then the one DESIGN.md accepts when the proxy cannot serve it.
readonly RELEASES=(
  "3.1.5:86c1172bec37e6590c6b1ae6f847833df48d65fc"
  "3.0.0:94590aa4332b20350e8aee5572a8cfd29164221c"
)
readonly FABRIC_MODULE="github.com/hyperledger/fabric"
readonly MIN_GO="1.26.4"
readonly CACHE_ROOT="${VECHE_FABRIC_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/veche}"
FABRIC_VERSION=""
FABRIC_COMMIT=""
FABRIC_HOME=""
readonly BINARIES=(peer orderer osnadmin configtxgen configtxlator cryptogen)
readonly BUILDER_PROGRAMS=(detect build release)
started_at=$(date +%s)

usage() {
  cat <<TXT
usage: $(basename "$0") [install|path|check]
  install  build Fabric (${RELEASES[*]}, first one the proxy serves) into ${CACHE_ROOT} unless built
  path     print the folder holding bin/, builders/ccaas/bin/ and sampleconfig
  check    exit 0 when a build is complete, 1 otherwise
TXT
}

use_release() {
  FABRIC_VERSION=${1%%:*}
  FABRIC_COMMIT=${1#*:}
  FABRIC_HOME="$CACHE_ROOT/fabric-${FABRIC_VERSION}-${FABRIC_COMMIT:0:12}"
}

# Selects the first release already built; fails when none is.
use_built_release() {
  local release
  for release in "${RELEASES[@]}"; do
    use_release "$release"
    is_complete && return 0
  done
  return 1
}

say() { printf '[install-fabric +%ss] %s\n' "$(($(date +%s) - started_at))" "$*"; }
fail() {
  local code=$1
  shift
  printf 'install-fabric: %s\n' "$*" >&2
  exit "$code"
}

version_at_least() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n 1)" = "$2" ]; }

require_go() {
  command -v go >/dev/null 2>&1 || fail 2 "Go is not installed: install Go ${MIN_GO} or newer (Fabric's go.mod needs it)"
  local have
  have=$(go env GOVERSION | sed 's/^go//')
  version_at_least "$have" "$MIN_GO" || fail 2 "Go ${have} is too old: install Go ${MIN_GO} or newer (Fabric's go.mod needs it)"
}

is_complete() {
  [ -f "$FABRIC_HOME/stamp" ] && [ "$(cat "$FABRIC_HOME/stamp")" = "$FABRIC_COMMIT" ] || return 1
  local name
  for name in "${BINARIES[@]}"; do [ -x "$FABRIC_HOME/bin/$name" ] || return 1; done
  for name in "${BUILDER_PROGRAMS[@]}"; do [ -x "$FABRIC_HOME/builders/ccaas/bin/$name" ] || return 1; done
  [ -f "$FABRIC_HOME/sampleconfig/core.yaml" ]
}

# Asks the proxy for the module before building, so a refusal is one clear line and not a
# compiler error several minutes in. Prints the module's folder in the module cache.
download_module() {
  local module=$1 json error
  json=$(go mod download -json "${module}@${FABRIC_COMMIT}" 2>/dev/null || true)
  error=$(printf '%s' "$json" | sed -n 's/^[[:space:]]*"Error": "\(.*\)",\{0,1\}$/\1/p' | head -n 1)
  if [ -n "$error" ] || [ -z "$json" ]; then
    printf 'install-fabric: the Go module proxy (%s) does not serve %s at commit %s (Fabric v%s): %s\n' \
      "$(go env GOPROXY)" "$module" "${FABRIC_COMMIT:0:12}" "$FABRIC_VERSION" "${error:-no answer}" >&2
    return 3
  fi
  printf '%s' "$json" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p' | head -n 1
}

install_fabric() {
  if use_built_release; then
    say "Fabric ${FABRIC_VERSION} already built in ${FABRIC_HOME}"
    return 0
  fi
  require_go
  local module_dir="" release
  for release in "${RELEASES[@]}"; do
    use_release "$release"
    say "step 1/4: fetching ${FABRIC_MODULE} v${FABRIC_VERSION} (commit ${FABRIC_COMMIT:0:12}) through the Go module proxy"
    module_dir=$(download_module "$FABRIC_MODULE") && break
    module_dir=""
  done
  [ -n "$module_dir" ] || fail 3 "no pinned Fabric release (${RELEASES[*]}) is served by the Go module proxy; see the lines above"
  [ -d "$module_dir/sampleconfig" ] || fail 1 "the module cache has no sampleconfig/ for ${FABRIC_MODULE}"

  mkdir -p "$FABRIC_HOME/bin" "$FABRIC_HOME/builders/ccaas/bin"
  local ldflags="-X ${FABRIC_MODULE}/common/metadata.Version=${FABRIC_VERSION} -X ${FABRIC_MODULE}/common/metadata.CommitSHA=${FABRIC_COMMIT:0:12}"
  local i=0 name
  for name in "${BINARIES[@]}"; do
    i=$((i + 1))
    say "step 2/4: building ${name} (${i}/${#BINARIES[@]})"
    GOBIN="$FABRIC_HOME/bin" CGO_ENABLED=0 go install -ldflags "$ldflags" -buildvcs=false "${FABRIC_MODULE}/cmd/${name}@${FABRIC_COMMIT}"
  done

  say "step 3/4: building the ccaas external builder (detect, build, release)"
  download_module "${FABRIC_MODULE}/ccaas_builder" >/dev/null || fail 3 "cannot fetch the ccaas_builder module"
  for name in "${BUILDER_PROGRAMS[@]}"; do
    GOBIN="$FABRIC_HOME/builders/ccaas/bin" CGO_ENABLED=0 go install "${FABRIC_MODULE}/ccaas_builder/cmd/${name}@${FABRIC_COMMIT}"
  done

  say "step 4/4: linking Fabric's sampleconfig from the module cache"
  ln -sfn "$module_dir/sampleconfig" "$FABRIC_HOME/sampleconfig"
  printf '%s' "$FABRIC_COMMIT" >"$FABRIC_HOME/stamp"
  say "Fabric ${FABRIC_VERSION} ready in ${FABRIC_HOME}"
}

main() {
  case "${1:-install}" in
    install) install_fabric ;;
    path) use_built_release && printf '%s\n' "$FABRIC_HOME" ;;
    check) use_built_release ;;
    -h | --help | help) usage ;;
    *)
      usage >&2
      exit 1
      ;;
  esac
}

main "$@"
