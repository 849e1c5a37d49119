#!/usr/bin/env bash
# Side by side, one command: iamsim's decision-only path against the cedar-policy crate's
# is_authorized and @cloud-copilot/iam-simulate's runSimulation, on the same requests
# (benches/cedar-compare writes the cases; simulate.mjs times the peer). Prints the ratios.
#
#   scripts/compare/run.sh [SECONDS_PER_CASE]      (default 3; BENCHMARKS.md used 5)
#
# Dev-only: needs Node.js and npm (the peer is AGPL-3.0, installed into the git-ignored
# node_modules here) and builds benches/cedar-compare, a workspace of its own, so neither is
# ever needed to build or test iamsim. Not part of .ci/run.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
seconds="${1:-3}"
out="${TMPDIR:-/tmp}/iamsim-compare"
mkdir -p "$out"

if [ ! -d "$here/node_modules/@cloud-copilot/iam-simulate" ]; then
  (cd "$here" && npm install --no-audit --no-fund --silent)
fi
(cd "$root/benches/cedar-compare" && cargo build --release --quiet)
bin="${CARGO_TARGET_DIR:-$root/benches/cedar-compare/target}/release/cedar-compare"

echo "== iamsim and Cedar (${seconds} s a case)"
"$bin" "$out" "$seconds"
echo "== iam-simulate (${seconds} s a case)"
node "$here/simulate.mjs" "$out" "$seconds"
echo
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo
node "$here/table.mjs" "$out"
