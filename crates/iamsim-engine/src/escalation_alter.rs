//! A principal as earlier hops of an escalation path changed it (docs/rules.md 10.4): a policy
//! of the caller's writing attached, one more group, no permissions boundary, one policy fewer,
//! another version of a policy in force, an MFA device enabled, a tag set or removed, a role's
//! trust policy rewritten to trust it.
//!
//! The change is made on a copy of the world's user or role that the caller carries
//! ([`Caller::user`], [`Caller::role`] return it), so a request of the changed principal is
//! decided by the one evaluator like any other: its boundary, its account's SCPs and RCPs, its
//! session policies and every explicit deny still apply to what it gained.

use crate::request::{Caller, Session};
use iamsim_world::{PolicyHandle, Role, User, World};
use std::sync::{Arc, OnceLock};

/// What earlier hops changed about one principal, and the changed copy of it.
#[derive(Debug, Clone)]
pub struct Altered {
    /// The user as changed (for a user caller).
    pub user: Option<User>,
    /// The role as changed (for a role session).
    pub role: Option<Role>,
    /// An MFA device was enabled: requests carry `aws:MultiFactorAuthPresent` true.
    pub mfa: bool,
    /// Roles whose trust policy it rewrote to trust it, by ARN, with the trust policy of its
    /// writing: its AssumeRole requests on them are decided against that policy.
    pub trusts: Vec<(String, PolicyHandle)>,
    /// The changes, in the order they were made.
    pub changes: Vec<Change>,
}

/// One change a step makes to a principal.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Change {
    /// A policy of the caller's writing, allowing `*` on `*`, holds for it.
    AnyPolicy,
    /// It is a member of this group too.
    Group(String),
    /// Its permissions boundary is gone.
    NoBoundary,
    /// This policy (by name, as explanations give it) no longer applies to it.
    WithoutPolicy(String),
    /// It is no longer a member of this group.
    WithoutGroup(String),
    /// The managed policy of this name has this other stored version in force.
    PolicyVersion {
        /// The managed policy's name.
        policy: String,
        /// The version id now in force (`v2`, ...).
        version: String,
    },
    /// It signs in with an MFA device.
    Mfa,
    /// The role of this ARN has a trust policy of its writing, naming it.
    Trust(String),
    /// Its tag of this key has this value (`None`: it has no such tag).
    Tag {
        /// The tag's key.
        key: String,
        /// Its value; `None`: the tag is removed.
        value: Option<String>,
    },
}

impl Change {
    /// The change in words.
    pub fn describe(&self) -> String {
        match self {
            Change::AnyPolicy => "holds a policy of the caller's writing (Allow * on *)".into(),
            Change::Group(g) => format!("is a member of group {g}"),
            Change::NoBoundary => "has no permissions boundary".into(),
            Change::WithoutPolicy(p) => format!("no longer has policy {p}"),
            Change::WithoutGroup(g) => format!("is no longer in group {g}"),
            Change::PolicyVersion { policy, version } => {
                format!("has version {version} of policy {policy} in force")
            }
            Change::Mfa => "signs in with an MFA device".into(),
            Change::Trust(role) => {
                format!("is trusted by role {role} (a trust policy of its writing)")
            }
            Change::Tag {
                key,
                value: Some(v),
            } => format!("is tagged {key}={v}"),
            Change::Tag { key, value: None } => format!("has no tag {key}"),
        }
    }
}

/// The policy a caller writes when a step lets it write any: `Allow * on *`. Parsed once.
pub(crate) fn any_policy() -> Option<&'static PolicyHandle> {
    static POLICY: OnceLock<Option<PolicyHandle>> = OnceLock::new();
    POLICY
        .get_or_init(|| {
            let text = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
            let name = "a policy of the caller's writing (Allow * on *)";
            let parsed = iamsim_policy::parse_policy(
                &iamsim_policy::Source::new(name, text.to_string()),
                iamsim_policy::PolicyType::Identity,
            );
            parsed
                .policy
                .map(|p| Arc::new(iamsim_world::LoadedPolicy::new(name.into(), p)))
        })
        .as_ref()
}

/// The trust policy a caller writes when a step lets it rewrite a role's: AssumeRole allowed to
/// the caller's own ARN, and to no one else.
pub(crate) fn written_trust(caller_arn: &str) -> Option<PolicyHandle> {
    let text = serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": caller_arn}, "Action": "sts:AssumeRole"}]
    })
    .to_string();
    let name = "a trust policy of the caller's writing (AssumeRole allowed to the caller)";
    let parsed = iamsim_policy::parse_policy(
        &iamsim_policy::Source::new(name, text),
        iamsim_policy::PolicyType::Trust,
    );
    parsed
        .policy
        .map(|p| Arc::new(iamsim_world::LoadedPolicy::new(name.into(), p)))
}

/// The trust policy an AssumeRole request of `caller` on `role` is decided against: one the
/// caller wrote on an earlier hop (update-trust), else the role's own.
pub(crate) fn trust_of<'a>(caller: &'a Caller, role: &'a Role) -> &'a iamsim_world::LoadedPolicy {
    caller
        .altered()
        .and_then(|a| a.trusts.iter().find(|(arn, _)| *arn == role.arn()))
        .map_or(&*role.trust, |(_, p)| &**p)
}

/// What a change needs besides its kind: the policy documents it removes or puts in force.
pub(crate) enum ChangeData<'w> {
    None,
    /// The policy that no longer applies.
    Remove(&'w PolicyHandle),
    /// The policy in force now (`to`) instead of `from`.
    Replace {
        from: &'w PolicyHandle,
        to: &'w PolicyHandle,
    },
}

