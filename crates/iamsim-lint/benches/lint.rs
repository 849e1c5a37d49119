#![allow(clippy::indexing_slicing, clippy::unwrap_used)]
//! Lint throughput: 1,000 typical policy files read from disk, and the 1,523 AWS managed
//! policies (figures in BENCHMARKS.md).

use criterion::{criterion_group, criterion_main, Criterion};
use iamsim_lint::{lint_paths, lint_text, LintOptions, PolicyContext};
use iamsim_policy::PolicyType;
use std::path::PathBuf;
use std::time::Duration;

/// 1,000 files made from the repository's fixture policies (identity, trust and bucket
/// policies of every shape the fixtures hold; not the Terraform and CloudFormation fixtures),
/// written to a scratch folder.
fn thousand_files() -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures");
    let mut sources: Vec<String> = Vec::new();
    let mut stack = vec![root];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                if !p.ends_with("bad-policies") && !p.ends_with("iac") {
                    stack.push(p);
                }
            } else if p.extension().is_some_and(|x| x == "json")
                && !matches!(
                    p.file_name().and_then(|n| n.to_str()),
                    Some("world.json" | "tests.json" | "expected.json" | "case.json")
                )
            {
                // Policy documents only (fixtures also hold exports, goldens and expectations).
                if let Ok(text) = std::fs::read_to_string(&p) {
                    if text.contains("\"Statement\"") && !text.contains("\"accounts\"") {
                        sources.push(text);
                    }
                }
            }
        }
    }
    sources.sort();
    let dir = std::env::temp_dir().join(format!("iamsim-lint-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for i in 0..1000 {
        let sub = dir.join(format!("team{:02}", i % 20));
        std::fs::create_dir_all(&sub).unwrap_or(());
        let text = &sources[i % sources.len()];
        std::fs::write(sub.join(format!("policy-{i:04}.json")), text).unwrap_or(());
    }
    dir
}

fn bench(c: &mut Criterion) {
    let dir = thousand_files();
    let opts = LintOptions::default();
    // Files a folder walk skips as plainly not policies (a handful of fixture shapes) are not
    // counted: every run must read the same number.
    let policy_files = lint_paths(std::slice::from_ref(&dir), &opts).files;
    assert!(policy_files > 900, "{policy_files}");
    let mut g = c.benchmark_group("lint");
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(6));
    g.bench_function("1000 typical policy files (read from disk)", |b| {
        b.iter(|| {
            let r = lint_paths(std::slice::from_ref(&dir), &opts);
            assert_eq!(r.files, policy_files);
            r.findings.len()
        })
    });
    let managed: Vec<(&str, &str)> = iamsim_engine::managed::aws_managed_policies().collect();
    let ctx = PolicyContext {
        aws_managed: true,
        ..PolicyContext::default()
    };
    g.bench_function("1523 AWS managed policies", |b| {
        b.iter(|| {
            managed
                .iter()
                .map(|(n, d)| lint_text(n, d, Some(PolicyType::Identity), &ctx).len())
                .sum::<usize>()
        })
    });
    g.finish();
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group!(benches, bench);
criterion_main!(benches);
