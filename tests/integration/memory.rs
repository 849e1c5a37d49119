//! A world held in memory is the world its folder holds: every fixture world, its files read into
//! a `MemoryFiles` named as the folder, loads as it does from the folder (the same warnings, or
//! the same errors) and answers every test of its tests.json with the same explanation, word for
//! word, file:line:column included. The library's `Engine` over it decides as the tests do.

use crate::fixtures::fixture_worlds;
use iamsim_engine::{
    load_tests, parse_tests, run_tests, Engine, LoadError, MemoryFiles, Request, World,
};
use iamsim_policy::files::{FileKind, Files};
use std::path::Path;

/// Every file under `dir`, by its path relative to `dir`.
fn read_all(dir: &Path, under: &Path, files: &mut MemoryFiles) {
    let mut entries: Vec<_> = std::fs::read_dir(under)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            read_all(dir, &path, files);
        } else if path.is_file() {
            let relative = path.strip_prefix(dir).unwrap().to_str().unwrap();
            files.insert(relative, std::fs::read(&path).unwrap());
        }
    }
}

fn in_memory(dir: &Path) -> MemoryFiles {
    let mut files = MemoryFiles::new(dir);
    read_all(dir, dir, &mut files);
    files
}

fn codes(e: &LoadError) -> Vec<String> {
    e.diagnostics.iter().map(|d| d.to_string()).collect()
}

#[test]
fn every_fixture_world_answers_alike_from_memory() {
    let worlds = fixture_worlds();
    assert!(
        worlds.len() > 60,
        "found only {} fixture worlds",
        worlds.len()
    );
    let mut compared = 0;
    for dir in &worlds {
        let files = in_memory(dir);
        let (folder, memory) = match (World::load(dir), World::load_from(&files)) {
            (Ok(f), Ok(m)) => (f, m),
            (Err(f), Err(m)) => {
                assert_eq!(codes(&f), codes(&m), "{}", dir.display());
                continue;
            }
            (f, m) => panic!(
                "{}: from the folder {:?}, from memory {:?}",
                dir.display(),
                f.err().map(|e| codes(&e)),
                m.err().map(|e| codes(&e))
            ),
        };
        let shown =
            |w: &World| -> Vec<String> { w.warnings().iter().map(|d| d.render()).collect() };
        assert_eq!(shown(&folder), shown(&memory), "{}", dir.display());

        let from_folder = load_tests(&folder, &dir.join("tests.json")).unwrap();
        let input = files
            .read("tests.json", FileKind::Tests.max_bytes())
            .unwrap();
        let from_memory = parse_tests(&files, &input).unwrap();
        assert_eq!(from_folder.len(), from_memory.len(), "{}", dir.display());

        let engine = Engine::from_world(memory);
        let outcomes = run_tests(&folder, &from_folder)
            .into_iter()
            .zip(run_tests(engine.world(), &from_memory));
        for (f, m) in outcomes {
            let name = format!("{}: {}", dir.display(), f.case.name);
            let text = |o: &iamsim_engine::TestOutcome| o.answer.as_ref().map(|a| a.render_text());
            assert_eq!(text(&f), text(&m), "{name}");
            assert_eq!(f.passed(), m.passed(), "{name}");
            let request = Request::from(m.case.query.clone());
            assert_eq!(
                engine.decide(&request).ok(),
                m.answer.as_ref().map(|a| a.decision),
                "{name}"
            );
            compared += 1;
        }
    }
    assert!(compared > 500, "compared only {compared} tests");
}
