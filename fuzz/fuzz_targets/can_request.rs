//! `can` requests on a fixed world: arbitrary lines become the principal, action, resource and
//! roles to assume. Asking must never panic, and a request that cannot be asked is an error,
//! never an Allow.
#![no_main]

use iamsim_engine::{ask, AssumeRoleParams, Query, Via, ViaHop, World};
use iamsim_policy::Context;
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
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut lines = text.split('\n');
    let principal = lines.next().unwrap_or("").to_string();
    let action = lines.next().unwrap_or("").to_string();
    let resource = lines.next().unwrap_or("").to_string();
    let mut context = Context::new();
    let mut hops = Vec::new();
    let mut any = false;
    for line in lines {
        if line == "*" {
            any = true;
        } else if let Some((k, v)) = line.split_once('=') {
            context.set(k, v);
        } else {
            hops.push(ViaHop {
                role_arn: line.to_string(),
                params: AssumeRoleParams {
                    external_id: Some("Zx81".into()),
                    ..AssumeRoleParams::default()
                },
            });
        }
    }
    let via = if any {
        Via::Any
    } else if hops.is_empty() {
        Via::Direct
    } else {
        Via::Roles(hops)
    };
    let query = Query {
        principal,
        action,
        resource,
        via,
        context,
        session_policies: Vec::new(),
    };
    if let Ok(answer) = ask(world(), &query) {
        // Every hop of an allowed chain is itself allowed.
        if answer.decision.is_allow() {
            assert!(answer.path.iter().all(|h| h.decision.is_allow()));
        }
        let _ = answer.render_text();
    }
});
