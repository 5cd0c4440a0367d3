#!/usr/bin/env bash
# Makes a fresh clone ready for `npm start` and `npm test` (run by their pre-scripts): the
# Debian packages the system and the tests use, node_modules matching package-lock.json, and
# the Fabric binaries (scripts/install-fabric.sh). Returns at once when all are in place.
set -euo pipefail
cd "$(dirname "$0")/.."

readonly PACKAGES=(redis-server shellcheck chromium)
readonly COMMANDS=(redis-server shellcheck chromium)

ensure_debian_packages() {
  local missing=() i
  for i in "${!COMMANDS[@]}"; do
    command -v "${COMMANDS[$i]}" >/dev/null 2>&1 || missing+=("${PACKAGES[$i]}")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "setup: missing ${missing[*]}: install them (Debian: apt-get install ${missing[*]})" >&2
    exit 1
  fi
  echo "[setup] installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

ensure_node_modules() {
  if [ -f node_modules/.package-lock.json ] && [ ! package-lock.json -nt node_modules/.package-lock.json ]; then
    return 0
  fi
  echo "[setup] installing npm packages (npm ci)"
  npm ci --no-audit --no-fund
}

ensure_debian_packages
ensure_node_modules
bash scripts/install-fabric.sh install
