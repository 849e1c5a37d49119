//! World loading: arbitrary bytes as world.json, beside a fixed policy file and a fixed tests
//! file, all held in memory (no file is written per input). Loading must never panic; a world
//! that loads must answer its tests without panicking, and a world that fails to load must say
//! why with at least one error.
#![no_main]

use iamsim_engine::{parse_tests, run_tests, MemoryFiles, World};
use iamsim_policy::files::{FileKind, Files};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

/// The fixed files: two policies and a tests file.
fn fixed() -> &'static MemoryFiles {
    static FILES: OnceLock<MemoryFiles> = OnceLock::new();
    FILES.get_or_init(|| {
        MemoryFiles::new("fuzz-world")
            .with(
                "policies/p.json",
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#,
            )
            .with(
                "policies/trust.json",
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":"sts:AssumeRole"}]}"#,
            )
            .with(
                "tests.json",
                r#"{"tests":[
              {"name":"a","principal":"arn:aws:iam::111111111111:user/alice","action":"s3:GetObject","resource":"arn:aws:s3:::b/k","expect":"allow"},
              {"name":"b","principal":"arn:aws:iam::111111111111:user/alice","via":"*","action":"s3:GetObject","resource":"arn:aws:s3:::b/k","expect":"allow"},
              {"name":"c","principal":"anonymous","action":"s3:GetObject","resource":"arn:aws:s3:::b/k","expect":"deny"}]}"#,
            )
    })
}

fuzz_target!(|data: &[u8]| {
    let files = fixed().clone().with("world.json", data);
    match World::load_from(&files) {
        Ok(world) => {
            let Ok(tests) = files.read("tests.json", FileKind::Tests.max_bytes()) else {
                return;
            };
            if let Ok(cases) = parse_tests(&files, &tests) {
                let _ = run_tests(&world, &cases);
            }
        }
        Err(e) => assert!(e.diagnostics.iter().any(|d| d.is_error())),
    }
});
