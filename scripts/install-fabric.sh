#!/usr/bin/env bash
# Builds Hyperledger Fabric's binaries and its ccaas external builder from the release's source
# tarball (the Go module proxy here refuses the Fabric module; the tag ships vendor/, so the
# build needs no network). The tarball is checksum-checked, unpacked and built in a cache
# outside the checkout; a second run finds the stamp and returns at once.
#
# Configuration (environment):
#   VECHE_FABRIC_TARBALL  source tarball (default ../shared/deps/fabric-3.1.5-src.tar.gz beside the
#                         checkout); a file <tarball>.sha256 beside it must hold its checksum.
#                         Outside this workplace: `git archive --format=tar --prefix=fabric-3.1.5/ v3.1.5
#                         | gzip -n -9` of github.com/hyperledger/fabric gives the same file.
#   VECHE_FABRIC_CACHE    where builds go (default ~/.cache/veche)
#
# Exit codes: 0 built or already there; 1 build failure; 2 Go missing or too old;
# 3 the tarball or its checksum is missing or wrong.
set -euo pipefail

readonly FABRIC_VERSION="3.1.5"
readonly FABRIC_COMMIT="86c1172bec37e6590c6b1ae6f847833df48d65fc"
readonly FABRIC_MODULE="github.com/hyperledger/fabric"
readonly MIN_GO="1.26.4"
checkout=$(cd "$(dirname "$0")/.." && pwd)
readonly TARBALL="${VECHE_FABRIC_TARBALL:-$checkout/../shared/deps/fabric-${FABRIC_VERSION}-src.tar.gz}"
readonly CACHE_ROOT="${VECHE_FABRIC_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/veche}"
readonly FABRIC_HOME="$CACHE_ROOT/fabric-${FABRIC_VERSION}-${FABRIC_COMMIT:0:12}"
# The six of the release, and discover, which network:up asks whether both departments see each other.
readonly BINARIES=(peer orderer osnadmin configtxgen configtxlator cryptogen discover)
readonly BUILDER_PROGRAMS=(detect build release)
started_at=$(date +%s)

usage() {
  cat <<TXT
usage: $(basename "$0") [install|path|check]
  install  build Fabric ${FABRIC_VERSION} from ${TARBALL} into ${FABRIC_HOME} unless built
  path     print the folder holding bin/, builders/ccaas/bin/ and sampleconfig/
  check    exit 0 when a build is complete, 1 otherwise
TXT
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

verify_tarball() {
  [ -f "$TARBALL" ] || fail 3 "no Fabric source tarball at ${TARBALL}: set VECHE_FABRIC_TARBALL to fabric-${FABRIC_VERSION}-src.tar.gz (git archive of tag v${FABRIC_VERSION})"
  [ -f "$TARBALL.sha256" ] || fail 3 "no checksum file ${TARBALL}.sha256: put the tarball's sha256sum output beside it"
  (cd "$(dirname "$TARBALL")" && sha256sum --quiet -c "$(basename "$TARBALL").sha256" >/dev/null 2>&1) ||
    fail 3 "checksum mismatch for ${TARBALL} (checked against ${TARBALL}.sha256): fetch the tarball again"
}

install_fabric() {
  if is_complete; then
    say "Fabric ${FABRIC_VERSION} already built in ${FABRIC_HOME}"
    return 0
  fi
  require_go
  say "step 1/5: checking ${TARBALL} against its .sha256"
  verify_tarball

  local src="$FABRIC_HOME/src"
  say "step 2/5: unpacking into ${src}"
  rm -rf "$src"
  mkdir -p "$src" "$FABRIC_HOME/bin" "$FABRIC_HOME/builders/ccaas/bin"
  tar -xzf "$TARBALL" -C "$src" --strip-components=1
  if [ ! -d "$src/vendor" ] || [ ! -d "$src/sampleconfig" ]; then
    fail 3 "${TARBALL} holds no Fabric source tree with vendor/ and sampleconfig/"
  fi

  # The version ldflags of Fabric's Makefile, so `peer version` names the release and commit.
  local ldflags="-X ${FABRIC_MODULE}/common/metadata.Version=${FABRIC_VERSION} -X ${FABRIC_MODULE}/common/metadata.CommitSHA=${FABRIC_COMMIT:0:7}"
  say "step 3/5: building ${BINARIES[*]} (vendored modules, offline; about 90 s cold on 2 cores)"
  local packages=() name
  for name in "${BINARIES[@]}"; do packages+=("./cmd/${name}"); done
  (cd "$src" && GOFLAGS=-mod=vendor GOPROXY=off CGO_ENABLED=0 go build -buildvcs=false -ldflags "$ldflags" \
    -o "$FABRIC_HOME/bin/" "${packages[@]}") || fail 1 "go build of Fabric failed (see the lines above)"

  # ccaas_builder is its own module without vendor/; its two small dependencies come from the
  # Go module proxy, which serves them.
  say "step 4/5: building the ccaas external builder (${BUILDER_PROGRAMS[*]})"
  (cd "$src/ccaas_builder" && CGO_ENABLED=0 go build -buildvcs=false -o "$FABRIC_HOME/builders/ccaas/bin/" ./cmd/...) ||
    fail 1 "go build of the ccaas builder failed (see the lines above)"

  say "step 5/5: linking sampleconfig/ from the same tree"
  ln -sfn "$src/sampleconfig" "$FABRIC_HOME/sampleconfig"
  printf '%s' "$FABRIC_COMMIT" >"$FABRIC_HOME/stamp"
  say "Fabric ${FABRIC_VERSION} ready in ${FABRIC_HOME}: $("$FABRIC_HOME/bin/peer" version | sed -n 's/^ *Version: //p;s/^ *Commit SHA: / commit /p' | tr -d '\n')"
}

main() {
  case "${1:-install}" in
    install) install_fabric ;;
    path) is_complete && printf '%s\n' "$FABRIC_HOME" ;;
    check) is_complete ;;
    -h | --help | help) usage ;;
    *)
      usage >&2
      exit 1
      ;;
  esac
}

main "$@"
