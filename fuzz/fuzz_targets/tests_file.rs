//! Tests files: arbitrary bytes as a tests file of a fixed world (worked example W33). Reading
//! never panics; a failed read names an error; a file that reads has at least one test, and
//! running its tests never panics.
#![no_main]

use iamsim_engine::{parse_tests, run_tests, World};
use iamsim_policy::files::InputFile;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn world() -> &'static World {
    static WORLD: OnceLock<World> = OnceLock::new();
    WORLD.get_or_init(|| {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        World::load(&root.join("fixtures/worked-examples/w33-external-id")).unwrap()
    })
}

fuzz_target!(|data: &[u8]| {
    let w = world();
    let input = InputFile {
        name: "tests.json".into(),
        bytes: data.to_vec(),
        shown: data.first().is_some_and(|b| b & 1 == 0),
    };
    let Some(folder) = w.folder() else {
        return;
    };
    match parse_tests(folder, &input) {
        Ok(cases) => {
            assert!(!cases.is_empty());
            let outcomes = run_tests(w, &cases);
            assert_eq!(outcomes.len(), cases.len());
        }
        Err(e) => assert!(e.diagnostics.iter().any(|d| d.is_error())),
    }
});
