//! The update-trust step (docs/rules.md 10.4): a caller allowed `iam:UpdateAssumeRolePolicy` on
//! a role of its account rewrites the role's trust policy to name itself, then assumes the role.
//!
//! Two hops: the rewrite, which changes the caller ([`Change::Trust`]: its AssumeRole requests
//! on that role are decided against the trust policy of its writing, naming its own ARN and no
//! one else), and the AssumeRole, decided by the one evaluator like any other: the same-account
//! rules of a trust policy naming the caller (4.12, 6.4), its permissions boundary, its
//! account's SCPs and every explicit deny still apply.
//!
//! A service-linked role's trust policy cannot be changed (IAM refuses the request): it is never
//! a target.

use crate::escalation_alter::{alter, Change, ChangeData};
use crate::escalation_hops::{
    assume_hop, settle, Asker, Decider, IdentityAllows, PathHop, PathIndex,
};
use crate::explain::Decision;
use crate::request::Caller;
use iamsim_catalog::escalation::Target;
use iamsim_policy::Context;

/// Every update-trust step `caller` may take: for each role of its account it may rewrite the
/// trust of, the rewrite and the AssumeRole that follows it. Roles in `assumable` (those the
/// caller may assume as they are, allowed) are left out.
pub(crate) fn update_trust(
    ix: &PathIndex<'_>,
    caller: &Caller,
    allows: &IdentityAllows<'_>,
    context: &Context,
    decide: Decider<'_>,
    assumable: &std::collections::HashSet<&str>,
) -> Vec<Vec<PathHop>> {
    let mut out = Vec::new();
    let world = ix.world;
    let Some(step) = iamsim_catalog::escalation::step("update-trust") else {
        return out;
    };
    if !matches!(caller, Caller::User { .. } | Caller::Session(_))
        || !step.needs.iter().all(|n| allows.may(n.any_of))
    {
        return out;
    }
    let Some(account) = caller.account().and_then(|a| world.account(a)) else {
        return out;
    };
    let own = caller.role(world).map(|r| r.arn());
    for role in account.roles.values() {
        if Some(role.arn()) == own || role.is_service_linked() || assumable.contains(role.arn()) {
            continue;
        }
        let mut asker = Asker::new(world, caller, allows, context, decide);
        for n in step.needs_for(Target::Role) {
            asker.ask(n.any_of, role.arn(), &[]);
        }
        let d = settle(&asker, &None);
        if !matches!(d, Decision::Allow | Decision::Indeterminate) {
            continue;
        }
        let Some(trusted) = alter(
            world,
            caller,
            Change::Trust(role.arn().to_string()),
            ChangeData::None,
        ) else {
            continue;
        };
        let Some(assume) = assume_hop(world, &trusted, role, context, decide) else {
            continue;
        };
        let rewrite = PathHop {
            kind: step.name,
            target: role.arn().to_string(),
            requests: asker.requests,
            decision: d,
            unknown: None,
            to: trusted,
            words: format!(
                "update-trust: the trust policy of role {} rewritten to trust {}",
                role.name(),
                caller.arn(world)
            ),
            dead_end: false,
        };
        out.push(vec![rewrite, assume]);
    }
    out
}
