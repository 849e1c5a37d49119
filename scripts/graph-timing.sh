#!/usr/bin/env bash
# Times `iamsim graph` end to end (load, graph, layout, HTML) on a 10,000-role world
# (100 accounts x 100 roles, `iamsim gen --seed 1`), focused to depth 3, ten runs each; prints
# the node count, and the fastest and median wall and CPU (user+sys) time: on a shared machine
# the CPU time is the figure to compare; a plain `can` on the same world is the loading baseline. Needs a release build
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
    walls=(); cpus=()
    for _ in $(seq 10); do
      /usr/bin/time -f "%e %U %S" -o "$world.time" \
        "$bin" graph --world "$world" --format "$fmt" --focus "$focus" --depth 3 >/dev/null
      read -r e u s < "$world.time"
      walls+=("$e"); cpus+=("$(echo "$u + $s" | bc)")
    done
    w=($(printf '%s\n' "${walls[@]}" | sort -n)); c=($(printf '%s\n' "${cpus[@]}" | sort -n))
    echo "graph --focus $focus --depth 3 --format $fmt: $nodes; wall min ${w[0]} s, median ${w[5]} s; CPU (user+sys) min ${c[0]} s, median ${c[5]} s"
  done
done
walls=(); cpus=()
for _ in $(seq 10); do
  /usr/bin/time -f "%e %U %S" -o "$world.time" \
    "$bin" can --world "$world" arn:aws:iam::100000000003:role/Admin s3:ListAllMyBuckets '*' >/dev/null || true
  read -r e u s < "$world.time"
  walls+=("$e"); cpus+=("$(echo "$u + $s" | bc)")
done
w=($(printf '%s\n' "${walls[@]}" | sort -n)); c=($(printf '%s\n' "${cpus[@]}" | sort -n))
echo "baseline: can on the same world (load and one decision): wall min ${w[0]} s, median ${w[5]} s; CPU min ${c[0]} s, median ${c[5]} s"
