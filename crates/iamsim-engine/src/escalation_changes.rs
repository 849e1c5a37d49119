//! The steps by which a caller changes a principal — itself, or one it can move to (docs/rules.md
//! 10.4): a policy of its writing attached or put inline, a new version of an attached policy or
//! another stored one in force, another group joined, the permissions boundary removed, a policy
//! holding a `Deny` removed (or the group holding it left), an MFA device enabled, tags changed.
//! What each step needs is the catalog's ([`iamsim_catalog::escalation`]); each request is
//! decided by the one evaluator ([`Asker`]), and the changed principal is made by
//! [`crate::escalation_alter`].

use crate::escalation_alter::{Change, ChangeData};
use crate::escalation_hops::{change_hop, Asker, Decider, IdentityAllows, PathHop, PathIndex};
use crate::explain::Decision;
use crate::request::Caller;
use iamsim_catalog::escalation::{On, Precondition, Step, Target};
use iamsim_policy::{Context, Effect};
use iamsim_world::{Account, Group, PolicyHandle, Role, User, World};
use std::sync::Arc;

/// The policy `iam:PolicyARN` names when a step attaches a policy of the caller's choosing.
const ADMIN_POLICY_ARN: &str = "arn:aws:iam::aws:policy/AdministratorAccess";

/// The steps by which `actor` changes `subject` (itself, or a principal it can move to).
pub(crate) fn changes(
    ix: &PathIndex<'_>,
    actor: &Caller,
    allows: &IdentityAllows<'_>,
    subject: &Caller,
    context: &Context,
    decide: Decider<'_>,
) -> Vec<PathHop> {
    let mut out = Vec::new();
    let Some(c) = Changing::new(ix, actor, allows, subject, context, decide) else {
        return out;
    };
    c.policies_written(&mut out);
    // A policy of the actor's writing allows the subject everything a group's policies may, and
    // adds no Deny: once one is allowed outright, joining a group leads nowhere it does not
    // (a group is never a principal, 1.12), and is not tried. An actor that may change every
    // user (an administrator, a root user) would otherwise try every group with every user.
    let written = out
        .iter()
        .any(|h| h.decision == Decision::Allow && h.unknown.is_none());
    c.policy_versions(&mut out);
    if !written {
        c.groups_joined(&mut out);
    }
    c.boundary_removed(&mut out);
    c.denies_removed(&mut out);
    c.mfa_enabled(&mut out);
    crate::escalation_tags::tag_changes(
        ix,
        actor,
        allows,
        subject,
        (c.kind, c.arn),
        context,
        decide,
        &mut out,
    );
    out
}

/// What every change of one subject by one actor shares.
struct Changing<'a, 'w> {
    ix: &'a PathIndex<'w>,
    world: &'w World,
    actor: &'a Caller,
    allows: &'a IdentityAllows<'a>,
    subject: &'a Caller,
    context: &'a Context,
    decide: Decider<'a>,
    user: Option<&'a User>,
    role: Option<&'a Role>,
    kind: Target,
    arn: &'a str,
    account: &'a str,
    acct: &'w Account,
    subject_name: String,
    /// The groups of a user subject, with their ARNs.
    groups: Vec<(&'w Group, String)>,
}

impl<'a, 'w> Changing<'a, 'w> {
    /// `None` when the subject is not a user or role of the actor's account: IAM has no
    /// resource-based policies for users, groups, roles' permissions or policies, so another
    /// account's principal cannot change them.
    fn new(
        ix: &'a PathIndex<'w>,
        actor: &'a Caller,
        allows: &'a IdentityAllows<'a>,
        subject: &'a Caller,
        context: &'a Context,
        decide: Decider<'a>,
    ) -> Option<Self> {
        let world = ix.world;
        let user = subject.acting_user(world);
        let role = subject.acting_role(world);
        let (kind, arn, account) = match (user, role) {
            (Some(u), _) => (Target::User, u.arn(), u.account()),
            (None, Some(r)) => (Target::Role, r.arn(), r.account()),
            _ => return None,
        };
        if actor.account() != Some(account) {
            return None;
        }
        let acct = world.account(account)?;
        let groups = user
            .map(|u| {
                u.groups
                    .iter()
                    .filter_map(|g| acct.groups.get(g))
                    .map(|g| (g, group_arn(account, g)))
                    .collect()
            })
            .unwrap_or_default();
        Some(Changing {
            ix,
            world,
            actor,
            allows,
            subject,
            context,
            decide,
            user,
            role,
            kind,
            arn,
            account,
            acct,
            subject_name: subject.arn(world),
            groups,
        })
    }

