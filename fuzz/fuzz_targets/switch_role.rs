//! Console switch-role links: arbitrary text as the URL, read against a fixed world. Never
//! panics; a link that reads names a role ARN of an account of the world or a 12-digit id.
#![no_main]

use iamsim_awscli::SwitchRole;
use iamsim_engine::World;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn world() -> &'static World {
    static WORLD: OnceLock<World> = OnceLock::new();
    WORLD.get_or_init(|| {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        World::load(&root.join("fixtures/aws-cli-role-profile")).unwrap()
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(url) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(link) = SwitchRole::parse(url, world()) {
        let _ = format!("{link:?}");
    }
});
