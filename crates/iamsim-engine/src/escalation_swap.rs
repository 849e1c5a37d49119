//! The instance-profile-swap step (docs/rules.md 10.4): a caller allowed to change the role an
//! existing instance profile of its account holds puts a role trusting EC2 into it and launches
//! an instance with the profile, whose code reads the role's credentials.
//!
//! The requests are the catalog's ([`iamsim_catalog::escalation`]): `iam:AddRoleToInstanceProfile`
//! on the instance profile (its resource type in the Service Authorization Reference), the role
//! passed to EC2 (`iam:PassRole` with `iam:PassedToService`), and the launch; a profile that
//! already holds a role (it holds at most one) needs `iam:RemoveRoleFromInstanceProfile` on the
//! profile first.

use crate::escalation_hops::{
    ask_need, settle, Asker, Decider, IdentityAllows, PathHop, PathIndex,
};
use crate::explain::Decision;
use crate::request::{Caller, Session, DEFAULT_SESSION_NAME};
use iamsim_catalog::escalation::{Precondition, Target};
use iamsim_policy::{Context, Truth};
use iamsim_world::Account;

/// The swaps `caller` may make: each instance profile of its account with each role of the
/// account that EC2 may assume and the profile does not hold yet.
pub(crate) fn profile_swap_moves(
    ix: &PathIndex<'_>,
    caller: &Caller,
    allows: &IdentityAllows<'_>,
    account: &Account,
    context: &Context,
    decide: Decider<'_>,
    out: &mut Vec<PathHop>,
) {
    let world = ix.world;
    let Some(step) = iamsim_catalog::escalation::step("instance-profile-swap") else {
        return;
    };
    let Some(service) = step.service else { return };
    if account.instance_profiles.is_empty()
        || !step
            .needs_for(Target::InstanceProfile)
            .all(|n| allows.may(n.any_of))
    {
        return;
    }
    let own_role = caller.role(world).map(|r| r.arn());
    let shared = crate::escalation_hops::NewAsks::default();
    for profile in account.instance_profiles.values() {
        for (role, trust) in ix.service_roles(service, &account.id) {
            if Some(role.arn()) == own_role || profile.roles.iter().any(|r| r == role.name()) {
                continue;
            }
            let mut asker = Asker::new(world, caller, allows, context, decide).sharing(&shared);
            if step.precondition == Precondition::EmptyInstanceProfile && !profile.roles.is_empty()
            {
                for n in step.otherwise {
                    ask_need(&mut asker, n, &profile.arn, role.arn(), Some(service));
                }
            }
            for n in step.needs_for(Target::InstanceProfile) {
                ask_need(&mut asker, n, &profile.arn, role.arn(), Some(service));
            }
            let unknown = (*trust == Truth::Unknown).then(|| {
                format!(
                    "whether the trust policy of role {} lets {service} assume it: its statement for the service has a condition on the service's own request",
                    role.name()
                )
            });
            let d = settle(&asker, &unknown);
            if !matches!(d, Decision::Allow | Decision::Indeterminate) {
                continue;
            }
            out.push(PathHop {
                kind: step.name,
                target: profile.arn.clone(),
                requests: asker.requests,
                decision: d,
                unknown: unknown.filter(|_| !d.is_allow()),
                to: Caller::Session(Session::new(role, DEFAULT_SESSION_NAME)),
                words: format!(
                    "instance-profile-swap: role {} put into instance profile {}, which an instance the caller launches runs with",
                    role.name(), profile.name
                ),
                dead_end: false,
            });
        }
    }
}
