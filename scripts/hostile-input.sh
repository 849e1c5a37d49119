#!/usr/bin/env bash
# Hostile input (issue 7, README "Hostile input"): generates each input into a temp folder, runs
# the release iamsim on it under /usr/bin/time -v, and prints a table of outcome, wall time and
# max RSS. Dev-only and slow (large files): not part of cargo test or .ci/run.
#
#   scripts/hostile-input.sh            # builds release, runs every case
#   KEEP=1 scripts/hostile-input.sh     # keeps the temp folder
#   ONLY='limit|over' scripts/hostile-input.sh   # only the cases whose name matches
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x /usr/bin/time ]; then
  echo "install GNU time first: apt-get install -y time" >&2
  exit 2
fi
cargo build --release --quiet
BIN="${CARGO_TARGET_DIR:-target}/release/iamsim"
LIMIT="${LIMIT:-300}" # seconds before a case counts as hung

TMP="$(mktemp -d)"
if [ -z "${KEEP:-}" ]; then trap 'rm -rf "$TMP"' EXIT; else echo "inputs in $TMP"; fi

python3 - "$TMP" <<'PY'
import json, os, sys
root = sys.argv[1]
A = "111111111111"

def world(name, accounts, tests=None):
    d = os.path.join(root, name)
    os.makedirs(os.path.join(d, "policies"), exist_ok=True)
    with open(os.path.join(d, "world.json"), "w") as f:
        json.dump({"accounts": accounts}, f)
    if tests is not None:
        with open(os.path.join(d, "tests.json"), "w") as f:
            json.dump({"tests": tests}, f)
    return d

