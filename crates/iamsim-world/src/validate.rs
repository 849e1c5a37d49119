//! Checks that need the whole world: every user or role a resource or trust policy names by ARN
//! must exist when the world models its account (rules 2.15, 2.16).

use crate::index::Fnv;
use crate::world::World;
use iamsim_policy::{AwsPrincipal, Code, Diagnostic, PrincipalValue};
use std::collections::HashSet;
use std::hash::BuildHasherDefault;

pub(crate) fn check_principals(world: &World, out: &mut Vec<Diagnostic>) {
    // Each policy once, in the order of its first holder. Roles of an account mostly share
    // their trust policies (a million-role world has a few per account): the holder before is
    // checked first, without hashing.
    let mut seen: HashSet<*const crate::world::LoadedPolicy, BuildHasherDefault<Fnv>> =
        HashSet::default();
    let mut last: *const crate::world::LoadedPolicy = std::ptr::null();
    let policies = world.accounts.values().flat_map(|account| {
        let trusts = account.roles.values().map(|r| &r.trust);
        let buckets = account.buckets.values().filter_map(|b| b.policy.as_ref());
        let resources = account.resources.values().filter_map(|r| r.policy.as_ref());
        trusts.chain(buckets).chain(resources)
    });
    for handle in policies {
        let at = std::sync::Arc::as_ptr(handle);
        if at == last || !seen.insert(at) {
            continue;
        }
        last = at;
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
}
