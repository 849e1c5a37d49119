#!/usr/bin/env python3
"""Writes a Terraform revision of N teams (a user in a group whose policy reads and writes its
bucket, and the bucket with a policy granting reads to its own account), for measuring `iamsim
check no-new-access --account 111111111111 OLD NEW`. With `widen`, the last bucket policy also
grants reads to account 222222222222 (one new access).
Usage: scripts/tf-gate-pair.py N OUT_DIR same|widen"""
import sys, os
n = int(sys.argv[1]); out = sys.argv[2]; widen = sys.argv[3] == "widen"
os.makedirs(out, exist_ok=True)
b = []
for i in range(n):
    b.append(f'''resource "aws_iam_group" "team{i}" {{
  name = "team{i}"
}}

resource "aws_iam_user" "u{i}" {{
  name = "user{i}"
}}

resource "aws_iam_user_group_membership" "u{i}" {{
  user   = aws_iam_user.u{i}.name
  groups = [aws_iam_group.team{i}.name]
}}

resource "aws_iam_group_policy" "team{i}" {{
  name  = "team{i}-data"
  group = aws_iam_group.team{i}.name
  policy = jsonencode({{
    Version = "2012-10-17"
    Statement = [{{
      Effect   = "Allow"
      Action   = ["s3:GetObject", "s3:PutObject"]
      Resource = "${{aws_s3_bucket.data{i}.arn}}/*"
    }}]
  }})
}}

resource "aws_s3_bucket" "data{i}" {{
  bucket = "example-data-{i}"
}}

resource "aws_s3_bucket_policy" "data{i}" {{
  bucket = aws_s3_bucket.data{i}.id
  policy = jsonencode({{
    Version = "2012-10-17"
    Statement = [{{
      Effect    = "Allow"
      Principal = {{ AWS = {'["arn:aws:iam::111111111111:root", "arn:aws:iam::222222222222:root"]' if widen and i == n - 1 else '"arn:aws:iam::111111111111:root"'} }}
      Action    = "s3:GetObject"
      Resource  = "${{aws_s3_bucket.data{i}.arn}}/*"
    }}]
  }})
}}
''')
open(os.path.join(out, "main.tf"), "w").write("\n".join(b))
