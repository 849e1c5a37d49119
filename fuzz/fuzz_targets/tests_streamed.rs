//! Tests files read a test at a time: arbitrary bytes as a tests file of a fixed world (worked
//! example W33), run by the streamed runner (`iamsim test`: plain tests read without a tree,
//! the others by the span-keeping reader) and read whole by the span-keeping reader alone. The
//! two agree: both refuse the file, or both read as many tests, with as many failing.
#![no_main]

use iamsim_engine::question::Leniency;
use iamsim_engine::{load_tests, run_tests, run_tests_files, Listing, World};
use libfuzzer_sys::fuzz_target;
use std::path::PathBuf;
use std::sync::OnceLock;

fn world() -> &'static World {
    static WORLD: OnceLock<World> = OnceLock::new();
    WORLD.get_or_init(|| {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        World::load(&root.join("fixtures/worked-examples/w33-external-id")).unwrap()
    })
}

/// The file each input is written to (the streamed runner reads files).
fn file() -> &'static PathBuf {
    static FILE: OnceLock<PathBuf> = OnceLock::new();
    FILE.get_or_init(|| {
        std::env::temp_dir().join(format!("iamsim-fuzz-tests-{}.json", std::process::id()))
    })
}

fuzz_target!(|data: &[u8]| {
    let w = world();
    if std::fs::write(file(), data).is_err() {
        return;
    }
    let files = [file().clone()];
    let streamed = run_tests_files(w, &files, Leniency::default(), Listing::FailuresOnly);
    match (streamed, load_tests(w, file())) {
        (Ok(run), Ok(cases)) => {
            assert_eq!(run.total(), cases.len());
            let failed = run_tests(w, &cases).iter().filter(|o| !o.passed()).count();
            assert_eq!(run.failed, failed);
        }
        (Err(a), Err(b)) => {
            assert!(a.diagnostics.iter().any(|d| d.is_error()));
            assert!(b.diagnostics.iter().any(|d| d.is_error()));
        }
        (a, b) => panic!(
            "the streamed run {} where the whole-file reader {}",
            if a.is_ok() { "reads the file" } else { "refuses it" },
            if b.is_ok() { "reads it" } else { "refuses it" },
        ),
    }
});
