#!/usr/bin/env bash
# Caliper's own report for the baseline chaincode's trivial write on the running network (the
# network folder as network.sh finds it: VECHE_NETWORK_DIR, VECHE_RUNTIME_DIR or .runtime).
# Install once with: cd bench/caliper && npm ci
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
NETWORK="${VECHE_NETWORK_DIR:-${VECHE_RUNTIME_DIR:-$ROOT/.runtime}/network}"
OUT="$ROOT/bench-output/caliper"
if [ ! -x "$HERE/node_modules/.bin/caliper" ]; then
  echo "Caliper is not installed: cd bench/caliper && npm ci" >&2
  exit 3
fi
node "$HERE/render.mjs" "$NETWORK/config/network.json" "$OUT"
cd "$HERE"
exec ./node_modules/.bin/caliper launch manager --caliper-workspace "$HERE" \
  --caliper-networkconfig "$OUT/networkconfig.json" --caliper-benchconfig benchconfig.yaml \
  --caliper-flow-only-test --caliper-fabric-gateway-enabled \
  --caliper-report-path "$OUT/report.html"
