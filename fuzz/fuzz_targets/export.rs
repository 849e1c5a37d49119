//! Exports for `iamsim import`: arbitrary bytes as one account's
//! `authorization-details.json` (or, after a NUL, a bucket policy beside it). Importing never
//! panics; a world it writes loads, or fails with a named error (never an empty world).
#![no_main]

use iamsim_engine::export::import;
use libfuzzer_sys::fuzz_target;
use std::path::PathBuf;

fn base() -> PathBuf {
    std::env::temp_dir().join(format!("iamsim-fuzz-export-{}", std::process::id()))
}

fuzz_target!(|data: &[u8]| {
    let base = base();
    let _ = std::fs::remove_dir_all(&base);
    let account = base.join("export/accounts/111111111111");
    std::fs::create_dir_all(&account).unwrap();
    let (details, bucket) = match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], Some(&data[i + 1..])),
        None => (data, None),
    };
    std::fs::write(account.join("authorization-details.json"), details).unwrap();
    if let Some(b) = bucket {
        let dir = account.join("buckets/bucket-a");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("policy.json"), b).unwrap();
    }
    let out = base.join("world");
    if import(&base.join("export"), &out).is_ok() {
        // What import wrote must load or fail with a diagnostic; a panic here is a bug.
        let _ = iamsim_engine::World::load(&out);
    }
});
