//! Reading speed of the three readers on generated files of realistic shape: Terraform roles
//! with `jsonencode` policies, heredoc trust policies and `aws_iam_policy_document` data
//! sources; a plan of inline policies; CloudFormation roles in YAML with short-form tags.
//! Throughput in bytes of input per second.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
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

criterion_group!(benches, bench);
criterion_main!(benches);