    fn asker(&self) -> Asker<'a, 'w> {
        Asker::new(
            self.world,
            self.actor,
            self.allows,
            self.context,
            self.decide,
        )
    }

    /// The hop of a change, once its requests are asked (none when refused).
    #[allow(clippy::too_many_arguments)]
    fn push(
        &self,
        out: &mut Vec<PathHop>,
        asker: Asker<'_, '_>,
        step: &'static Step,
        target: &str,
        change: Change,
        data: ChangeData<'_>,
        words: String,
    ) {
        out.extend(change_hop(
            self.world,
            self.subject,
            asker,
            step,
            target,
            change,
            data,
            words,
        ));
    }

    /// attach-policy and put-inline-policy: on the subject, or a group it is in.
    fn policies_written(&self, out: &mut Vec<PathHop>) {
        for name in ["attach-policy", "put-inline-policy"] {
            let Some(step) = iamsim_catalog::escalation::step(name) else {
                continue;
            };
            let extra: &[(&str, &str)] = if name == "attach-policy" {
                &[("iam:PolicyARN", ADMIN_POLICY_ARN)]
            } else {
                &[]
            };
            let mut targets: Vec<(Target, &str, String)> =
                vec![(self.kind, self.arn, self.subject_name.clone())];
            for (g, garn) in &self.groups {
                targets.push((Target::Group, garn.as_str(), format!("group {}", g.name)));
            }
            for (t, target, what) in targets {
                let mut asker = self.asker();
                for n in step.needs_for(t) {
                    asker.ask(n.any_of, target, extra);
                }
                let words = format!("{name}: a policy of its writing on {what}");
                self.push(
                    out,
                    asker,
                    step,
                    target,
                    Change::AnyPolicy,
                    ChangeData::None,
                    words,
                );
            }
        }
    }

    /// The customer managed policies attached to the subject (its own, its groups', its
    /// role's): a new version of its writing (create-policy-version), another stored version in
    /// force (set-default-policy-version).
    fn policy_versions(&self, out: &mut Vec<PathHop>) {
        let mut attached: Vec<&PolicyHandle> = Vec::new();
        if let Some(u) = self.user {
            attached.extend(u.policies.iter());
            for (g, _) in &self.groups {
                attached.extend(g.policies.iter());
            }
        } else if let Some(r) = self.role {
            attached.extend(r.policies.iter());
        }
        for p in attached {
            let Some((pacct, pname)) = self.ix.managed.get(&(Arc::as_ptr(p) as usize)) else {
                continue;
            };
            let parn = format!("arn:aws:iam::{pacct}:policy/{pname}");
            let versions = self
                .world
                .account(pacct)
                .and_then(|a| a.policy_versions.get(*pname));
            if let Some(step) = iamsim_catalog::escalation::step("create-policy-version") {
                let mut asker = self.asker();
                for n in step.needs_for(Target::Policy) {
                    asker.ask(n.any_of, &parn, &[]);
                }
                // A policy written without versions has one, its document.
                let stored = versions.map_or(1, |v| v.versions.len());
                if step.precondition == Precondition::FewerThanFiveVersions
                    && stored >= iamsim_world::MAX_POLICY_VERSIONS
                {
                    for n in step.otherwise {
                        asker.ask(n.any_of, &parn, &[]);
                    }
                }
                let words = format!(
                    "create-policy-version: a version of its writing of policy {pname}, attached to {}",
                    self.subject_name
                );
                self.push(
                    out,
                    asker,
                    step,
                    &parn,
                    Change::AnyPolicy,
                    ChangeData::None,
                    words,
                );
            }
            let (Some(step), Some(v)) = (
                iamsim_catalog::escalation::step("set-default-policy-version"),
                versions,
            ) else {
                continue;
            };
            for (id, doc) in &v.versions {
                if *id == v.default || Arc::ptr_eq(doc, p) {
                    continue;
                }
                let mut asker = self.asker();
                for n in step.needs_for(Target::Policy) {
                    asker.ask(n.any_of, &parn, &[]);
                }
                let words = format!(
                    "set-default-policy-version: version {id} of policy {pname} in force for {}",
                    self.subject_name
                );
                self.push(
                    out,
                    asker,
                    step,
                    &parn,
                    Change::PolicyVersion {
                        policy: (*pname).to_string(),
                        version: id.clone(),
                    },
                    ChangeData::Replace { from: p, to: doc },
                    words,
                );
            }
        }
    }

