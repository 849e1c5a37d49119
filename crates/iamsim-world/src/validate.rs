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

/// Policies from this many are checked on two threads, each a half.
const CHECK_IN_HALVES_FROM: usize = 4096;

/// Checks the principals named by the policies of every account: `named` gives, by account
/// id, what [`principal_policies`] gives for it (an account it lacks is worked out here).
pub(crate) fn check_principals(
    world: &World,
    named: &HashMap<String, Vec<PolicyHandle>>,
    out: &mut Vec<Diagnostic>,
) {
    check_principals_from(world, named, out, CHECK_IN_HALVES_FROM);
}

/// [`check_principals`], on two threads from `halves_from` policies.
fn check_principals_from(
    world: &World,
    named: &HashMap<String, Vec<PolicyHandle>>,
    out: &mut Vec<Diagnostic>,
    halves_from: usize,
) {
    let worked_out: Vec<Vec<PolicyHandle>> = world
        .accounts
        .iter()
        .filter(|(id, _)| !named.contains_key(*id))
        .map(|(_, account)| principal_policies(account))
        .collect();
    let mut worked_out = worked_out.iter();
    // Each policy once, in the order of its first holder.
    let mut seen = Seen::default();
    let mut order: Vec<&PolicyHandle> = Vec::new();
    for id in world.accounts.keys() {
        let Some(policies) = named.get(id).or_else(|| worked_out.next()) else {
            continue;
        };
        order.extend(first_holders(policies.iter(), &mut seen));
    }
    let check = |policies: &[&PolicyHandle]| {
        let mut found = Vec::new();
        for handle in policies {
            check_policy(world, handle, &mut found);
        }
        found
    };
    if order.len() < halves_from {
        out.append(&mut check(&order));
        return;
    }
    // Each policy's check reads the world only: the halves' diagnostics, one after the other,
    // are those of one thread.
    let (first, second) = order.split_at(order.len() / 2);
    let (mut first, mut second) = std::thread::scope(|scope| {
        let beside = std::thread::Builder::new().spawn_scoped(scope, || check(second));
        let first = check(first);
        let second = match beside {
            Ok(thread) => thread.join().unwrap_or_else(|_| check(second)),
            Err(_) => check(second),
        };
        (first, second)
    });
    out.append(&mut first);
    out.append(&mut second);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_check_in_halves_reports_what_one_thread_reports() {
        let dirs = crate::world::fixture_world_dirs();
        let mut reported = 0;
        for dir in dirs {
            let Ok(world) = World::load(&dir) else {
                continue;
            };
            let named = HashMap::new();
            let (mut one, mut halves) = (Vec::new(), Vec::new());
            check_principals_from(&world, &named, &mut one, usize::MAX);
            check_principals_from(&world, &named, &mut halves, 0);
            assert_eq!(
                format!("{one:?}"),
                format!("{halves:?}"),
                "{}",
                dir.display()
            );
            reported += one.len();
        }
        assert!(
            reported > 0,
            "no fixture world names an unchecked principal"
        );
    }

    #[test]
    fn the_halves_keep_the_order_of_the_first_holders() {
        // Roles of two accounts trusting principals of an account the world does not model:
        // one warning each (2.16), in the order of the accounts and then of their roles.
        let role = |who: &str| {
            format!(
                r#"{{"trust": {{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow",
                "Principal": {{"AWS": "arn:aws:iam::999999999999:role/{who}"}},
                "Action": "sts:AssumeRole"}}]}}}}"#
            )
        };
        let world = crate::world::test_world(&format!(
            r#"{{"accounts": {{
                "222222222222": {{"roles": {{"b": {}, "a": {}}}}},
                "111111111111": {{"roles": {{"d": {}, "c": {}, "e": {}}}}}
            }}}}"#,
            role("t2"),
            role("t1"),
            role("t4"),
            role("t3"),
            role("t5")
        ));
        let named = HashMap::new();
        for from in [usize::MAX, 0] {
            let mut found = Vec::new();
            check_principals_from(&world, &named, &mut found, from);
            let named: Vec<_> = found
                .iter()
                .map(|d| d.message.split('`').nth(1).unwrap_or("").to_string())
                .collect();
            let expected: Vec<String> = ["t3", "t4", "t5", "t1", "t2"]
                .iter()
                .map(|t| format!("arn:aws:iam::999999999999:role/{t}"))
                .collect();
            assert_eq!(named, expected, "halves from {from}");
        }
    }
}
