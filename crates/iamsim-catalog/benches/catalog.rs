//! Catalog load time: the header (service index) on start-up, and the first look-up of a service.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use std::time::Duration;

fn load(c: &mut Criterion) {
    c.bench_function("catalog/load header", |b| {
        b.iter(|| black_box(iamsim_catalog::load_uncached()))
    });
    c.bench_function("catalog/load header + first s3 look-up", |b| {
        b.iter(|| {
            let cat = iamsim_catalog::load_uncached();
            let found = cat
                .service("s3")
                .and_then(|s| s.action("GetObject").map(|a| a.name.len()));
            black_box(found)
        })
    });
    let cat = iamsim_catalog::catalog();
    c.bench_function("catalog/action look-up (warm)", |b| {
        b.iter(|| black_box(cat.action(black_box("ec2:DescribeInstances")).is_some()))
    });
    c.bench_function("catalog/parse every service", |b| {
        b.iter(|| {
            let cat = iamsim_catalog::load_uncached();
            black_box(cat.services().map(|s| s.actions().len()).sum::<usize>())
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(2))
        .sample_size(20);
    targets = load
}
criterion_main!(benches);