def allow_all():
    return {"Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}

# 1. A 50 MB policy: one identity policy, one statement, ~1.2M resources.
d = world("big-policy", {A: {"users": {"alice": {"policies": ["policies/big.json"]}}}})
with open(os.path.join(d, "policies/big.json"), "w") as f:
    f.write('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":[')
    n = 0
    size = 0
    first = True
    while size < 50_000_000:
        s = ('' if first else ',') + '"arn:aws:s3:::bucket-%08d/*"' % n
        f.write(s)
        size += len(s)
        n += 1
        first = False
    f.write(']}]}')

# 1b. The same bytes as a bucket policy (other size limit, other reader path).
d = world("big-bucket-policy", {A: {"users": {"alice": {"policies": [allow_all()]}},
                                   "buckets": {"b": {"policy": "policies/big.json"}}}})
os.link(os.path.join(root, "big-policy/policies/big.json"), os.path.join(d, "policies/big.json"))

# 2. 100,000 statements in one policy.
d = world("100k-statements", {A: {"users": {"alice": {"policies": ["policies/many.json"]}}}})
with open(os.path.join(d, "policies/many.json"), "w") as f:
    stmts = [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b%d/*" % i}
             for i in range(100_000)]
    json.dump({"Version": "2012-10-17", "Statement": stmts}, f)

# 2b. 100,000 statements spread over 10,000 users of 10 statements each (a policy each, under
#     AWS's size limit), so the world loads and is evaluated.
users = {}
for u in range(10_000):
    users["u%d" % u] = {"policies": [{"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b%d-%d/*" % (u, i)}
        for i in range(10)]}]}
world("100k-statements-10k-users", {A: {"users": users, "buckets": {"b9999-9": {}}}})

# 3. Patterns built to make a backtracking matcher explode: *a*a*...*b against 100 KB of a's, in
#    a resource pattern and in a StringLike condition.
pat = "*a" * 40 + "*b"
world("wildcard-blowup", {A: {"users": {"alice": {"policies": [{
    "Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/" + pat},
        {"Effect": "Allow", "Action": "s3:PutObject", "Resource": "*",
         "Condition": {"StringLike": {"aws:UserAgent": pat}}}]}]}},
    "buckets": {"b": {}}}})
with open(os.path.join(root, "long-key.txt"), "w") as f:
    f.write("a" * 100_000)

# 4. 10,000-deep JSON nesting: in a policy, in world.json and in a tests file.
deep = "[" * 10_000 + "]" * 10_000
d = world("deep-policy", {A: {"users": {"alice": {"policies": ["policies/deep.json"]}}}})
with open(os.path.join(d, "policies/deep.json"), "w") as f:
    f.write('{"Version":"2012-10-17","Statement":' + deep + '}')
d = os.path.join(root, "deep-world")
os.makedirs(d)
with open(os.path.join(d, "world.json"), "w") as f:
    f.write('{"accounts":' + "{\"x\":" * 10_000 + "1" + "}" * 10_000 + "}")
d = world("deep-tests", {A: {"users": {"alice": {"policies": [allow_all()]}}}})
with open(os.path.join(d, "tests.json"), "w") as f:
    f.write('{"tests":' + deep + '}')

# 5. Roles that trust each other: a ring of 1,000 (role i trusts role i-1, role 0 trusts alice)
#    and a clique of 1,000 (every role trusts the account, every role may assume every role).
#    Only the last role may read the bucket.
def roles_world(name, trust_of, n):
    roles = {}
    for i in range(n):
        pol = [{"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]}]
        if i == n - 1:
            pol[0]["Statement"].append(
                {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"})
        roles["r%d" % i] = {"trust": {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": trust_of(i)}, "Action": "sts:AssumeRole"}]},
            "policies": pol}
    tests = [{"name": "any path to the bucket", "principal": "arn:aws:iam::%s:user/alice" % A,
              "via": "*", "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k",
              "expect": "deny"}]
    world(name, {A: {"users": {"alice": {"policies": [{"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]}]}},
        "roles": roles, "buckets": {"b": {}}}}, tests)

roles_world("role-ring-1000",
            lambda i: "arn:aws:iam::%s:user/alice" % A if i == 0
            else "arn:aws:iam::%s:role/r%d" % (A, i - 1), 1000)
# The ring's last role is 999 hops away, past the 8-hop bound; the clique reaches it in one.
roles_world("role-clique-1000", lambda i: "arn:aws:iam::%s:root" % A, 1000)
# A clique where no role can reach the bucket: the search must visit everything and give up.
roles_world("role-clique-1000-unreachable", lambda i: "arn:aws:iam::%s:root" % A, 1000)
with open(os.path.join(root, "role-clique-1000-unreachable/world.json")) as f:
    w = json.load(f)
w["accounts"][A]["roles"]["r999"]["policies"][0]["Statement"].pop()
with open(os.path.join(root, "role-clique-1000-unreachable/world.json"), "w") as f:
    json.dump(w, f)

# 6. A tests file with 1,000,000 requests (~120 MB: over the 64 MiB bound), and one of 400,000
#    (~50 MB: read and run).
def tests_file(path, n):
    with open(path, "w") as f:
        f.write('{"tests":[')
        for i in range(n):
            f.write(('' if i == 0 else ',') + json.dumps({
                "name": "t%d" % i, "principal": "arn:aws:iam::%s:user/alice" % A,
                "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k%d" % i,
                "expect": "allow"}, separators=(",", ":")))
        f.write(']}')
d = world("million-tests", {A: {"users": {"alice": {"policies": [allow_all()]}},
                               "buckets": {"b": {}}}})
tests_file(os.path.join(d, "tests.json"), 1_000_000)
tests_file(os.path.join(d, "tests-400k.json"), 400_000)

# 7. Files that are not what they claim (issue 11): world.json a symlink to /dev/zero, a policy
#    that is a FIFO, a policy naming /proc/self/environ, a folder of symlinks to itself.
d = os.path.join(root, "dev-zero-world")
os.makedirs(d)
os.symlink("/dev/zero", os.path.join(d, "world.json"))
d = world("fifo-policy", {A: {"users": {"alice": {"policies": ["policies/fifo.json"]}}}})
os.mkfifo(os.path.join(d, "policies/fifo.json"))
world("proc-environ", {A: {"users": {"alice": {"policies": ["/proc/self/environ"]}}}})
d = os.path.join(root, "symlink-loops")
os.makedirs(d)
with open(os.path.join(d, "p.json"), "w") as f:
    json.dump(allow_all(), f)
os.symlink(".", os.path.join(d, "x"))
os.symlink(".", os.path.join(d, "y"))

# 8. 200 `via: "*"` tests on the clique of 1,000 roles.
with open(os.path.join(root, "role-clique-1000/tests.json")) as f:
    t = json.load(f)
t["tests"] = [dict(t["tests"][0], name="any path %d" % i, resource="arn:aws:s3:::b/k%d" % i,
                   expect="allow") for i in range(200)]
with open(os.path.join(root, "role-clique-1000/tests-200.json"), "w") as f:
    json.dump(t, f)

# 9. who-can's worst case, small: 300 roles that every principal may assume and that may all
#    read the bucket, and 100 users (a 25 KB world): 400 principals x 300 roles of entries.
d = world("who-can-clique", {A: {"buckets": {"b": {}},
    "users": {"u%d" % i: {"policies": ["policies/p.json"]} for i in range(100)},
    "roles": {"r%d" % i: {"trust": "policies/t.json", "policies": ["policies/p.json"]}
              for i in range(300)}}})
with open(os.path.join(d, "policies/p.json"), "w") as f:
    json.dump({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Action": ["sts:AssumeRole", "s3:GetObject"], "Resource": "*"}]}, f)
with open(os.path.join(d, "policies/t.json"), "w") as f:
    json.dump({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::%s:root" % A}, "Action": "sts:AssumeRole"}]}, f)

# 11. One file just over the limit of each kind of file (files::FILE_LIMITS), sparse: the size is
#     refused from the file's metadata, nothing is read or allocated. And a policy file at its
#     limit (4 MiB of resources: read, then refused by AWS's quota for its type).
GiB, MiB = 1 << 30, 1 << 20
def sparse(path, size):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.truncate(size)
d = os.path.join(root, "over-world")
sparse(os.path.join(d, "world.json"), GiB + 1)
d = world("over-tests", {A: {"users": {"alice": {"policies": [allow_all()]}}}})
sparse(os.path.join(d, "tests.json"), GiB + 1)
sparse(os.path.join(root, "over-export/accounts", A, "authorization-details.json"), GiB + 1)
d = world("over-policy", {A: {"users": {"alice": {"policies": ["policies/p.json"]}}}})
sparse(os.path.join(d, "policies/p.json"), 4 * MiB + 1)
d = world("at-limit-policy", {A: {"users": {"alice": {"policies": ["policies/p.json"]}}}})
with open(os.path.join(d, "policies/p.json"), "w") as f:
    head = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":['
    f.write(head)
    size, n = len(head) + 4, 0
    while True:
        s = ('' if n == 0 else ',') + '"arn:aws:s3:::bucket-%08d/*"' % n
        if size + len(s) > 4 * MiB:
            break
        f.write(s)
        size += len(s)
        n += 1
    f.write(']}]}')
d = world("over-iac", {A: {"iac": ["main.tf"]}})
sparse(os.path.join(d, "main.tf"), 64 * MiB + 1)
sparse(os.path.join(root, "over-config/iamsim-lint.json"), 64 * MiB + 1)
with open(os.path.join(root, "over-config/p.json"), "w") as f:
    json.dump(allow_all(), f)
d = world("over-cli", {A: {"users": {"alice": {"policies": [allow_all()]}}, "buckets": {"b": {}}}})
sparse(os.path.join(d, "aws-config"), MiB + 1)

# 13. who-can's bound on open conditions: 1,000 users whose policy allows reading under 12
#     conditions on keys a who-can question leaves open (past the 10 atoms whose 1,024
#     assignments are decided per hop).
conds = {
    "IpAddress": {"aws:SourceIp": "203.0.113.0/24"},
    "Bool": {"aws:SecureTransport": "true", "aws:MultiFactorAuthPresent": "true",
             "aws:ViaAWSService": "false"},
    "StringLike": {"aws:UserAgent": "ci/*", "aws:Referer": "https://example.com/*",
                   "aws:SourceVpce": "vpce-1*", "aws:SourceVpc": "vpc-1*"},
    "StringEquals": {"aws:RequestedRegion": "eu-west-1", "s3:ExistingObjectTag/team": "a"},
    "DateLessThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"},
    "NumericLessThan": {"s3:signatureAge": "600000"},
}
d = world("who-can-open-conditions", {A: {
    "users": {"u%d" % i: {"policies": ["policies/read.json"]} for i in range(1000)},
    "buckets": {"b": {}}}})
with open(os.path.join(d, "policies/read.json"), "w") as f:
    json.dump({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Action": "s3:GetObject", "Resource": "*", "Condition": conds}]}, f)

# 12. A folder of more than 200,000 files and folders: a walk stops and says so.
d = os.path.join(root, "wide-folder")
os.makedirs(d)
for i in range(200_001):
    open(os.path.join(d, "f%06d.txt" % i), "w").close()
PY

# 10. A generated organization for who-can: 40 accounts x 40 roles x 20 users.
"$BIN" gen --seed 11 --accounts 40 --roles-per-account 40 --users-per-account 20 \
  --out "$TMP/gen-40x40" >/dev/null

printf '%-34s | %-62s | %8s | %9s\n' "input" "outcome" "wall s" "max RSS"
printf '%-34s-+-%-62s-+-%8s-+-%9s\n' "$(printf '%.0s-' {1..34})" "$(printf '%.0s-' {1..62})" "--------" "---------"

run() {
  local name="$1"; shift
  # ONLY=REGEX runs only the cases whose name matches (the inputs are all written).
  if [ -n "${ONLY:-}" ] && ! [[ "$name" =~ $ONLY ]]; then return 0; fi
  local out="$TMP/out.txt" tv="$TMP/time.txt"
  set +e
  timeout "$LIMIT" /usr/bin/time -v -o "$tv" "$BIN" "$@" >"$out" 2>&1
  local rc=$?
  set -e
  local wall rss outcome
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$tv" | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
  rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f MB", $2/1024}' "$tv")
  local first
  first=$(grep -m1 -oE 'error\[[A-Z_]+\]|^(ALLOW|DENY[^:]*)|[0-9]+ passed, [0-9]+ failed' "$out" || true)
  if [ "$rc" -eq 124 ]; then outcome="HUNG (killed after ${LIMIT}s)";
  elif [ "$rc" -ge 128 ] || grep -q "panicked" "$out"; then outcome="CRASH (exit $rc)";
  else outcome="exit $rc: ${first:-$(head -c 50 "$out" | tr '\n' ' ')}"; fi
  printf '%-34s | %-62s | %8s | %9s\n' "$name" "${outcome:0:62}" "${wall:-?}" "${rss:-?}"
}

run "50 MB identity policy" test "$TMP/big-policy" "$TMP/million-tests/tests.json"
run "50 MB bucket policy" test "$TMP/big-bucket-policy" "$TMP/million-tests/tests.json"
run "100,000 statements, one policy" test "$TMP/100k-statements" "$TMP/million-tests/tests.json"
run "100,000 statements, 10,000 users" can --world "$TMP/100k-statements-10k-users" \
  arn:aws:iam::111111111111:user/u9999 s3:GetObject arn:aws:s3:::b9999-9/k
run "*a*a..*b resource vs 100 KB key" can --world "$TMP/wildcard-blowup" \
  arn:aws:iam::111111111111:user/alice s3:GetObject "arn:aws:s3:::b/$(cat "$TMP/long-key.txt")"
run "*a*a..*b StringLike vs 100 KB value" can --world "$TMP/wildcard-blowup" \
  --context "aws:UserAgent=$(cat "$TMP/long-key.txt")" \
  arn:aws:iam::111111111111:user/alice s3:PutObject arn:aws:s3:::b/k
run "10,000-deep nesting: policy" can --world "$TMP/deep-policy" \
  arn:aws:iam::111111111111:user/alice s3:GetObject arn:aws:s3:::b/k
run "10,000-deep nesting: world.json" can --world "$TMP/deep-world" \
  arn:aws:iam::111111111111:user/alice s3:GetObject arn:aws:s3:::b/k
run "10,000-deep nesting: tests.json" test "$TMP/deep-tests"
run "ring of 1,000 roles, --any-path" can --world "$TMP/role-ring-1000" --any-path \
  arn:aws:iam::111111111111:user/alice s3:GetObject arn:aws:s3:::b/k
run "ring of 1,000 roles, via \"*\"" test "$TMP/role-ring-1000"
run "clique of 1,000 roles, --any-path" can --world "$TMP/role-clique-1000" --any-path \
  arn:aws:iam::111111111111:user/alice s3:GetObject arn:aws:s3:::b/k
run "clique of 1,000, none reaches, any" can --world "$TMP/role-clique-1000-unreachable" \
  --any-path arn:aws:iam::111111111111:user/alice s3:GetObject arn:aws:s3:::b/k
run "1,000,000 requests (tests file)" test "$TMP/million-tests"
run "400,000 requests (tests file)" test "$TMP/million-tests" "$TMP/million-tests/tests-400k.json"
run "world.json -> /dev/zero" test "$TMP/dev-zero-world"
run "policy file is a FIFO" test "$TMP/fifo-policy"
run "policy /proc/self/environ" test "$TMP/proc-environ"
run "lint: x -> . and y -> . symlinks" lint "$TMP/symlink-loops"
run "200 via \"*\" tests, 1,000-role clique" test "$TMP/role-clique-1000" "$TMP/role-clique-1000/tests-200.json"
run "world file over 1 GiB (sparse)" can --world "$TMP/over-world" \
  arn:aws:iam::111111111111:user/alice s3:GetObject arn:aws:s3:::b/k
run "tests file over 1 GiB (sparse)" test "$TMP/over-tests"
run "export file over 1 GiB (sparse)" import --from "$TMP/over-export" --out "$TMP/over-export-out"
run "policy file over 4 MiB (sparse)" test "$TMP/over-policy" "$TMP/million-tests/tests.json"
run "policy file over 4 MiB, lint" lint "$TMP/over-policy"
run "policy file of 4 MiB (at the limit)" can --world "$TMP/at-limit-policy" \
  arn:aws:iam::111111111111:user/alice s3:GetObject arn:aws:s3:::b/k
run "Terraform file over 64 MiB, world" can --world "$TMP/over-iac" \
  arn:aws:iam::111111111111:user/alice s3:GetObject arn:aws:s3:::b/k
run "Terraform file over 64 MiB, lint" lint "$TMP/over-iac/main.tf"
run "lint config over 64 MiB (sparse)" lint --config "$TMP/over-config/iamsim-lint.json" \
  "$TMP/over-config/p.json"
run "AWS CLI config over 1 MiB (sparse)" can --world "$TMP/over-cli" \
  --aws-config "$TMP/over-cli/aws-config" -- aws s3 ls s3://b
run "folder of 200,001 entries, lint" lint "$TMP/wide-folder"
whocan_open() { run "$@"; echo "    output: $(wc -c <"$TMP/out.txt") bytes"; }
whocan_open "who-can, 12 open conditions x 1,000" who-can --world "$TMP/who-can-open-conditions" \
  --format json s3:GetObject arn:aws:s3:::b/x
W="$TMP/gen-40x40"
echo "generated world: $(du -b "$W/world.json" | cut -f1) bytes of world.json"
# The first application bucket shared with the whole organization: every principal reaches it,
# directly and through every role chain, so the answer grows with principals x roles.
BUCKET=$(python3 - "$W" <<'PY'
import json, os, sys
d = sys.argv[1]
w = json.load(open(os.path.join(d, "world.json")))
for a in sorted(w["accounts"])[3:]:
    for name, b in w["accounts"][a].get("buckets", {}).items():
        p = b.get("policy")
        if isinstance(p, str) and '"Organization"' in open(os.path.join(d, p)).read():
            print(name); sys.exit()
PY
)
OBJ="arn:aws:s3:::$BUCKET/x"
whocan() {  # the output's size as well: it is what the CI log has to hold
  local name="$1"; shift
  if [ -n "${ONLY:-}" ] && ! [[ "$name" =~ $ONLY ]]; then return 0; fi
  run "$name" "$@"
  echo "    output: $(wc -c <"$TMP/out.txt") bytes"
}
C="$TMP/who-can-clique"
whocan "who-can clique, text" who-can --world "$C" s3:GetObject arn:aws:s3:::b/x
whocan "who-can clique, json" who-can --world "$C" --format json s3:GetObject arn:aws:s3:::b/x
whocan "who-can clique, json --explain" who-can --world "$C" --format json --explain s3:GetObject arn:aws:s3:::b/x
whocan "who-can org bucket, text" who-can --world "$W" s3:GetObject "$OBJ"
whocan "who-can org bucket, --limit 0" who-can --world "$W" --limit 0 s3:GetObject "$OBJ"
whocan "who-can org bucket, json" who-can --world "$W" --format json s3:GetObject "$OBJ"
whocan "who-can org bucket, json --explain" who-can --world "$W" --format json --explain s3:GetObject "$OBJ"