    /// add-user-to-group: a user joins a group of its account.
    fn groups_joined(&self, out: &mut Vec<PathHop>) {
        let (Some(u), Some(step)) = (
            self.user,
            iamsim_catalog::escalation::step("add-user-to-group"),
        ) else {
            return;
        };
        for g in self.acct.groups.values() {
            if u.groups.contains(&g.name) || g.policies.is_empty() {
                continue;
            }
            let garn = group_arn(self.account, g);
            let mut asker = self.asker();
            for n in step.needs_for(Target::Group) {
                asker.ask(n.any_of, &garn, &[]);
            }
            let words = format!(
                "add-user-to-group: {} into group {}",
                self.subject_name, g.name
            );
            self.push(
                out,
                asker,
                step,
                &garn,
                Change::Group(g.name.clone()),
                ChangeData::None,
                words,
            );
        }
    }

    /// remove-boundary.
    fn boundary_removed(&self, out: &mut Vec<PathHop>) {
        let has_boundary = self
            .user
            .map_or(self.role.is_some_and(|r| r.boundary.is_some()), |u| {
                u.boundary.is_some()
            });
        let (true, Some(step)) = (
            has_boundary,
            iamsim_catalog::escalation::step("remove-boundary"),
        ) else {
            return;
        };
        let mut asker = self.asker();
        for n in step.needs_for(self.kind) {
            asker.ask(n.any_of, self.arn, &[]);
        }
        let words = format!(
            "remove-boundary: {} without its permissions boundary",
            self.subject_name
        );
        self.push(
            out,
            asker,
            step,
            self.arn,
            Change::NoBoundary,
            ChangeData::None,
            words,
        );
    }

    /// remove-deny: a policy holding a Deny, detached or deleted, or the group holding it left.
    fn denies_removed(&self, out: &mut Vec<PathHop>) {
        let Some(step) = iamsim_catalog::escalation::step("remove-deny") else {
            return;
        };
        let own: Vec<&PolicyHandle> = match (self.user, self.role) {
            (Some(u), _) => u.policies.iter().collect(),
            (None, Some(r)) => r.policies.iter().collect(),
            _ => Vec::new(),
        };
        for p in own.into_iter().filter(|p| holds_deny(p)) {
            let mut asker = self.asker();
            for n in step.needs_for(self.kind) {
                let actions: Vec<&str> = n
                    .any_of
                    .iter()
                    .copied()
                    .filter(|a| *a != "iam:RemoveUserFromGroup")
                    .collect();
                asker.ask(&actions, self.arn, &[]);
            }
            let words = format!("remove-deny: policy {} off {}", p.name, self.subject_name);
            self.push(
                out,
                asker,
                step,
                self.arn,
                Change::WithoutPolicy(p.name.clone()),
                ChangeData::Remove(p),
                words,
            );
        }
        for (g, garn) in &self.groups {
            if g.policies.iter().any(holds_deny) {
                self.group_denies_removed(out, step, g, garn);
            }
        }
    }

    /// remove-deny on a group of the subject holding a Deny: leaving it, or a policy of it
    /// detached or deleted.
    fn group_denies_removed(
        &self,
        out: &mut Vec<PathHop>,
        step: &'static Step,
        g: &Group,
        garn: &str,
    ) {
        let mut asker = self.asker();
        asker.ask(&["iam:RemoveUserFromGroup"], garn, &[]);
        let words = format!("remove-deny: {} out of group {}", self.subject_name, g.name);
        self.push(
            out,
            asker,
            step,
            garn,
            Change::WithoutGroup(g.name.clone()),
            ChangeData::None,
            words,
        );
        for p in g.policies.iter().filter(|p| holds_deny(p)) {
            let mut asker = self.asker();
            for n in step.needs_for(Target::Group) {
                asker.ask(n.any_of, garn, &[]);
            }
            let words = format!("remove-deny: policy {} off group {}", p.name, g.name);
            self.push(
                out,
                asker,
                step,
                garn,
                Change::WithoutPolicy(p.name.clone()),
                ChangeData::Remove(p),
                words,
            );
        }
    }

