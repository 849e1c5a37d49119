//! Parse throughput of the policy reader: bytes of policy text to a checked [`Policy`], in MB/s.
//!
//! The inputs live in `benches/data/`: three hand-written documents of typical size (an identity
//! policy, an S3 bucket policy, a role trust policy) and the AWS managed `ReadOnlyAccess`
//! document (~105 KB, the largest common case). Run with
//! `cargo bench -p iamsim-policy --bench parse -- --warm-up-time 1 --measurement-time 5`.
#![allow(clippy::expect_used, clippy::panic)]

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use iamsim_policy::{parse_policy, parse_policy_bytes, Code, PolicyType, Source};

struct Case {
    name: &'static str,
    text: &'static str,
    ty: PolicyType,
    /// Codes the document is expected to report (all others must be absent).
    expected: &'static [Code],
}

const CASES: &[Case] = &[
    Case {
        name: "identity_2kb",
        text: include_str!("data/identity.json"),
        ty: PolicyType::Identity,
        expected: &[],
    },
    Case {
        name: "bucket_2kb",
        text: include_str!("data/bucket.json"),
        ty: PolicyType::Resource,
        expected: &[],
    },
    Case {
        name: "trust_1kb",
        text: include_str!("data/trust.json"),
        ty: PolicyType::Trust,
        expected: &[],
    },
    Case {
        // AWS managed policies are exempt from the customer size quota; read as a customer
        // identity policy the reader reports Access Analyzer's size warning (the quota table).
        name: "read_only_access_105kb",
        text: include_str!("data/read-only-access.json"),
        ty: PolicyType::Identity,
        expected: &[Code::PolicySizeExceedsIdentityPolicyQuota],
    },
];

/// A bench over a document that does not read as intended would measure an error path.
fn check(case: &Case) {
    let parsed = parse_policy_bytes(case.name, case.text.as_bytes(), case.ty);
    for d in &parsed.diagnostics {
        if !case.expected.contains(&d.code) {
            panic!("{}: unexpected diagnostic\n{}", case.name, d.render());
        }
    }
}

fn parse(c: &mut Criterion) {
    let mut group = c.benchmark_group("parse");
    for case in CASES {
        check(case);
        group.throughput(Throughput::Bytes(case.text.len() as u64));
        // From file bytes, as the CLI reads a policy file: UTF-8 check, JSON, model.
        group.bench_function(case.name, |b| {
            b.iter(|| parse_policy_bytes("p.json", black_box(case.text.as_bytes()), case.ty))
        });
    }
    group.finish();

    // The same from an already-built `Source`, to separate the UTF-8 check and line index.
    let mut group = c.benchmark_group("parse_source");
    for case in CASES {
        let source = Source::new("p.json", case.text);
        group.throughput(Throughput::Bytes(case.text.len() as u64));
        group.bench_function(case.name, |b| {
            b.iter(|| parse_policy(black_box(&source), case.ty))
        });
    }
    group.finish();
}

criterion_group!(benches, parse);
criterion_main!(benches);
