//! Federated callers in `who-can` (10.3): for every identity provider of the world, the roles
//! whose trust policy names it, each entry `federated:PROVIDER_ARN` through that role (and the
//! role's own chain to the request), `conditional` on the token claims the trust requires.

use crate::federated_chain::{federated_hop, ways};
use crate::open_conditions::{and_terms, Grant, OpenKeys};
use crate::request::{AssumeRoleParams, Caller};
use crate::who_can::{WhoCan, WhoCanEntry, WhoCanQuery, MAX_ENTRIES};
use iamsim_policy::{Effect, PrincipalKind, PrincipalValue};
use iamsim_world::federated::Federated;
use iamsim_world::{Role, World};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

/// Every provider of the world that some role's trust names, with those roles: one pass over the
/// trust policies (a world may hold many providers and many roles).
fn providers_and_roles(world: &World) -> BTreeMap<Federated, Vec<&Role>> {
    let mut out: BTreeMap<Federated, Vec<&Role>> = BTreeMap::new();
    for role in world.roles() {
        let mut named: Vec<Federated> = Vec::new();
        for s in &role.trust.policy.statements {
            if s.effect.value != Effect::Allow {
                continue;
            }
            let entries = s
                .principal
                .iter()
                .filter(|b| b.kind == PrincipalKind::Principal)
                .flat_map(|b| &b.entries);
            for e in entries {
                let PrincipalValue::Federated(v) = &e.value else {
                    continue;
                };
                // Only the providers of the role's own account can be used (10.3).
                let Ok(f) = Federated::parse(v) else { continue };
                if f.usable_in(world, role.account()) && !named.contains(&f) {
                    named.push(f);
                }
            }
        }
        for f in named {
            out.entry(f).or_default().push(role);
        }
    }
    out
}

/// Adds the federated entries to a who-can answer whose other entries are complete: a
/// federated identity reaches the request through a role it may assume, and from there as that
/// role's session does (its entries in `answer`).
pub(crate) fn add_entries(world: &World, q: &WhoCanQuery, answer: &mut WhoCan) {
    let params = AssumeRoleParams::default();
    let mut added: Vec<WhoCanEntry> = Vec::new();
    let entries = answer.principals.len() + answer.undecided.len();
    let mut undecided: Vec<WhoCanEntry> = Vec::new();
    // The entries of each role session, by role ARN.
    let mut of_role: HashMap<&str, Vec<&WhoCanEntry>> = HashMap::new();
    for e in answer.principals.iter().chain(&answer.undecided) {
        of_role.entry(e.principal.as_str()).or_default().push(e);
    }
    let providers = providers_and_roles(world);
    if answer.omitted > 0 {
        // The search already stopped at the cap: these identities were not examined either.
        answer.omitted += providers.len();
        return;
    }
    let count = providers.len();
    'providers: for (done, (fed, roles)) in providers.into_iter().enumerate() {
        let caller = Caller::Federated(fed.clone());
        let context = fed.claims_context(world, &q.context);
        let keys = OpenKeys::new(&context, world, &BTreeSet::new());
        for role in roles {
            let direct = q.action.eq_ignore_ascii_case(fed.action()) && q.resource == role.arn();
            let from_role = of_role.get(role.arn());
            if !direct && from_role.is_none() {
                // The role's session does not reach the request: nothing to go through.
                continue;
            }
            let fh = federated_hop(world, &caller, &fed, role.arn(), &params, &context, &keys);
            if !fh.grant.allows_sometimes() && fh.grant != Grant::Indeterminate {
                continue;
            }
            let mut hop = fh.hop;
            if let Grant::Conditional(alts) = &fh.grant {
                hop.notes.insert(
                    0,
                    format!(
                        "holds only if {}; explained for values that meet it",
                        ways(alts)
                    ),
                );
            }
            let hop = Arc::new(hop);
            let mut found: Vec<WhoCanEntry> = Vec::new();
            if direct {
                found.push(WhoCanEntry {
                    principal: fed.principal_name(),
                    via: Vec::new(),
                    grant: fh.grant.clone(),
                    terms: hop.conditions.clone(),
                    path: vec![Arc::clone(&hop)],
                });
            } else {
                for e in from_role.into_iter().flatten() {
                    let mut via = vec![role.arn().to_string()];
                    via.extend(e.via.iter().cloned());
                    let mut path = vec![Arc::clone(&hop)];
                    path.extend(e.path.iter().cloned());
                    found.push(WhoCanEntry {
                        principal: fed.principal_name(),
                        via,
                        grant: fh.grant.and(&e.grant),
                        terms: and_terms(&hop.conditions, &e.terms),
                        path,
                    });
                }
            }
            for e in found {
                if entries + added.len() + undecided.len() >= MAX_ENTRIES {
                    answer.omitted += count - done;
                    break 'providers;
                }
                if e.grant == Grant::Indeterminate {
                    undecided.push(e);
                } else if e.grant.allows_sometimes() {
                    added.push(e);
                }
            }
        }
    }
    drop(of_role);
    answer.principals.extend(added);
    answer.undecided.extend(undecided);
}
