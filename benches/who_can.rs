#![allow(clippy::expect_used, clippy::unwrap_used)]
//! who-can at scale on synthetic worlds (`iamsim gen`): the 1,000 accounts x 100 roles target,
//! how cost grows with accounts and with roles, and loading the largest world.
//! Run with `nice cargo bench --bench who_can -- --warm-up-time 1 --measurement-time 5`;
//! figures go to BENCHMARKS.md. Worlds are generated once into the temp folder.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use iamsim_engine::synth::{account_id, generate, GenSpec};
use iamsim_engine::{who_can, WhoCanQuery, World};
use iamsim_policy::Context;
use std::path::PathBuf;
use std::time::Duration;

fn world(accounts: usize, roles: usize) -> (PathBuf, World) {
    let dir = std::env::temp_dir().join(format!("iamsim-bench-gen-1-{accounts}x{roles}"));
    if !dir.join("world.json").is_file() {
        let spec = GenSpec {
            seed: 1,
            accounts,
            roles_per_account: roles,
            users_per_account: 2,
        };
        generate(&spec, &dir).expect("generate");
    }
    let w = World::load(&dir).expect("generated world loads");
    (dir, w)
}

/// The application bucket of account `i` (its name depends on the seed).
fn app_bucket(w: &World, i: usize) -> String {
    let a = w.account(&account_id(i)).expect("account");
    a.buckets
        .keys()
        .find(|b| !b.ends_with("-logs"))
        .cloned()
        .expect("bucket")
}

/// The first account from 3 on whose application bucket is shared with the organization
/// (`Principal: *` with aws:PrincipalOrgID), so every size answers the same kind of question.
fn org_shared(w: &World) -> usize {
    (3..w.accounts().len())
        .find(|i| {
            w.bucket(&app_bucket(w, *i))
                .and_then(|b| b.policy.as_ref())
                .is_some_and(|p| {
                    p.policy
                        .statements
                        .iter()
                        .any(|s| s.sid.as_ref().is_some_and(|x| x.value == "Organization"))
                })
        })
        .unwrap_or(3)
}

fn query(action: &str, resource: String) -> WhoCanQuery {
    WhoCanQuery {
        action: action.into(),
        resource,
        context: Context::new(),
    }
}

fn report(name: &str, w: &World, q: &WhoCanQuery) {
    let a = who_can(w, q).expect("who-can");
    let s = a.stats;
    eprintln!(
        "{name}: {} entries; {} nodes, {} final requests, {} AssumeRole edges, {} roles reaching; paths searched from {} principals ({} visited, {} skipped: their accounts cannot reach the answer); graph {:?}, +finals {:?}, +edges {:?}, total {:?}",
        a.principals.len() + a.undecided.len(),
        s.principals,
        s.final_requests,
        s.assume_edges,
        s.roles_reaching,
        s.path_starts,
        s.path_nodes,
        s.path_skipped,
        s.graph_time,
        s.finals_time,
        s.edges_time,
        s.total_time
    );
}

fn at_scale(c: &mut Criterion) {
    let (dir, w) = world(1000, 100);
    let queries = [
        (
            "1000x100: s3:GetObject on an organization-shared bucket",
            query(
                "s3:GetObject",
                format!("arn:aws:s3:::{}/x", app_bucket(&w, 503)),
            ),
        ),
        (
            "1000x100: s3:GetObject on a public bucket",
            query(
                "s3:GetObject",
                format!("arn:aws:s3:::{}/x", app_bucket(&w, 99)),
            ),
        ),
        (
            "1000x100: sts:AssumeRole on an Admin role",
            query(
                "sts:AssumeRole",
                format!("arn:aws:iam::{}:role/Admin", account_id(500)),
            ),
        ),
        (
            "1000x100: iam:CreateUser in one account",
            query(
                "iam:CreateUser",
                format!("arn:aws:iam::{}:user/x", account_id(500)),
            ),
        ),
    ];
    for (name, q) in &queries {
        report(name, &w, q);
        c.bench_function(name, |b| b.iter(|| who_can(black_box(&w), black_box(q))));
    }
    c.bench_function("1000x100: load world.json and 5,694 policy files", |b| {
        b.iter(|| World::load(black_box(&dir)))
    });
}

fn growth(c: &mut Criterion) {
    for (accounts, roles) in [(100, 100), (300, 100), (100, 25), (100, 50), (100, 200)] {
        let (_, w) = world(accounts, roles);
        let q = query(
            "s3:GetObject",
            format!("arn:aws:s3:::{}/x", app_bucket(&w, org_shared(&w))),
        );
        let name = format!("{accounts}x{roles}: s3:GetObject on an organization-shared bucket");
        report(&name, &w, &q);
        c.bench_function(&name, |b| b.iter(|| who_can(black_box(&w), black_box(&q))));
        let q = query(
            "sts:AssumeRole",
            format!("arn:aws:iam::{}:role/Admin", account_id(3)),
        );
        let name = format!("{accounts}x{roles}: sts:AssumeRole on an Admin role");
        report(&name, &w, &q);
        c.bench_function(&name, |b| b.iter(|| who_can(black_box(&w), black_box(&q))));
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10).measurement_time(Duration::from_secs(5));
    targets = at_scale, growth
}
criterion_main!(benches);
