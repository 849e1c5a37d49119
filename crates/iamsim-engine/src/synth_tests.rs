//! Tests of generated worlds (iamsim_world::synth): the same seed writes the same files, and
//! the worlds written load and are answered by who-can.

use crate::{who_can, Account, WhoCanQuery, World};
use iamsim_world::synth::*;
use std::path::Path;

fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap().display().to_string();
                out.push((rel, std::fs::read(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn the_same_seed_writes_the_same_world_and_it_loads() {
    let base = std::env::temp_dir().join(format!("iamsim-synth-{}", std::process::id()));
    let spec = GenSpec {
        seed: 42,
        accounts: 6,
        roles_per_account: 10,
        users_per_account: 2,
    };
    let (a, b) = (base.join("a"), base.join("b"));
    let summary = generate(&spec, &a).unwrap();
    generate(&spec, &b).unwrap();
    assert_eq!(tree(&a), tree(&b));
    assert_eq!(summary.roles, 6 * 10 + 2);
    let other = base.join("c");
    generate(&GenSpec { seed: 43, ..spec }, &other).unwrap();
    assert_ne!(tree(&a), tree(&other));

    let world = World::load(&a).unwrap_or_else(|e| panic!("{:?}", e.diagnostics));
    assert_eq!(world.accounts().len(), 6);
    // The management account's break-glass user reaches every member account's admin role.
    let answer = who_can(
        &world,
        &WhoCanQuery {
            action: "iam:CreateUser".into(),
            resource: format!("arn:aws:iam::{}:user/x", account_id(4)),
            context: iamsim_policy::Context::new(),
        },
    )
    .unwrap();
    let breakglass = format!("arn:aws:iam::{}:user/breakglass", account_id(0));
    assert!(answer.principals.iter().any(|e| e.principal == breakglass
        && e.via
            .last()
            .is_some_and(|r| r.ends_with("role/OrganizationAccountAccessRole"))));
    std::fs::remove_dir_all(&base).unwrap();
}

/// Escalation chains are sprinkled from the seed alone: the same seed writes the same files,
/// the rest of the world is the files it is without them, and the chains' world facts load
/// (instance profiles, compute, stored policy versions) and grant their first requests.
#[test]
fn sprinkled_escalations_are_deterministic_and_load() {
    let base = std::env::temp_dir().join(format!("iamsim-synth-esc-{}", std::process::id()));
    let spec = GenSpec {
        seed: 7,
        accounts: 8,
        roles_per_account: 4,
        users_per_account: 1,
    };
    let half = EscalationSpec { percent: 50 };
    let (a, b, plain) = (base.join("a"), base.join("b"), base.join("plain"));
    let summary = generate_with(&spec, half, &a).unwrap();
    generate_with(&spec, half, &b).unwrap();
    let plain_summary = generate(&spec, &plain).unwrap();
    let written = tree(&a);
    assert_eq!(written, tree(&b));
    let sprinkled: Vec<&str> = written
        .iter()
        .filter_map(|(p, _)| p.strip_suffix("/escalation/keys.json"))
        .collect();
    assert!(
        !sprinkled.is_empty() && sprinkled.len() < 8,
        "{sprinkled:?}"
    );
    assert_eq!(summary.users, plain_summary.users + 3 * sprinkled.len());
    assert_eq!(summary.roles, plain_summary.roles + 2 * sprinkled.len());
    // Every file but world.json and the chains' own is the plain world's, byte for byte.
    let others: Vec<_> = written
        .iter()
        .filter(|(p, _)| p != "world.json" && !p.contains("/escalation/"))
        .cloned()
        .collect();
    let plain_files: Vec<_> = tree(&plain)
        .into_iter()
        .filter(|(p, _)| p != "world.json")
        .collect();
    assert_eq!(others, plain_files);

    let world = World::load(&a).unwrap_or_else(|e| panic!("{:?}", e.diagnostics));
    let with_chain: Vec<&Account> = world
        .accounts()
        .values()
        .filter(|acc| acc.users.contains_key("esc-keys"))
        .collect();
    assert_eq!(with_chain.len(), sprinkled.len());
    for acc in with_chain {
        assert_eq!(acc.instance_profiles["esc-web"].roles, ["esc-web"]);
        assert_eq!(acc.compute.len(), 2);
        assert!(acc
            .compute
            .values()
            .all(|c| c.role_name(acc) == Some("esc-web")
                || c.role_name(acc) == Some("esc-lambda-exec")));
        assert_eq!(acc.policy_versions["esc-exec-policy"].default, "v1");
        let answer = who_can(
            &world,
            &WhoCanQuery {
                action: "iam:CreateAccessKey".into(),
                resource: format!("arn:aws:iam::{}:user/esc-builder", acc.id),
                context: iamsim_policy::Context::new(),
            },
        )
        .unwrap();
        let keys = format!("arn:aws:iam::{}:user/esc-keys", acc.id);
        assert!(
            answer
                .principals
                .iter()
                .any(|e| e.principal == keys && e.via.is_empty()),
            "{}",
            acc.id
        );
    }
    std::fs::remove_dir_all(&base).unwrap();
}
