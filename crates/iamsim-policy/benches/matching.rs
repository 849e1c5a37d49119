//! Matching costs: actions, resources, and the hand-written `Glob` against `globset`.
//!
//! Run: `cargo bench -p iamsim-policy --bench matching -- --warm-up-time 1 --measurement-time 3`

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use iamsim_policy::action::ActionMatcher;
use iamsim_policy::glob::Glob;
use iamsim_policy::resource::{RequestResource, ResourceMatcher};
use iamsim_policy::variables::{Template, TemplateMode};
use iamsim_policy::{Context, ResourceKind};

fn actions(c: &mut Criterion) {
    let mut g = c.benchmark_group("action");
    for (name, pattern, action) in [
        ("literal", "s3:GetObject", "s3:GetObject"),
        ("literal_other_case", "s3:GetObject", "S3:GETOBJECT"),
        ("prefix_glob", "s3:Get*", "s3:GetObjectVersion"),
        ("prefix_glob_miss", "s3:Get*", "s3:PutObject"),
        ("star", "*", "s3:GetObject"),
        ("service_wildcard", "s*:Get*", "s3:GetObject"),
    ] {
        let m = ActionMatcher::compile(pattern).unwrap();
        g.bench_function(name, |b| b.iter(|| m.matches(black_box(action))));
    }
    g.finish();
}

fn resources(c: &mut Criterion) {
    let ctx = Context::new();
    let mut g = c.benchmark_group("resource");
    for (name, pattern, request) in [
        (
            "s3_object",
            "arn:aws:s3:::acme-data/*",
            "arn:aws:s3:::acme-data/reports/2024/q1.csv",
        ),
        (
            "s3_object_miss",
            "arn:aws:s3:::acme-data/*",
            "arn:aws:s3:::beta-logs/reports/2024/q1.csv",
        ),
        (
            "iam_role_path",
            "arn:aws:iam::111111111111:role/team/*",
            "arn:aws:iam::111111111111:role/team/TestRole",
        ),
        (
            "ec2_wildcard_head",
            "arn:aws:ec2:*:*:instance/*",
            "arn:aws:ec2:us-east-1:111111111111:instance/i-0123456789abcdef0",
        ),
        (
            "variable",
            "arn:aws:s3:::acme-data/home/${aws:username}/*",
            "arn:aws:s3:::acme-data/home/alice/a.txt",
        ),
    ] {
        let m = ResourceMatcher::compile(pattern, true).unwrap();
        let mut ctx = ctx.clone();
        ctx.set("aws:username", "alice");
        g.bench_function(name, |b| {
            b.iter(|| {
                m.matches(
                    RequestResource::Arn(black_box(request)),
                    &ctx,
                    ResourceKind::Resource,
                )
            })
        });
    }
    g.finish();
}

fn glob_vs_globset(c: &mut Criterion) {
    let long_a = "a".repeat(100_000);
    let cases: [(&str, &str, &str); 6] = [
        ("action_prefix", "s3:get*", "s3:getobjectversion"),
        ("contains", "*log*", "acme-logs/2024/01/02/x.txt"),
        ("two_stars", "bkt/*/test/*", "bkt/1/2/test/3/x.jpg"),
        (
            "object_arn",
            "arn:aws:s3:::acme-data/*.csv",
            "arn:aws:s3:::acme-data/reports/2024/q1.csv",
        ),
        ("pathological_100k", "*a*a*a*a*a*a*a*b", &long_a),
        // No anchored suffix to reject early: the last middle scans all 100 KB.
        ("pathological_100k_scan", "*a*a*a*a*a*a*a*b*", &long_a),
    ];
    let mut g = c.benchmark_group("glob_vs_globset");
    for (name, pattern, input) in cases {
        let pieces = Template::parse(
            pattern,
            TemplateMode {
                variables: false,
                wildcards: true,
            },
        )
        .unwrap();
        let ours = Glob::new(pieces.pieces(), false);
        let theirs = globset::GlobBuilder::new(pattern)
            .literal_separator(false)
            .backslash_escape(false)
            .build()
            .unwrap()
            .compile_matcher();
        assert_eq!(ours.matches(input), theirs.is_match(input), "{name}");
        g.bench_function(format!("{name}/glob"), |b| {
            b.iter(|| ours.matches(black_box(input)))
        });
        g.bench_function(format!("{name}/globset"), |b| {
            b.iter(|| theirs.is_match(black_box(input)))
        });
    }
    g.finish();
}

criterion_group!(benches, actions, resources, glob_vs_globset);
criterion_main!(benches);
