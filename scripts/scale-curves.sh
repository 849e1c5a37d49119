#!/usr/bin/env bash
# Scaling curves (BENCHMARKS.md "Scaling curves"): generates organizations of 10,000, 100,000 and
# 1,000,000 roles (`iamsim gen --seed 1 --accounts A --roles-per-account 100 --escalation 10`)
# and times, on each, loading the world, `can --any-path` (a path of escalation steps that is
# allowed, and one question with no path), who-can on the organization-shared bucket and
# who-can for an admin-only action. Prints wall time, CPU (user + sys), max RSS and, for the
# load, MB/s of CPU time. Dev-only and slow: not part of cargo test or .ci/run.
#
#   scripts/scale-curves.sh                 # every size
#   SIZES="100 1000" scripts/scale-curves.sh  # accounts per world (100 roles each)
#   IAMSIM=/path/to/iamsim scripts/scale-curves.sh  # time this binary
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -n "${IAMSIM:-}" ]; then
  BIN="$IAMSIM" # a binary built before (e.g. a copy, so that builds meanwhile do not change it)
else
  cargo build --release --quiet
  BIN="$(pwd)/${CARGO_TARGET_DIR:-target}/release/iamsim"
fi
TMP="${TMP_DIR:-$(mktemp -d)}"
SIZES="${SIZES:-100 1000 10000}"
LIMIT="${LIMIT:-600}"

measure() { # name, then the command's arguments; output goes to $TMP/out.txt
  local name="$1"; shift
  local tv="$TMP/time.txt"
  set +e
  timeout "$LIMIT" /usr/bin/time -f "%e %U %S %M" -o "$tv" "$BIN" "$@" >"$TMP/out.txt" 2>&1
  local rc=$?
  set -e
  read -r wall user sys rss < <(tail -1 "$tv") || true
  local first
  first=$(grep -m1 -oE '^(ALLOW|DENY[^:]*|INDETERMINATE)|INCOMPLETE|[0-9]+ allowed, [0-9]+ conditional, [0-9]+ undecided' "$TMP/out.txt" | head -1 || true)
  [ "$rc" -eq 124 ] && first="stopped after ${LIMIT}s"
  printf '%-9s | %-38s | %7s s | %7s s | %6.0f MB | %s\n' "$ROLES" "$name" "$wall" \
    "$(echo "$user + $sys" | bc)" "$(echo "$rss / 1024" | bc -l)" "$first"
}

printf '%-9s | %-38s | %9s | %9s | %9s | %s\n' roles question wall CPU "max RSS" answer
for A in $SIZES; do
  W="$TMP/gen-$A"
  [ -f "$W/world.json" ] || "$BIN" gen --seed 1 --accounts "$A" --roles-per-account 100 \
    --escalation 10 --out "$W" >/dev/null
  read -r ROLES ACC OTHER BUCKET BYTES < <(python3 - "$W" <<'PY'
import json, os, sys
d = sys.argv[1]
w = json.load(open(os.path.join(d, "world.json")))
accs = w["accounts"]
roles = sum(len(a.get("roles", {})) for a in accs.values())
esc = [a for a in sorted(accs) if "esc-keys" in accs[a].get("users", {})]
shared = None
for a in sorted(accs)[3:]:
    for name, b in accs[a].get("buckets", {}).items():
        p = b.get("policy")
        if isinstance(p, str) and '"Organization"' in open(os.path.join(d, p)).read():
            shared = name
            break
    if shared:
        break
size = sum(os.path.getsize(os.path.join(r, f)) for r, _, fs in os.walk(d) for f in fs)
print(roles, esc[0], esc[1], shared, size)
PY
)
  U="arn:aws:iam::$ACC:user/esc-keys"
  measure "load + one request (can)" can --world "$W" "$U" s3:PutObject "arn:aws:s3:::gen-$ACC-logs/x"
  cpu=$(tail -1 "$TMP/time.txt" | awk '{print $2 + $3}')
  echo "          load: $BYTES bytes, $(echo "$BYTES / 1000000 / $cpu" | bc -l | xargs printf '%.0f') MB/s of CPU time"
  measure "can --any-path, allowed (3 steps)" can --world "$W" --any-path "$U" s3:PutObject \
    "arn:aws:s3:::gen-$ACC-logs/x"
  measure "can --any-path, no path" can --world "$W" --any-path "$U" s3:PutObject \
    "arn:aws:s3:::gen-$OTHER-logs/x"
  measure "who-can org-shared bucket (text)" who-can --world "$W" s3:GetObject "arn:aws:s3:::$BUCKET/x"
  echo "          output: $(wc -c <"$TMP/out.txt") bytes"
  measure "who-can iam:CreateUser (admin-only)" who-can --world "$W" iam:CreateUser \
    "arn:aws:iam::$ACC:user/x"
  measure "who-can --admin --account" who-can --world "$W" --admin --account "$ACC"
done
