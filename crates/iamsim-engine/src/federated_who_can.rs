//! Federated callers in `who-can` (10.3): for every identity provider of the world, the roles
//! whose trust policy names it, each entry `federated:PROVIDER_ARN` through that role (and the
//! role's own chain to the request), `conditional` on the token claims the trust requires.

use crate::federated::{Federated, ProviderKind};
use crate::federated_chain::{federated_hop, trust_names_provider, ways};
use crate::open_conditions::{Grant, OpenKeys};
use crate::request::{AssumeRoleParams, Caller};
use crate::who_can::{WhoCan, WhoCanEntry, WhoCanQuery, MAX_ENTRIES};
use crate::world::World;
use std::collections::BTreeSet;
use std::sync::Arc;

/// Every provider of the world, in account order.
fn providers(world: &World) -> Vec<Federated> {
    let mut out = Vec::new();
    for (id, a) in &world.accounts {
        for host in a.oidc_providers.keys() {
            out.push(Federated {
                account: id.clone(),
                kind: ProviderKind::Oidc,
                name: host.clone(),
            });
        }
        for name in a.saml_providers.keys() {
            out.push(Federated {
                account: id.clone(),
                kind: ProviderKind::Saml,
                name: name.clone(),
            });
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
    let mut undecided: Vec<WhoCanEntry> = Vec::new();
    'providers: for fed in providers(world) {
        let caller = Caller::Federated(fed.clone());
        let context = fed.claims_context(world, &q.context);
        let keys = OpenKeys::new(&context, world, &BTreeSet::new());
        let arn = fed.provider_arn();
        let roles = world
            .account(&fed.account)
            .into_iter()
            .flat_map(|a| a.roles.values())
            .filter(|r| trust_names_provider(r, &arn));
        for role in roles {
            let fh = federated_hop(world, &caller, &fed, &role.arn, &params, &context, &keys);
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
            let direct = q.action.eq_ignore_ascii_case(fed.action()) && q.resource == role.arn;
            let mut found: Vec<WhoCanEntry> = Vec::new();
            if direct {
                found.push(WhoCanEntry {
                    principal: fed.principal_name(),
                    via: Vec::new(),
                    grant: fh.grant.clone(),
                    path: vec![Arc::clone(&hop)],
                });
            } else {
                let from_role = answer
                    .principals
                    .iter()
                    .chain(&answer.undecided)
                    .filter(|e| e.principal == role.arn);
                for e in from_role {
                    let mut via = vec![role.arn.clone()];
                    via.extend(e.via.iter().cloned());
                    let mut path = vec![Arc::clone(&hop)];
                    path.extend(e.path.iter().cloned());
                    found.push(WhoCanEntry {
                        principal: fed.principal_name(),
                        via,
                        grant: fh.grant.and(&e.grant),
                        path,
                    });
                }
            }
            for e in found {
                if answer.principals.len() + answer.undecided.len() + added.len() + undecided.len()
                    >= MAX_ENTRIES
                {
                    answer.omitted += 1;
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
    answer.principals.extend(added);
    answer.undecided.extend(undecided);
}
