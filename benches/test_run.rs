#![allow(clippy::expect_used, clippy::unwrap_used)]
//! `iamsim test`'s work end to end in the library: reading a tests file and deciding every test
//! (`run_tests_files`: streamed, decision-only, failures explained), against reading it whole and
//! explaining every test (`load_tests` + `run_tests`, the path `iamsim test` took before).
//! `streamed_tree_reader` runs the same tests with their role written as a `via` object
//! (`{"role": ARN}`: the same request, which the reader without a tree leaves to the span-keeping
//! reader), so that the two ways of reading a test are compared in one run.
//! Every test is the first cross-account tutorial's upload through the role, as
//! `scripts/tests-file.py` writes them. Run with
//! `nice cargo bench --bench test_run -- --warm-up-time 1 --measurement-time 5`; figures go to
//! BENCHMARKS.md.

use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use iamsim_engine::question::Leniency;
use iamsim_engine::{load_tests, run_tests, run_tests_files, Listing, World};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

const WORLD: &str = "fixtures/aws-cli-role-profile-corrected";

/// A tests file of `n` tests in the temp folder (written once); `object`: each test's role
/// written as a `via` object (the same request).
fn tests_file(n: usize, object: bool) -> PathBuf {
    let name = if object { "-via-object" } else { "" };
    let path = std::env::temp_dir().join(format!("iamsim-bench-tests-{n}{name}.json"));
    let role = "\"arn:aws:iam::222222222222:role/role-in-accountb\"";
    let hop = if object {
        format!("{{\"role\": {role}}}")
    } else {
        role.to_string()
    };
    if !path.is_file() {
        let mut text = String::from("{\n  \"tests\": [\n");
        for i in 0..n {
            let sep = if i + 1 < n { "," } else { "" };
            write!(
                text,
                r#"    {{
      "name": "upload through the role {}",
      "rule": "6.13, 4.8, 7.2",
      "principal": "arn:aws:iam::111111111111:user/accounta-user",
      "via": [
        {hop}
      ],
      "action": "s3:PutObject",
      "resource": "arn:aws:s3:::cross-account-bucket/test.txt",
      "expect": "allow"
    }}{sep}
"#,
                i + 1
            )
            .unwrap();
        }
        text.push_str("  ]\n}\n");
        std::fs::write(&path, text).unwrap();
    }
    path
}

fn bench(c: &mut Criterion) {
    let world = World::load(Path::new(WORLD)).expect("world loads");
    let mut g = c.benchmark_group("test_run");
    for n in [1_000usize, 10_000] {
        let file = tests_file(n, false);
        let files = vec![file.clone()];
        let tree_files = vec![tests_file(n, true)];
        for files in [&files, &tree_files] {
            let run =
                run_tests_files(&world, files, Leniency::default(), Listing::EveryTest).unwrap();
            assert_eq!((run.passed, run.failed), (n, 0));
        }
        g.throughput(Throughput::Elements(n as u64));
        let streamed = |b: &mut criterion::Bencher, files: &Vec<PathBuf>| {
            b.iter(|| {
                black_box(
                    run_tests_files(&world, files, Leniency::default(), Listing::EveryTest)
                        .unwrap(),
                )
            })
        };
        g.bench_with_input(BenchmarkId::new("streamed", n), &files, streamed);
        g.bench_with_input(
            BenchmarkId::new("streamed_tree_reader", n),
            &tree_files,
            streamed,
        );
        g.bench_with_input(BenchmarkId::new("whole_explained", n), &file, |b, file| {
            b.iter(|| {
                let cases = load_tests(&world, file).unwrap();
                black_box(run_tests(&world, &cases))
            })
        });
    }
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().measurement_time(Duration::from_secs(5));
    targets = bench
}
criterion_main!(benches);
