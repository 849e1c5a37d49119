//! World loading: arbitrary bytes as world.json, beside a fixed policy file and a fixed tests
//! file. Loading must never panic; a world that loads must answer its tests without panicking,
//! and a world that fails to load must say why with at least one error.
#![no_main]

use iamsim_engine::{load_tests, run_tests, World};
use libfuzzer_sys::fuzz_target;
use std::path::PathBuf;
use std::sync::OnceLock;

fn dir() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let d = std::env::temp_dir().join(format!("iamsim-fuzz-world-{}", std::process::id()));
        std::fs::create_dir_all(d.join("policies")).unwrap();
        std::fs::write(
            d.join("policies/p.json"),
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#,
        )
        .unwrap();
        std::fs::write(
            d.join("policies/trust.json"),
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":"sts:AssumeRole"}]}"#,
        )
        .unwrap();
        std::fs::write(
            d.join("tests.json"),
            r#"{"tests":[
              {"name":"a","principal":"arn:aws:iam::111111111111:user/alice","action":"s3:GetObject","resource":"arn:aws:s3:::b/k","expect":"allow"},
              {"name":"b","principal":"arn:aws:iam::111111111111:user/alice","via":"*","action":"s3:GetObject","resource":"arn:aws:s3:::b/k","expect":"allow"},
              {"name":"c","principal":"anonymous","action":"s3:GetObject","resource":"arn:aws:s3:::b/k","expect":"deny"}]}"#,
        )
        .unwrap();
        d
    })
}

fuzz_target!(|data: &[u8]| {
    let d = dir();
    if std::fs::write(d.join("world.json"), data).is_err() {
        return;
    }
    match World::load(d) {
        Ok(world) => {
            if let Ok(cases) = load_tests(&world, &d.join("tests.json")) {
                let _ = run_tests(&world, &cases);
            }
        }
        Err(e) => assert!(e.diagnostics.iter().any(|d| d.is_error())),
    }
});
