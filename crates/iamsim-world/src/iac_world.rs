//! A world of one account built in memory from Terraform or CloudFormation files (the base or
//! the head of a pull request): the files are those the caller already read, the world.json is
//! written here, and the one loader reads both as it reads a world whose account names `iac`.

use crate::world::{LoadError, World};
use iamsim_policy::files::{Files, Overlay};
use iamsim_policy::Policy;
use std::collections::HashMap;

/// The world in which `account` holds the entities of the IaC files `texts` (names relative to
/// `base`'s folder, with their texts as read): nothing is read again and nothing is written.
pub fn iac_world(
    base: &dyn Files,
    account: &str,
    texts: &HashMap<String, String>,
) -> Result<World, LoadError> {
    let mut names: Vec<&String> = texts.keys().collect();
    names.sort();
    let world = serde_json::json!({ "accounts": { account: { "iac": names } } });
    let mut all = texts.clone();
    all.insert("world.json".into(), world.to_string());
    World::load_from(&Overlay { base, texts: &all })
}

/// Every policy document a world holds: identity and managed policies, boundaries, trusts,
/// bucket, resource and key policies, SCPs and RCPs (a policy attached twice is listed twice).
pub fn world_policies(world: &World) -> Vec<&Policy> {
    let mut out = Vec::new();
    for a in world.accounts.values() {
        for u in a.users.values() {
            out.extend(u.policies.iter().chain(u.boundary.iter()));
        }
        for g in a.groups.values() {
            out.extend(g.policies.iter());
        }
        for r in a.roles.values() {
            out.push(&r.trust);
            out.extend(r.policies.iter().chain(r.boundary.iter()));
        }
        out.extend(a.policies.values());
        out.extend(a.buckets.values().filter_map(|b| b.policy.as_ref()));
        out.extend(a.resources.values().filter_map(|r| r.policy.as_ref()));
        out.extend(a.keys.values().map(|k| &k.policy));
    }
    if let Some(org) = &world.organization {
        for levels in org.paths.values() {
            for l in levels {
                out.extend(l.scps.iter().chain(l.rcps.iter()));
            }
        }
    }
    out.into_iter().map(|h| &h.policy).collect()
}
