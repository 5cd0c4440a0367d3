#!/usr/bin/env bash
# Builds a chaincode-as-a-service package that Fabric's peer accepts: an outer .tar.gz holding
# exactly two regular files, metadata.json and code.tar.gz (which holds connection.json). The
# package ID is "<label>:<sha256 of the package file>", so the archive must be byte-for-byte
# reproducible: sorted entries, fixed mtimes and owners, and gzip without name or timestamp.
# Then network:up can compare IDs to decide whether a new chaincode definition is needed.
set -euo pipefail
work=""

usage() {
  echo "usage: $(basename "$0") <label> <connection.json> <output.tar.gz>   (prints the package ID)" >&2
  exit 1
}

reproducible_tgz() {
  local dir=$1 out=$2
  shift 2
  tar --sort=name --mtime='@0' --owner=0 --group=0 --numeric-owner --mode='u=rw,go=r' --format=gnu \
    -C "$dir" -cf - "$@" | gzip -n -9 >"$out"
}

package_ccaas() {
  local label=$1 connection=$2 out=$3
  [[ "$label" =~ ^[[:alnum:]][[:alnum:]_.+-]*$ ]] || {
    echo "ccaas-package: label '$label' is not a valid Fabric package label" >&2
    exit 1
  }
  [ -f "$connection" ] || {
    echo "ccaas-package: no connection file at $connection" >&2
    exit 1
  }
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  mkdir -p "$work/code" "$work/pkg"
  cp "$connection" "$work/code/connection.json"
  reproducible_tgz "$work/code" "$work/pkg/code.tar.gz" connection.json
  printf '{"label":"%s","type":"ccaas"}' "$label" >"$work/pkg/metadata.json"
  reproducible_tgz "$work/pkg" "$out" metadata.json code.tar.gz
  printf '%s:%s\n' "$label" "$(sha256sum "$out" | cut -d' ' -f1)"
}

[ $# -eq 3 ] || usage
package_ccaas "$@"