/// `caller` with one more change; `None` when the change does not apply to it (a role cannot
/// join a group) or changes nothing (the change is already made).
pub(crate) fn alter(
    world: &World,
    caller: &Caller,
    change: Change,
    data: ChangeData<'_>,
) -> Option<Caller> {
    let previous = caller.altered();
    if previous.is_some_and(|a| a.changes.contains(&change)) {
        return None;
    }
    // A group adds Allows that a policy of the caller's writing (Allow * on *) already holds,
    // and perhaps Denies: nothing to gain once the principal holds one.
    if matches!(change, Change::Group(_))
        && previous.is_some_and(|a| a.changes.contains(&Change::AnyPolicy))
    {
        return None;
    }
    let mut altered = Altered {
        user: caller.user(world).cloned(),
        role: caller.role(world).cloned(),
        mfa: previous.is_some_and(|a| a.mfa),
        trusts: previous.map(|a| a.trusts.clone()).unwrap_or_default(),
        changes: previous.map(|a| a.changes.clone()).unwrap_or_default(),
    };
    let groups_of = |u: &User| -> Vec<(String, Vec<PolicyHandle>)> {
        let account = world.account(u.account());
        u.groups
            .iter()
            .filter_map(|g| {
                account
                    .and_then(|a| a.groups.get(g))
                    .map(|group| (g.clone(), group.policies.clone()))
            })
            .collect()
    };
    match (&change, &mut altered.user, &mut altered.role) {
        (Change::AnyPolicy, Some(u), _) => u.policies.push(Arc::clone(any_policy()?)),
        (Change::AnyPolicy, None, Some(r)) => r.policies.push(Arc::clone(any_policy()?)),
        (Change::Group(g), Some(u), _) => {
            if u.groups.contains(g) {
                return None;
            }
            u.groups.push(g.clone());
        }
        (Change::WithoutGroup(g), Some(u), _) => {
            let before = u.groups.len();
            u.groups.retain(|x| x != g);
            if u.groups.len() == before {
                return None;
            }
        }
        (Change::NoBoundary, Some(u), _) => u.boundary.take().map(|_| ())?,
        (Change::NoBoundary, None, Some(r)) => r.boundary.take().map(|_| ())?,
        (Change::Mfa, Some(_), _) => altered.mfa = true,
        (Change::Trust(role), _, _) => {
            let trust = written_trust(&caller.arn(world))?;
            altered.trusts.push((role.clone(), trust));
        }
        (Change::Tag { key, value }, Some(u), _) => set_tag(&mut u.tags, key, value.as_deref())?,
        (Change::Tag { key, value }, None, Some(r)) => set_tag(&mut r.tags, key, value.as_deref())?,
        (Change::WithoutPolicy(_), Some(u), _) => {
            let ChangeData::Remove(p) = data else {
                return None;
            };
            let groups = groups_of(u);
            replace_in_user(u, groups, p, None)?;
        }
        (Change::WithoutPolicy(_), None, Some(r)) => {
            let ChangeData::Remove(p) = data else {
                return None;
            };
            replace_in(&mut r.policies, p, None)?;
        }
        (Change::PolicyVersion { .. }, Some(u), _) => {
            let ChangeData::Replace { from, to } = data else {
                return None;
            };
            let groups = groups_of(u);
            replace_in_user(u, groups, from, Some(to))?;
        }
        (Change::PolicyVersion { .. }, None, Some(r)) => {
            let ChangeData::Replace { from, to } = data else {
                return None;
            };
            replace_in(&mut r.policies, from, Some(to))?;
        }
        _ => return None,
    }
    altered.changes.push(change);
    let altered = Some(Arc::new(altered));
    match caller {
        Caller::User { account, name, .. } => Some(Caller::User {
            account: account.clone(),
            name: name.clone(),
            altered,
        }),
        Caller::Session(s) => Some(Caller::Session(Session {
            altered,
            ..s.clone()
        })),
        _ => None,
    }
}

/// Sets (or, with `value` `None`, removes) a tag; `None` when that changes nothing.
fn set_tag(
    tags: &mut std::collections::BTreeMap<String, String>,
    key: &str,
    value: Option<&str>,
) -> Option<()> {
    match value {
        Some(v) if tags.get(key).map(String::as_str) == Some(v) => None,
        Some(v) => {
            tags.insert(key.to_string(), v.to_string());
            Some(())
        }
        None => tags.remove(key).map(|_| ()),
    }
}

/// Replaces (or, with `to` `None`, removes) every copy of `from` in `policies`; `None` when
/// there is none.
fn replace_in(
    policies: &mut Vec<PolicyHandle>,
    from: &PolicyHandle,
    to: Option<&PolicyHandle>,
) -> Option<()> {
    let found = policies.iter().any(|p| Arc::ptr_eq(p, from));
    if !found {
        return None;
    }
    match to {
        Some(to) => {
            for p in policies.iter_mut().filter(|p| Arc::ptr_eq(p, from)) {
                *p = Arc::clone(to);
            }
        }
        None => policies.retain(|p| !Arc::ptr_eq(p, from)),
    }
    Some(())
}

/// [`replace_in`] over a user's own policies and its groups' (`groups`, by name): a group whose
/// policies change is no longer looked up in the world for this user; its policies, changed,
/// become the user's own.
fn replace_in_user(
    u: &mut User,
    groups: Vec<(String, Vec<PolicyHandle>)>,
    from: &PolicyHandle,
    to: Option<&PolicyHandle>,
) -> Option<()> {
    let mut found = replace_in(&mut u.policies, from, to).is_some();
    for (g, mut policies) in groups {
        if replace_in(&mut policies, from, to).is_some() {
            found = true;
            u.groups.retain(|x| *x != g);
            u.policies.extend(policies);
        }
    }
    found.then_some(())
}
