#!/usr/bin/env bash
# Times `iamsim graph` end to end (load, graph, layout, HTML) on a 10,000-role world
# (100 accounts x 100 roles, `iamsim gen --seed 1`), focused to depth 3, ten runs each; prints
# the node count and the fastest and median wall time. Needs a release build
# (`cargo build --release`). Figures go to BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=target/release/iamsim
world=${TMPDIR:-/tmp}/iamsim-graph-timing-100x100
[ -f "$world/world.json" ] || "$bin" gen --seed 1 --accounts 100 --roles-per-account 100 --out "$world" >/dev/null
user=$("$bin" graph --world "$world" --format json --focus "arn:aws:iam::100000000003:role/Admin" --depth 1 \
  | python3 -c 'import json,sys; print(next(n["id"] for n in json.load(sys.stdin)["nodes"] if n["kind"]=="user"))')
for focus in "$user" "arn:aws:iam::100000000003:role/Admin"; do
  for fmt in html json; do
    nodes=$("$bin" graph --world "$world" --format json --focus "$focus" --depth 3 \
      | python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d["nodes"]), "nodes,", len(d["edges"]), "edges")')
    times=()
    for _ in $(seq 10); do
      s=$(date +%s%N)
      "$bin" graph --world "$world" --format "$fmt" --focus "$focus" --depth 3 >/dev/null
      e=$(date +%s%N)
      times+=($(( (e - s) / 1000000 )))
    done
    sorted=($(printf '%s\n' "${times[@]}" | sort -n))
    echo "graph --focus $focus --depth 3 --format $fmt: $nodes; min ${sorted[0]} ms, median ${sorted[5]} ms"
  done
done
