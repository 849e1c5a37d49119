//! Tests: worlds written as the text of their world.json (inline policies only), loaded from
//! memory.

use iamsim_world::{MemoryFiles, World};

/// The world whose world.json is `world_json`.
pub(crate) fn test_world(world_json: &str) -> World {
    World::load_from(&MemoryFiles::new("test-world").with("world.json", world_json)).unwrap()
}

/// A trust policy trusting account 111111111111.
pub(crate) const TEST_TRUST_A: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":"sts:AssumeRole"}]}"#;

/// The folders below `fixtures/<under>` (`""`: every fixture) that hold a world.json.
pub(crate) fn fixture_world_dirs(under: &str) -> Vec<std::path::PathBuf> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures")
        .join(under);
    let mut dirs = vec![root];
    let mut i = 0;
    while let Some(d) = dirs.get(i).cloned() {
        i += 1;
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            if e.file_type().is_ok_and(|t| t.is_dir()) {
                dirs.push(e.path());
            }
        }
    }
    dirs.retain(|d| d.join("world.json").is_file());
    dirs
}
