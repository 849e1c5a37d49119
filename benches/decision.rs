#![allow(clippy::expect_used)]
//! Whole-pipeline costs: loading a world and answering requests through the public engine API.
//! Run with `cargo bench --bench decision`; figures go to BENCHMARKS.md.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use iamsim_engine::{ask, AssumeRoleParams, Query, Via, ViaHop, World};
use iamsim_policy::Context;
use std::path::Path;

fn fixture(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

fn query(principal: &str, action: &str, resource: &str, via: Via) -> Query {
    Query {
        principal: principal.into(),
        action: action.into(),
        resource: resource.into(),
        via,
        context: Context::new(),
        session_policies: Vec::new(),
    }
}

fn decisions(c: &mut Criterion) {
    let tutorial = World::load(&fixture("aws-cli-role-profile-corrected")).expect("fixture loads");
    let cross_account = query(
        "arn:aws:iam::111111111111:user/accounta-user",
        "s3:PutObject",
        "arn:aws:s3:::cross-account-bucket/test.txt",
        Via::Roles(vec![ViaHop {
            role_arn: "arn:aws:iam::222222222222:role/role-in-accountb".into(),
            params: AssumeRoleParams::default(),
        }]),
    );
    c.bench_function(
        "can: cross-account AssumeRole + s3:PutObject (explained)",
        |b| b.iter(|| ask(black_box(&tutorial), black_box(&cross_account))),
    );
    let any_path = Query {
        via: Via::Any,
        ..cross_account.clone()
    };
    c.bench_function("can: --any-path search, same request", |b| {
        b.iter(|| ask(black_box(&tutorial), black_box(&any_path)))
    });

    let w01 = World::load(&fixture("worked-examples/w01-identity-policy-same-account"))
        .expect("fixture loads");
    let direct = query(
        "arn:aws:iam::111111111111:user/alice",
        "s3:GetObject",
        "arn:aws:s3:::acme-data/q1.csv",
        Via::Direct,
    );
    c.bench_function("can: same-account identity decision (W1)", |b| {
        b.iter(|| ask(black_box(&w01), black_box(&direct)))
    });

    c.bench_function("load: aws-cli-role-profile world", |b| {
        b.iter(|| World::load(black_box(&fixture("aws-cli-role-profile"))))
    });
    c.bench_function("load: switch-role-s3 world (AWS managed policy)", |b| {
        b.iter(|| World::load(black_box(&fixture("switch-role-s3"))))
    });
}

criterion_group!(benches, decisions);
criterion_main!(benches);
