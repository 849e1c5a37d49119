//! Tests: worlds written as the text of their world.json (inline policies only), loaded from
//! memory.

use iamsim_world::{MemoryFiles, World};

/// The world whose world.json is `world_json`.
pub(crate) fn test_world(world_json: &str) -> World {
    World::load_from(&MemoryFiles::new("test-world").with("world.json", world_json)).unwrap()
}

/// A trust policy trusting account 111111111111.
pub(crate) const TEST_TRUST_A: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":"sts:AssumeRole"}]}"#;
