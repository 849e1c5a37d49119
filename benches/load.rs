#![allow(clippy::expect_used, clippy::unwrap_used)]
//! Loading worlds written by `iamsim gen` at organization scale: MB/s of world.json and policy
//! files (10^6 bytes a second; criterion prints MiB/s), with the allocator the command line uses.
//! Run with `nice cargo bench --bench load -- --warm-up-time 1 --measurement-time 10`;
//! figures go to BENCHMARKS.md. Worlds are generated once into the temp folder.

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use iamsim_engine::synth::{generate, GenSpec};
use iamsim_engine::World;
use std::path::{Path, PathBuf};

/// As the command line (src/main.rs).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn generated(accounts: usize, roles: usize) -> PathBuf {
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
    dir
}

/// Bytes of world.json and every policy file under `dir`.
fn json_bytes(dir: &Path) -> u64 {
    let mut total = 0;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "json") {
                total += p.metadata().unwrap().len();
            }
        }
    }
    total
}

fn at_scale(c: &mut Criterion) {
    let mut g = c.benchmark_group("load generated world");
    g.sample_size(10);
    for (accounts, roles) in [(50, 20), (100, 100), (1000, 100)] {
        let dir = generated(accounts, roles);
        g.throughput(Throughput::Bytes(json_bytes(&dir)));
        let name = format!("{accounts} accounts x {roles} roles");
        g.bench_function(&name, |b| {
            b.iter(|| World::load(black_box(&dir)).expect("loads"))
        });
    }
    g.finish();
}

criterion_group!(benches, at_scale);
criterion_main!(benches);
