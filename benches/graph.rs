#![allow(clippy::expect_used, clippy::unwrap_used)]
//! `iamsim graph` on a 10,000-role world (`iamsim gen`, 100 accounts x 100 roles): the access
//! graph around one principal, focused to depth 3, as the engine builds it (every AssumeRole
//! edge decided). The whole command, world loading and layout included, is timed by
//! scripts/graph-timing.sh. Run with `nice cargo bench --bench graph`; figures go to
//! BENCHMARKS.md.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use iamsim_engine::synth::{account_id, generate, GenSpec};
use iamsim_engine::{access_graph, GraphQuery, World};
use std::time::Duration;

fn world(accounts: usize, roles: usize) -> World {
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
    World::load(&dir).expect("generated world loads")
}

fn focused(c: &mut Criterion) {
    let w = world(100, 100);
    let a = w.account(&account_id(3)).expect("account");
    let user = a.users.values().next().expect("a user").arn().to_string();
    let admin = format!("arn:aws:iam::{}:role/Admin", account_id(3));
    for (name, focus) in [
        ("100x100: graph focused on a user, depth 3", user),
        ("100x100: graph focused on an Admin role, depth 3", admin),
    ] {
        let q = GraphQuery {
            focus: vec![focus],
            depth: Some(3),
        };
        let g = access_graph(&w, &q).expect("graph");
        eprintln!(
            "{name}: {} nodes, {} edges ({} refused)",
            g.nodes.len(),
            g.edges.len(),
            g.edges.iter().filter(|e| !e.usable()).count()
        );
        c.bench_function(name, |b| {
            b.iter(|| access_graph(black_box(&w), black_box(&q)))
        });
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10).measurement_time(Duration::from_secs(5));
    targets = focused
}
criterion_main!(benches);
