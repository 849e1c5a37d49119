#!/usr/bin/env python3
"""Writes fixtures/README.md: for every rule number of docs/rules.md cited in a fixture test's
`rule` field, the tests that check it. Run from the repository root after changing fixtures."""
import json, os, re, sys
from collections import defaultdict

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIX = os.path.join(ROOT, "fixtures")
RULE = re.compile(r"(?<![\w.])(\d{1,2}\.\d{1,2})(?![\d])")
WORKED = re.compile(r"\bW(\d{1,2})\b")

by_rule = defaultdict(list)
by_example = defaultdict(list)
worlds = 0
tests = 0
for dirpath, dirs, files in sorted(os.walk(FIX)):
    dirs.sort()
    if "world.json" not in files or "tests.json" not in files:
        continue
    worlds += 1
    rel = os.path.relpath(dirpath, FIX)
    with open(os.path.join(dirpath, "tests.json"), encoding="utf-8") as f:
        doc = json.load(f)
    for t in doc.get("tests", []):
        tests += 1
        rule = t.get("rule", "")
        ref = f"`{rel}`: {t['name']}"
        for r in sorted(set(RULE.findall(rule)), key=lambda x: tuple(map(int, x.split(".")))):
            by_rule[r].append(ref)
        for w in sorted(set(WORKED.findall(rule)), key=int):
            by_example[int(w)].append(ref)

def key(r):
    return tuple(int(p) for p in r.split("."))

required = [f"4.{i}" for i in range(1, 17)] + [f"5.{i}" for i in range(1, 9)] + [f"6.{i}" for i in range(1, 17)]
missing = [r for r in required if r not in by_rule]

out = []
out.append("# Fixtures\n")
out.append("Worlds with `tests.json`, run by `cargo test` (tests/integration/fixtures.rs) and by `iamsim test DIR`.")
out.append("Each test's `rule` field names the rules of [docs/rules.md](../docs/rules.md) it checks; this")
out.append("page is generated from those fields by `scripts/rule-coverage.py`.\n")
out.append(f"{worlds} worlds, {tests} tests.\n")
out.append("- `worked-examples/`: the 46 worked examples of section 8 (W1–W46).")
out.append("- the five published cross-account tutorials (`aws-cli-role-profile`, `consultant-role`,")
out.append("  `rds-trust-one-user`, `switch-role-s3`, `bucket-policy-user`) as published, with corrected twins.")
out.append("- `rules/`: focused worlds for rules of sections 4–6 the examples do not reach.")
out.append("- `who-can/`: worlds for `iamsim who-can` (outside accounts, external ids, MFA, conditional")
out.append("  bucket policies). Worlds with a `who-can.json` list the principals and chains `who-can` must")
out.append("  give (tests/integration/who_can.rs).")
out.append("- `field/`: questions as people ask them: keys of every request left open (3.21a), world")
out.append("  `defaults`, requested resources that name a set (2.7a), explanations as a reviewer reads them.")
out.append("- `field-aws/`: AWS behaviours met in the field (tags of IAM users as resource tags, CloudFront")
out.append("  origin access identities, AWS-owned resources, SCPs in the full policy language, RCP services,")
out.append("  the token issue time of role sessions,")
out.append("  who-can over named sessions, ABAC trust and unmodelled organization members), each test citing its")
out.append("  AWS documentation source; `export/real-account/` is an account export tested after import.")
out.append("- `kms/` and `resources/`: KMS keys (key policies, grants, AWS managed keys), objects of SSE-KMS\n  buckets with their KMS request, the tutorial chain with a key in the bucket's account and in a\n  third account, and the other services' resource policies (section 13).")
out.append("- `bad-policies/`: one policy per diagnostic, with `expected.json` (code, line, column).")
out.append("- `iac/`: a Terraform module tree, a Terraform plan and CloudFormation templates (JSON, YAML) with\n  seeded mistakes that `iamsim lint` must find at their lines (tests/integration/iac.rs); the\n  Terraform tree, the plan and the two templates are also worlds (the plan's role declared in\n  world.json; the templates name their IAM entities, as a world needs) whose tests.json decide\n  what their mistakes allow and what the values they leave open make `indeterminate`.")
out.append("- `iac-world/`: the two-account cross-account setup as Terraform source, Terraform plans and")
out.append("  CloudFormation templates, loaded with `\"iac\"`, with a value the files leave open that makes")
out.append("  a decision `indeterminate` (tests/integration/iac_world.rs imports each with `import --from`);")
out.append("  `iac-world/joined/`: users of world.json in a group of the files and the reverse;")
out.append("  `iac-world/unresolved/`: a Terraform module tree and a JSON CloudFormation template with one")
out.append("  value left open per test (variables, module outputs, computed attributes, conditionals,")
out.append("  functions, data sources, dynamic blocks, parameters, `Fn::ImportValue`, `Fn::If`), each")
out.append("  `indeterminate` and named.\n")
out.append("## Rules of sections 4–6 and the tests that check them\n")
out.append("| rule | tests |")
out.append("|---|---|")
for r in required:
    refs = by_rule.get(r, [])
    shown = "<br>".join(refs[:4]) + (f"<br>… and {len(refs) - 4} more" if len(refs) > 4 else "")
    out.append(f"| {r} | {shown or '**none**'} |")
out.append("\n## Other rules cited\n")
out.append("| rule | tests |")
out.append("|---|---|")
for r in sorted((r for r in by_rule if r not in required), key=key):
    refs = by_rule[r]
    out.append(f"| {r} | {len(refs)} test(s), e.g. {refs[0]} |")
out.append("\n## Worked examples\n")
out.append("| example | tests |")
out.append("|---|---|")
for w in range(1, 47):
    refs = by_example.get(w, [])
    out.append(f"| W{w} | {len(refs)} test(s){': ' + refs[0] if refs else ''} |")
with open(os.path.join(FIX, "README.md"), "w", encoding="utf-8") as f:
    f.write("\n".join(out) + "\n")
if missing:
    print("rules of sections 4-6 without a test:", ", ".join(missing))
    sys.exit(1)
print(f"{worlds} worlds, {tests} tests; every rule of sections 4-6 has a test")
