#!/usr/bin/env python3
"""Writes tests files for timing `iamsim test` end to end (BENCHMARKS.md).

Every test is the first cross-account tutorial's upload through the role, as
fixtures/aws-cli-role-profile-corrected/tests.json asks it (allowed), under a name of its own.
Written in that file's layout (two-space indent, one member a line).

    scripts/tests-file.py COUNT OUT_DIR [--per-file N] [--fail-every K]

COUNT tests in files OUT_DIR/tests-000.json, tests-001.json, ... of at most N tests each
(default 100,000: about 33 MB a file, under the size bound of a tests file). --fail-every K
makes every K-th test expect implicit-deny, so it fails and is explained.
"""

import argparse
import json
import os

TEST = {
    "principal": "arn:aws:iam::111111111111:user/accounta-user",
    "via": ["arn:aws:iam::222222222222:role/role-in-accountb"],
    "action": "s3:PutObject",
    "resource": "arn:aws:s3:::cross-account-bucket/test.txt",
}


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("count", type=int)
    p.add_argument("out")
    p.add_argument("--per-file", type=int, default=100_000)
    p.add_argument("--fail-every", type=int, default=0)
    args = p.parse_args()
    if args.count < 1 or args.per_file < 1:
        p.error("COUNT and --per-file must be at least 1")
    os.makedirs(args.out, exist_ok=True)
    written = 0
    index = 0
    while written < args.count:
        n = min(args.per_file, args.count - written)
        path = os.path.join(args.out, f"tests-{index:03}.json")
        with open(path, "w", encoding="utf-8") as f:
            f.write('{\n  "tests": [\n')
            for i in range(written, written + n):
                fails = args.fail_every and (i + 1) % args.fail_every == 0
                test = {
                    "name": f"upload through the role {i + 1}",
                    "rule": "6.13, 4.8, 7.2",
                    **TEST,
                    "expect": "implicit-deny" if fails else "allow",
                }
                body = json.dumps(test, indent=2).replace("\n", "\n    ")
                f.write("    " + body + (",\n" if i + 1 < written + n else "\n"))
            f.write("  ]\n}\n")
        written += n
        index += 1


if __name__ == "__main__":
    main()
