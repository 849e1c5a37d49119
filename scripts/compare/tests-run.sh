#!/usr/bin/env bash
# `iamsim test` end to end against @cloud-copilot/iam-simulate, side by side in one run: the
# peer's median time for the cross-account tutorial request (simulate.mjs, both hops), then
# `iamsim test` on 1,000 / 100,000 / 1,000,000 tests of that request (scripts/tests-file.py,
# files of 100,000 tests), wall and CPU time, requests per second, peak memory and the ratio.
#
#   scripts/compare/tests-run.sh [SECONDS_FOR_THE_PEER] [COUNT]...
#
# IAMSIM=path (default target/release/iamsim) is the binary timed; BEFORE=path times a second
# binary on the same files in the same run (an older build, for before and after), the two
# alternately (before, after, after, before) on each count. TMPDIR chooses where the tests files
# and timings are written (default /tmp).
# Dev-only, like run.sh: needs Node.js and npm; not part of .ci/run.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
seconds="${1:-3}"
shift || true
counts=("$@")
[ ${#counts[@]} -gt 0 ] || counts=(1000 100000 1000000)
bin="${IAMSIM:-$root/target/release/iamsim}"
out="${TMPDIR:-/tmp}/iamsim-tests-run"
world="$root/fixtures/aws-cli-role-profile-corrected"
mkdir -p "$out"

if [ ! -d "$here/node_modules/@cloud-copilot/iam-simulate" ]; then
  (cd "$here" && npm install --no-audit --no-fund --silent)
fi
node "$here/tests-case.mjs" "$root" "$out"
echo "== iam-simulate (${seconds} s)"
node "$here/simulate.mjs" "$out" "$seconds"
peer_ns="$(node -e "console.log(JSON.parse(require('fs').readFileSync('$out/node.json'))[0].iam_simulate_ns)")"
# CPU time too: on a busy machine it is steadier than wall time.
peer_cpu="$(node "$here/simulate-cpu.mjs" "$out" 2000)"
echo "$peer_cpu"
peer_cpu_us="$(node -e "console.log(JSON.parse(process.argv[1]).cpu_us)" "$peer_cpu")"

echo
echo "| binary | tests | wall s | user+sys s | requests/s | max RSS MB | iamsim / iam-simulate (wall) | CPU µs a test | iamsim / iam-simulate (CPU) |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
for n in "${counts[@]}"; do
  tests="$out/tests-$n"
  [ -f "$tests/tests-000.json" ] || python3 "$root/scripts/tests-file.py" "$n" "$tests"
  # With BEFORE: before, after, after, before, so that neither has the quieter moments.
  order=(after)
  [ -z "${BEFORE:-}" ] || order=(before after after before)
  for which in "${order[@]}"; do
    b="$bin"
    if [ "$which" = before ]; then b="$BEFORE"; fi
    /usr/bin/time -f "%e %U %S %M" -o "$out/time" "$b" test "$world" "$tests"/tests-*.json > "$out/stdout" || true
    summary="$(tail -1 "$out/stdout")"
    [ "$summary" = "$n passed, 0 failed" ] || { echo "$b: $summary" >&2; exit 1; }
    read -r wall user sys rss < "$out/time"
    node -e "
      const [n, wall, cpu, rss, peer, peerCpu] = [$n, $wall, $user + $sys, $rss, $peer_ns, $peer_cpu_us];
      const rps = n / wall;
      const peerRps = 1e9 / peer;
      console.log('| ' + ['$(basename "$b")', n.toLocaleString('en'), wall.toFixed(2), cpu.toFixed(2),
        Math.round(rps).toLocaleString('en'), (rss / 1024).toFixed(0),
        Math.round(rps / peerRps).toLocaleString('en') + '×',
        (cpu * 1e6 / n).toFixed(2), Math.round(peerCpu / (cpu * 1e6 / n)).toLocaleString('en') + '×'].join(' | ') + ' |')"
  done
done
echo
echo "iam-simulate: $(node -e "console.log(Math.round(1e9 / $peer_ns).toLocaleString('en'))") requests/s ($(node -e "console.log(($peer_ns / 1000).toFixed(0))") µs a request, both hops; $(node -e "console.log(($peer_cpu_us).toFixed(0))") µs of CPU)"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load average $(cut -d' ' -f1-3 /proc/loadavg)"