    /// add-mfa-device: a user enables an MFA device of its own.
    fn mfa_enabled(&self, out: &mut Vec<PathHop>) {
        let (Some(_), Some(step)) = (
            self.user,
            iamsim_catalog::escalation::step("add-mfa-device"),
        ) else {
            return;
        };
        let mut asker = self.asker();
        for n in step.needs_for(Target::User) {
            match n.on {
                On::New(pattern) => asker.ask_new(n.any_of, pattern, self.arn),
                _ => asker.ask(n.any_of, self.arn, &[]),
            }
        }
        let words = format!(
            "add-mfa-device: {} signs in with an MFA device",
            self.subject_name
        );
        self.push(
            out,
            asker,
            step,
            self.arn,
            Change::Mfa,
            ChangeData::None,
            words,
        );
    }
}

fn group_arn(account: &str, g: &Group) -> String {
    format!("arn:aws:iam::{account}:group{}{}", g.path, g.name)
}

fn holds_deny(p: &PolicyHandle) -> bool {
    p.policy
        .statements
        .iter()
        .any(|s| s.effect.value == Effect::Deny)
}

#[cfg(test)]
mod tests {
    use crate::request::Caller;
    use crate::PathSearch;

    fn allow(actions: &str) -> String {
        format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":{actions},"Resource":"*"}}]}}"#
        )
    }

    /// The kinds of change `caller` may make to user `u` before signing in as it.
    fn changes_of_u(world: &iamsim_world::World, caller: &Caller) -> Vec<&'static str> {
        let paths = PathSearch::new(world);
        let mut kinds: Vec<&'static str> = paths
            .hops_from(caller, &Default::default())
            .into_iter()
            .filter(|g| g.len() == 2 && g[1].target.ends_with(":user/u"))
            .map(|g| g[0].kind)
            .collect();
        kinds.sort_unstable();
        kinds.dedup();
        kinds
    }

    /// An actor that may write `u` a policy of its own is not also sent through every group `u`
    /// could join (a written policy allows what any group's does, with no Deny); one that may
    /// only add `u` to a group still is. The root user, allowed everything in its account
    /// (4.3), is the first kind.
    #[test]
    fn a_written_policy_makes_joining_groups_needless() {
        let a = "111111111111";
        let groups: Vec<String> = (0..5)
            .map(|i| {
                format!(
                    r#""g{i}": {{"policies": [{}]}}"#,
                    allow(r#""s3:GetObject""#)
                )
            })
            .collect();
        let world = crate::test_world::test_world(&format!(
            r#"{{"accounts": {{"{a}": {{
                "users": {{
                    "u": {{"access_keys": ["AKIAEXAMPLEUSERU0001"]}},
                    "admin": {{"policies": [{}]}},
                    "grouper": {{"policies": [{}]}}
                }},
                "groups": {{{}}}
            }}}}}}"#,
            allow(r#"["iam:AttachUserPolicy", "iam:AddUserToGroup", "iam:CreateAccessKey"]"#),
            allow(r#"["iam:AddUserToGroup", "iam:CreateAccessKey"]"#),
            groups.join(", "),
        ));
        let user = |name: &str| Caller::User {
            account: a.into(),
            name: name.into(),
            altered: None,
        };
        let root = Caller::Root { account: a.into() };
        for caller in [user("admin"), root] {
            let kinds = changes_of_u(&world, &caller);
            assert!(kinds.contains(&"attach-policy"), "{caller:?}: {kinds:?}");
            assert!(
                !kinds.contains(&"add-user-to-group"),
                "{caller:?}: {kinds:?}"
            );
        }
        let kinds = changes_of_u(&world, &user("grouper"));
        assert_eq!(kinds, vec!["add-user-to-group"]);
    }
}
