//! Checks that need the whole world: every user or role a resource or trust policy names by ARN
//! must exist when the world models its account (rules 2.15, 2.16).

use crate::index::Fnv;
use crate::world::{Account, PolicyHandle, World};
use iamsim_policy::{AwsPrincipal, Code, Diagnostic, PrincipalValue};
use std::collections::{HashMap, HashSet};
use std::hash::BuildHasherDefault;
use std::sync::Arc;

type Seen = HashSet<*const crate::world::LoadedPolicy, BuildHasherDefault<Fnv>>;

/// The policies of `account` that may name principals (its roles' trust policies, its buckets'
/// and resources' policies), each once, in the order of its first holder. Worked out while the
/// account is read (it is then in the cache): visiting every role of a large world again cost a
/// twentieth of loading it.
pub(crate) fn principal_policies(account: &Account) -> Vec<PolicyHandle> {
    let trusts = account.roles.values().map(|r| &r.trust);
    let buckets = account.buckets.values().filter_map(|b| b.policy.as_ref());
    let resources = account.resources.values().filter_map(|r| r.policy.as_ref());
    let mut seen = Seen::default();
    first_holders(trusts.chain(buckets).chain(resources), &mut seen)
        .cloned()
        .collect()
}

/// Each of `policies` that `seen` does not hold, once, in order. Roles of an account mostly
/// share their trust policies (a million-role world has a few per account): the holder before
/// is compared first, without hashing.
fn first_holders<'p, 's>(
    policies: impl Iterator<Item = &'p PolicyHandle> + 's,
    seen: &'s mut Seen,
) -> impl Iterator<Item = &'p PolicyHandle> + 's {
    let mut last: *const crate::world::LoadedPolicy = std::ptr::null();
    policies.filter(move |handle| {
        let at = Arc::as_ptr(handle);
        if at == last || !seen.insert(at) {
            return false;
        }
        last = at;
        true
    })
}

/// Checks the principals named by the policies of every account: `named` gives, by account
/// id, what [`principal_policies`] gives for it (an account it lacks is worked out here).
pub(crate) fn check_principals(
    world: &World,
    named: &HashMap<String, Vec<PolicyHandle>>,
    out: &mut Vec<Diagnostic>,
) {
    // Each policy once, in the order of its first holder.
    let mut seen = Seen::default();
    for (id, account) in &world.accounts {
        let worked_out;
        let policies = match named.get(id) {
            Some(list) => list,
            None => {
                worked_out = principal_policies(account);
                &worked_out
            }
        };
        for handle in first_holders(policies.iter(), &mut seen) {
            check_policy(world, handle, out);
        }
    }
}

/// Checks the principals `handle` names.
fn check_policy(world: &World, handle: &PolicyHandle, out: &mut Vec<Diagnostic>) {
    let policy = &handle.policy;
    for stmt in &policy.statements {
        let Some(block) = &stmt.principal else {
            continue;
        };
        for entry in &block.entries {
            let PrincipalValue::Aws(aws) = &entry.value else {
                continue;
            };
            let (account, what, exists) = match aws {
                AwsPrincipal::User {
                    account,
                    path,
                    name,
                    ..
                } => (
                    account,
                    "user",
                    world
                        .account(account)
                        .and_then(|a| a.users.get(name))
                        .is_some_and(|u| u.path() == path),
                ),
                AwsPrincipal::Role {
                    account,
                    path,
                    name,
                    ..
                } => (
                    account,
                    "role",
                    world
                        .account(account)
                        .and_then(|a| a.roles.get(name))
                        .is_some_and(|r| r.path() == path),
                ),
                AwsPrincipal::AssumedRole {
                    account, role_name, ..
                } => (
                    account,
                    "role",
                    world
                        .account(account)
                        .is_some_and(|a| a.roles.contains_key(role_name)),
                ),
                _ => continue,
            };
            if world.accounts.contains_key(account) {
                if !exists {
                    out.push(
                            Diagnostic::new(
                                Code::UnknownPrincipal,
                                format!(
                                    "`{}` names a {what} that account {account} does not have; AWS refuses to save a policy naming a principal that does not exist",
                                    entry.text
                                ),
                                &policy.source,
                                entry.span,
                            )
                            .with_help(format!(
                                "declare the {what} in world.json (with its path), or fix the ARN"
                            )),
                        );
                }
            } else {
                out.push(Diagnostic::new(
                        Code::UncheckedPrincipal,
                        format!(
                            "`{}` is in account {account}, which the world does not model: its existence and path are not checked",
                            entry.text
                        ),
                        &policy.source,
                        entry.span,
                    ));
            }
        }
    }
}
