//! Reading speed of the three readers on generated files of realistic shape: Terraform roles
//! with `jsonencode` policies, heredoc trust policies and `aws_iam_policy_document` data
//! sources; a plan of inline policies; CloudFormation roles in YAML with short-form tags.
//! Throughput in bytes of input per second.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use iamsim_iac::account::build_account;
use iamsim_iac::{read_cloudformation, read_plan, read_terraform, Settings, TfFile};
use std::fmt::Write as _;

const N: usize = 500;

fn terraform() -> String {
    let mut s = String::from("variable \"env\" {\n  default = \"prod\"\n}\n");
    for i in 0..N {
        let _ = write!(
            s,
            r#"
resource "aws_iam_role" "r{i}" {{
  name               = "role-{i}"
  assume_role_policy = <<EOF
{{
  "Version": "2012-10-17",
  "Statement": [{{"Effect": "Allow", "Principal": {{"Service": "lambda.amazonaws.com"}}, "Action": "sts:AssumeRole"}}]
}}
EOF
}}

resource "aws_iam_role_policy" "p{i}" {{
  role = aws_iam_role.r{i}.id
  policy = jsonencode({{
    Version = "2012-10-17"
    Statement = [{{
      Effect   = "Allow"
      Action   = ["s3:GetObject", "s3:PutObject"]
      Resource = "arn:aws:s3:::bucket-${{var.env}}-{i}/*"
    }}]
  }})
}}

resource "aws_iam_policy" "d{i}" {{
  policy = data.aws_iam_policy_document.d{i}.json
}}

data "aws_iam_policy_document" "d{i}" {{
  statement {{
    actions   = ["sqs:SendMessage"]
    resources = ["arn:aws:sqs:us-east-1:111122223333:queue-{i}"]
    condition {{
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = ["111122223333"]
    }}
  }}
}}
"#
        );
    }
    s
}

fn plan() -> String {
    let policy = r#"{"Statement":[{"Action":["s3:GetObject","s3:PutObject"],"Effect":"Allow","Resource":"arn:aws:s3:::bucket/*"}],"Version":"2012-10-17"}"#;
    let quoted = serde_json::to_string(policy).unwrap_or_default();
    let resources: Vec<String> = (0..N * 3)
        .map(|i| {
            format!(
                r#"{{"address":"aws_iam_role_policy.p{i}","mode":"managed","type":"aws_iam_role_policy","name":"p{i}","values":{{"name":"p{i}","policy":{quoted},"role":"r{i}"}}}}"#
            )
        })
        .collect();
    format!(
        r#"{{"format_version":"1.2","planned_values":{{"root_module":{{"resources":[{}]}}}},"resource_changes":[]}}"#,
        resources.join(",\n")
    )
}

fn cloudformation() -> String {
    let mut s = String::from(
        "AWSTemplateFormatVersion: \"2010-09-09\"\nParameters:\n  Env:\n    Type: String\n    Default: prod\nResources:\n",
    );
    for i in 0..N {
        let _ = write!(
            s,
            r#"  Bucket{i}:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Sub "bucket-${{Env}}-{i}"
  Role{i}:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: {{Service: lambda.amazonaws.com}}
            Action: sts:AssumeRole
      Policies:
        - PolicyName: p
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Action: [s3:GetObject, s3:PutObject]
                Resource: !Sub "${{Bucket{i}.Arn}}/*"
"#
        );
    }
    s
}

/// An account of N users in groups, each with an inline policy and an attached managed policy,
/// and N roles with a trust policy and a policy naming a bucket (one per role, with a bucket
/// policy): the input of `import --from`.
fn terraform_account() -> String {
    let mut s = String::new();
    for i in 0..N {
        let _ = write!(
            s,
            r#"
resource "aws_iam_group" "g{i}" {{ name = "group-{i}" }}
resource "aws_iam_user" "u{i}" {{ name = "user-{i}" }}
resource "aws_iam_user_group_membership" "m{i}" {{
  user   = aws_iam_user.u{i}.name
  groups = [aws_iam_group.g{i}.name]
}}
resource "aws_iam_user_policy" "up{i}" {{
  user   = aws_iam_user.u{i}.name
  policy = jsonencode({{ Version = "2012-10-17", Statement = [{{ Effect = "Allow", Action = "sts:AssumeRole", Resource = aws_iam_role.r{i}.arn }}] }})
}}
resource "aws_iam_group_policy_attachment" "a{i}" {{
  group      = aws_iam_group.g{i}.name
  policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
}}
resource "aws_iam_role" "r{i}" {{
  name               = "role-{i}"
  assume_role_policy = jsonencode({{ Version = "2012-10-17", Statement = [{{ Effect = "Allow", Principal = {{ AWS = aws_iam_user.u{i}.arn }}, Action = "sts:AssumeRole" }}] }})
}}
resource "aws_iam_role_policy" "rp{i}" {{
  role   = aws_iam_role.r{i}.name
  policy = jsonencode({{ Version = "2012-10-17", Statement = [{{ Effect = "Allow", Action = "s3:GetObject", Resource = "${{aws_s3_bucket.b{i}.arn}}/*" }}] }})
}}
resource "aws_s3_bucket" "b{i}" {{ bucket = "bucket-{i}" }}
resource "aws_s3_bucket_policy" "bp{i}" {{
  bucket = aws_s3_bucket.b{i}.id
  policy = jsonencode({{ Version = "2012-10-17", Statement = [{{ Effect = "Deny", Principal = "*", Action = "s3:DeleteObject", Resource = "${{aws_s3_bucket.b{i}.arn}}/*" }}] }})
}}
"#
        );
    }
    s
}

/// Reading an account's Terraform, then building the world account from what was read (each
/// policy widened where the files leave values open, as `import --from` and `iac` do).
fn world(c: &mut Criterion) {
    let settings = Settings {
        account: Some("111111111111".into()),
    };
    let mut g = c.benchmark_group("world");
    g.sample_size(10);
    let tf = terraform_account();
    let files = [TfFile {
        path: "main.tf",
        text: &tf,
    }];
    g.throughput(Throughput::Bytes(tf.len() as u64));
    g.bench_function("terraform_read", |b| {
        b.iter(|| read_terraform(&files, &settings))
    });
    g.bench_function("terraform_read_and_build", |b| {
        b.iter(|| {
            let read = read_terraform(&files, &settings);
            let mut inline =
                |_: &iamsim_iac::Policy, v: serde_json::Value| Ok::<_, iamsim_iac::Problem>(v);
            let built = build_account(&[read], "111111111111", &mut inline);
            assert!(built.is_ok());
            built
        })
    });
    g.finish();
}

fn bench(c: &mut Criterion) {
    let settings = Settings::default();
    let mut g = c.benchmark_group("read");
    g.sample_size(10);
    let tf = terraform();
    g.throughput(Throughput::Bytes(tf.len() as u64));
    g.bench_function("terraform", |b| {
        b.iter(|| {
            read_terraform(
                &[TfFile {
                    path: "main.tf",
                    text: &tf,
                }],
                &settings,
            )
        })
    });
    let p = plan();
    g.throughput(Throughput::Bytes(p.len() as u64));
    g.bench_function("plan", |b| b.iter(|| read_plan("plan.json", &p, &settings)));
    let y = cloudformation();
    g.throughput(Throughput::Bytes(y.len() as u64));
    g.bench_function("cloudformation_yaml", |b| {
        b.iter(|| read_cloudformation("t.yaml", &y, &settings))
    });
    g.finish();
}

criterion_group!(benches, bench, world);
criterion_main!(benches);
