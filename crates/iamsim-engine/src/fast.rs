//! The decision-only path: the same decision as [`crate::evaluate_hop`] (a property test and every
//! fixture request check that they agree), without the explanation.
//!
//! It shares the decision rules with the explained path (`eval::scope`, `eval::grants`,
//! `statement::match_statement`) and differs only in how it gets there:
//! - statements are found through each policy's index by action ([`crate::index`]) instead of
//!   matching every statement;
//! - the request ARN is split once, not once per Resource pattern;
//! - the request context is not built: the keys AWS derives from the caller, the resource and
//!   the AssumeRole call are computed only when a condition or policy variable asks for one
//!   ([`HopContext`]);
//! - no names, reasons or notes are written.
//!
//! On a request without conditions on derived keys it allocates nothing.

use crate::eval::{
    add_resource_context, decision_of, early, for_each_caller_policy, foreign_bucket_policy_op,
    grants, is_resource_key, scope, Early, Entity, PolicyKind, Scope, Tally, Target,
};
use crate::explain::Decision;
use crate::index::{ActionKey, IdentityIndex, MAX_ACTION, NAMED};
use crate::request::{AssumeRoleParams, Caller};
use crate::s3;
use crate::statement::{
    match_statement, match_statement_with, PrincipalMatch, RequestView, StatementMatch,
};
use crate::world::{LoadedPolicy, OrgLevel, PolicyHandle, World};
use crate::HopRequest;
use iamsim_policy::arn::parse_arn;
use iamsim_policy::{
    Context, ContextLookup, ContextValue, Effect, RequestResource, Statement, Truth,
};
use std::cell::OnceCell;
use std::sync::Arc;

/// The decision of one hop without its explanation. It always equals
/// `evaluate_hop(world, req).decision`.
pub fn decide_only(world: &World, req: &HopRequest<'_>) -> Decision {
    match early(req) {
        Some(Early::CallerIdentity) => return Decision::Allow,
        Some(Early::RootAssume) => return Decision::ImplicitDeny,
        None => {}
    }
    let mut buf = [0u8; MAX_ACTION];
    let key = ActionKey::new(&req.action.text, &mut buf);
    // The service prefix as `Action::service` gives it, without allocating when the action is
    // well formed.
    let owned_service;
    let service: &str = match &key {
        Some(k) => k.service,
        None => {
            owned_service = req.action.service();
            &owned_service
        }
    };
    let arn = if req.resource == "*" {
        None
    } else {
        parse_arn(req.resource).ok()
    };
    let scope = scope(world, req, arn.as_ref(), service);
    if let Target::MissingRole = scope.target {
        return Decision::ImplicitDeny;
    }
    let ctx = HopContext {
        world,
        caller: req.caller,
        user: req.context,
        assume: req.assume,
        scope: &scope,
        caller_keys: OnceCell::new(),
        resource_keys: OnceCell::new(),
        assume_keys: OnceCell::new(),
    };
    let view = RequestView {
        world,
        caller: req.caller,
        // Only explanations name the caller.
        caller_arn: "",
        action: &req.action.text,
        resource_text: req.resource,
        resource: if req.resource == "*" {
            RequestResource::Wildcard { service }
        } else {
            RequestResource::Arn(req.resource)
        },
        resource_arn: arn.as_ref(),
        context: &ctx,
        open: None,
        quiet: true,
    };
    let eval = Eval {
        view: &view,
        key: key.as_ref(),
    };

    // 4.5: an explicit deny anywhere wins; the caller's own policies first.
    let mut deny = Truth::False;
    let mut identity = Truth::False;
    let mut boundary: Option<Truth> = None;
    let mut session: Option<Truth> = None;
    // A principal with many identity policies has them merged into one index (cached in the
    // world), used only while its policies are still exactly those it was built from.
    let merged = identity_index(world, scope.entity)
        .filter(|m| same_identity_policies(world, scope.entity, &m.policies));
    if let Some(m) = &merged {
        let r = eval.fold(m.candidates(key.as_ref()));
        deny = deny.or(r.deny);
        identity = identity.or(r.allow);
    }
    for_each_caller_policy(
        world,
        req.caller,
        scope.entity,
        merged.is_none(),
        &mut |p, kind, _| {
            let r = eval.policy(p);
            deny = deny.or(r.deny);
            let slot = match kind {
                PolicyKind::Identity => {
                    identity = identity.or(r.allow);
                    return;
                }
                PolicyKind::Boundary => &mut boundary,
                _ => &mut session,
            };
            *slot = Some(slot.unwrap_or(Truth::False).or(r.allow));
        },
    );
    let scp_gate = eval.gate(scope.scp_levels, |l| &l.scps, &mut deny);
    let rcp_levels_gate = eval.gate(scope.rcp_levels, |l| &l.rcps, &mut deny);
    let public_blocked = match &scope.target {
        Target::Bucket(b) => s3::restrict_public_buckets(world, b),
        _ => false,
    };
    let resource = scope
        .resource_policy
        .map(|(p, _)| eval.resource_policy(p, public_blocked));
    if let Some(r) = &resource {
        if !scope.lockout_exempt {
            deny = deny.or(r.deny);
        }
    }
    if deny.may_be_true() {
        return Decision::ExplicitDeny;
    }
    if foreign_bucket_policy_op(req, &scope).is_some() {
        return Decision::ImplicitDeny;
    }
    let rcp_gate = if scope.owner.is_none()
        && scope.rcp_supported
        && !matches!(scope.target, Target::Wildcard)
    {
        Truth::Unknown
    } else {
        rcp_levels_gate
    };
    let tally = Tally {
        identity,
        boundary,
        session,
        scp_gate,
        rcp_gate,
    };
    let rp_of = |non_public_only: bool| {
        resource.as_ref().map_or(PrincipalMatch::NONE, |r| {
            if non_public_only {
                r.non_public
            } else {
                r.all
            }
        })
    };
    let g = grants(
        world,
        req,
        &scope,
        service,
        &tally,
        resource
            .as_ref()
            .map(|_| &rp_of as &dyn Fn(bool) -> PrincipalMatch),
        None,
    );
    decision_of(g.result)
}

/// The statements of one policy listed by its index: a plain cursor over the index's lists
/// (iterator adapters cost more than the matching on this path).
struct Candidates<'p> {
    statements: &'p [Statement],
    lists: [&'p [u32]; 4],
    list: usize,
    at: usize,
}

impl<'p> Iterator for Candidates<'p> {
    type Item = (&'p Statement, bool);

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let list = self.lists.get(self.list)?;
            match list.get(self.at) {
                Some(&i) => {
                    self.at += 1;
                    if let Some(s) = self.statements.get(i as usize) {
                        return Some((s, self.list == NAMED));
                    }
                }
                None => {
                    self.list += 1;
                    self.at = 0;
                }
            }
        }
    }
}

/// What one policy says about the request.
struct PolicyResult {
    deny: Truth,
    allow: Truth,
}

/// What the resource-based policy says: its Deny, and its Allow grants by principal kind.
struct ResourceResult {
    deny: Truth,
    all: PrincipalMatch,
    /// Counting only statements that are not public (7.10); computed when Block Public Access
    /// may need it.
    non_public: PrincipalMatch,
}

struct Eval<'v, 'a> {
    view: &'v RequestView<'a>,
    key: Option<&'v ActionKey<'v>>,
}

impl Eval<'_, '_> {
    /// The candidate statements of a policy, each with whether it names the action literally.
    fn statements<'p>(&self, p: &'p LoadedPolicy) -> Candidates<'p> {
        Candidates {
            statements: &p.policy.statements,
            lists: p.index().candidates(self.key),
            list: 0,
            at: 0,
        }
    }

    /// `match_statement`, skipping the Action match for a statement the index found under the
    /// action's literal name (its Action matches).
    fn matched(&self, s: &Statement, named: bool) -> StatementMatch {
        if named {
            match_statement_with(s, self.view, Truth::True)
        } else {
            match_statement(s, self.view)
        }
    }

    fn policy(&self, p: &LoadedPolicy) -> PolicyResult {
        self.fold(self.statements(p))
    }

    /// Deny and Allow over statements of policies of one kind.
    fn fold<'s>(&self, statements: impl Iterator<Item = (&'s Statement, bool)>) -> PolicyResult {
        let mut r = PolicyResult {
            deny: Truth::False,
            allow: Truth::False,
        };
        for (s, named) in statements {
            let effect = s.effect.value;
            // Once an Allow holds, further Allows change nothing; Denies still count.
            if effect == Effect::Allow && r.allow == Truth::True {
                continue;
            }
            let applies = self.matched(s, named).applies;
            match effect {
                Effect::Allow => r.allow = r.allow.or(applies),
                Effect::Deny => r.deny = r.deny.or(applies),
            }
        }
        r
    }

    fn resource_policy(&self, p: &LoadedPolicy, public_blocked: bool) -> ResourceResult {
        let mut r = ResourceResult {
            deny: Truth::False,
            all: PrincipalMatch::NONE,
            non_public: PrincipalMatch::NONE,
        };
        let or = |k: &mut PrincipalMatch, m: PrincipalMatch| {
            k.direct = k.direct.or(m.direct);
            k.entity = k.entity.or(m.entity);
            k.account = k.account.or(m.account);
        };
        for (s, named) in self.statements(p) {
            let m = self.matched(s, named);
            match s.effect.value {
                Effect::Deny => r.deny = r.deny.or(m.applies),
                Effect::Allow => {
                    or(&mut r.all, m.by_kind);
                    if public_blocked && !s3::statement_is_public(s) {
                        or(&mut r.non_public, m.by_kind);
                    }
                }
            }
        }
        r
    }

    /// AND over levels of (OR over the level's policies' Allows), `True` when no levels apply;
    /// the levels' Denies are OR-ed into `deny`.
    fn gate(
        &self,
        levels: Option<&[OrgLevel]>,
        policies: impl Fn(&OrgLevel) -> &[crate::world::PolicyHandle],
        deny: &mut Truth,
    ) -> Truth {
        let Some(levels) = levels else {
            return Truth::True;
        };
        let mut gate = Truth::True;
        for level in levels {
            let mut allows = Truth::False;
            for p in policies(level) {
                let r = self.policy(p);
                *deny = deny.or(r.deny);
                allows = allows.or(r.allow);
            }
            gate = gate.and(allows);
        }
        gate
    }
}

/// The request context the explained path builds (caller keys, then resource keys, then the
/// AssumeRole call's keys, then the user's values on top), looked up layer by layer from the
/// top, each derived layer built the first time a key it may hold is asked for.
struct HopContext<'a> {
    world: &'a World,
    caller: &'a Caller,
    user: &'a Context,
    assume: Option<&'a AssumeRoleParams>,
    scope: &'a Scope<'a>,
    caller_keys: OnceCell<Context>,
    resource_keys: OnceCell<Context>,
    assume_keys: OnceCell<Context>,
}

impl ContextLookup for HopContext<'_> {
    fn get(&self, key: &str) -> Option<&ContextValue> {
        if let Some(v) = self.user.get(key) {
            return Some(v);
        }
        if let Some(params) = self.assume {
            if AssumeRoleParams::may_set(key) {
                let layer = self.assume_keys.get_or_init(|| {
                    let mut c = Context::new();
                    params.add_context(&mut c);
                    c
                });
                if let Some(v) = layer.get(key) {
                    return Some(v);
                }
            }
        }
        if is_resource_key(key) {
            let layer = self.resource_keys.get_or_init(|| {
                let mut c = Context::new();
                add_resource_context(self.world, self.scope, &mut c);
                c
            });
            if let Some(v) = layer.get(key) {
                return Some(v);
            }
        }
        if Caller::may_derive(key) {
            let layer = self.caller_keys.get_or_init(|| {
                let mut c = Context::new();
                self.caller.derive_context(self.world, &mut c);
                c
            });
            return layer.get(key);
        }
        None
    }
}

/// Principals with at least this many identity policies get a merged index: below it, looking up
/// each policy's own index costs less than the cache.
const MERGE_MIN: usize = 8;

/// The merged index of the caller's identity policies (users: their own and their groups';
/// role sessions: the role's), when there are many; built on first use and kept in the world
/// (`None` is kept too, so a principal's policies are counted once).
fn identity_index(world: &World, entity: Entity<'_>) -> Option<Arc<IdentityIndex>> {
    // Count first: most principals have a few policies, and need no cache look-up.
    let key = match entity {
        Entity::User(user) => {
            let groups: usize = if user.groups.is_empty() {
                0
            } else {
                let account = world.account(&user.account);
                user.groups
                    .iter()
                    .filter_map(|g| account.and_then(|a| a.groups.get(g)))
                    .map(|g| g.policies.len())
                    .sum()
            };
            if user.policies.len() + groups < MERGE_MIN {
                return None;
            }
            std::ptr::from_ref(user) as usize
        }
        Entity::Role(role) => {
            if role.policies.len() < MERGE_MIN {
                return None;
            }
            std::ptr::from_ref(role) as usize
        }
        Entity::None => return None,
    };
    // A poisoned lock only means another thread panicked while inserting: skip the cache.
    if let Some(hit) = world
        .identity_indexes
        .read()
        .ok()
        .and_then(|m| m.get(&key).cloned())
    {
        return hit;
    }
    let mut policies: Vec<PolicyHandle> = Vec::new();
    let mut push = |p: &PolicyHandle| policies.push(Arc::clone(p));
    each_identity_policy(world, entity, &mut |p| {
        push(p);
        true
    });
    let built = (policies.len() >= MERGE_MIN).then(|| Arc::new(IdentityIndex::new(policies)));
    if let Ok(mut m) = world.identity_indexes.write() {
        m.insert(key, built.clone());
    }
    built
}

/// Whether the caller's identity policies are exactly `list`, in the order
/// [`for_each_identity_policy`] gives them (a cached index is stale otherwise).
fn same_identity_policies(world: &World, entity: Entity<'_>, list: &[PolicyHandle]) -> bool {
    let mut expected = list.iter();
    let all_same = each_identity_policy(world, entity, &mut |p| {
        expected.next().is_some_and(|h| Arc::ptr_eq(h, p))
    });
    all_same && expected.next().is_none()
}

/// The `Identity` policies of [`for_each_identity_policy`], in its order, until `f` says stop;
/// false if it did.
fn each_identity_policy(
    world: &World,
    entity: Entity<'_>,
    f: &mut dyn FnMut(&PolicyHandle) -> bool,
) -> bool {
    match entity {
        Entity::User(user) => {
            let account = world.account(&user.account);
            let groups = user
                .groups
                .iter()
                .filter_map(|g| account.and_then(|a| a.groups.get(g)))
                .flat_map(|g| g.policies.iter());
            user.policies.iter().chain(groups).all(f)
        }
        Entity::Role(role) => role.policies.iter().all(f),
        Entity::None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::Action;

    /// The decision-only context looks resource keys up only where `is_resource_key` says they
    /// may be: every key `add_resource_context` writes must pass it.
    #[test]
    fn every_resource_key_passes_its_filter() {
        let trust = crate::world::TEST_TRUST_A;
        let world = crate::world::test_world(&format!(
            r#"{{"accounts": {{"111111111111": {{
                "roles": {{"R": {{"trust": {trust}, "tags": {{"team": "blue", "Env": "prod"}}}}}},
                "buckets": {{"b": {{"tags": {{"k": "v"}}}}}}}}}},
              "organization": {{"id": "o-test", "root": {{"accounts": ["111111111111"]}}}}}}"#
        ));
        let caller = Caller::Root {
            account: "111111111111".into(),
        };
        let action = Action::parse("sts:AssumeRole").unwrap();
        let context = Context::new();
        for resource in ["arn:aws:iam::111111111111:role/R", "arn:aws:s3:::b/k"] {
            let req = HopRequest {
                caller: &caller,
                action: &action,
                resource,
                context: &context,
                assume: None,
            };
            let arn = parse_arn(resource).ok();
            let scope = scope(&world, &req, arn.as_ref(), "sts");
            let mut ctx = Context::new();
            add_resource_context(&world, &scope, &mut ctx);
            assert!(ctx.iter().count() >= 3, "{resource}");
            for (k, _) in ctx.iter() {
                assert!(is_resource_key(k), "{k}");
                assert!(
                    !Caller::may_derive(k) && !AssumeRoleParams::may_set(k),
                    "{k}"
                );
            }
        }
    }

    /// A principal's merged index is not used once its policies change: the decision follows the
    /// world as it is.
    #[test]
    fn a_changed_world_does_not_use_a_stale_merged_index() {
        let allow = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#;
        let other = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:RunInstances","Resource":"*"}]}"#;
        let mut list = vec![allow];
        list.extend([other; 9]);
        let mut world = crate::world::test_world(&format!(
            r#"{{"accounts": {{"111111111111": {{"users": {{"alice": {{"policies": [{}]}}}}, "buckets": {{"b": {{}}}}}}}}}}"#,
            list.join(",")
        ));
        let caller = Caller::parse(&world, "arn:aws:iam::111111111111:user/alice").unwrap();
        let action = Action::parse("s3:GetObject").unwrap();
        let context = Context::new();
        let decide = |w: &World| {
            let req = HopRequest {
                caller: &caller,
                action: &action,
                resource: "arn:aws:s3:::b/k",
                context: &context,
                assume: None,
            };
            (decide_only(w, &req), crate::evaluate_hop(w, &req).decision)
        };
        assert_eq!(decide(&world), (Decision::Allow, Decision::Allow));
        assert_eq!(world.identity_indexes.read().unwrap().len(), 1);
        // Drop the one policy that allows it.
        let user = world
            .accounts
            .get_mut("111111111111")
            .unwrap()
            .users
            .get_mut("alice")
            .unwrap();
        user.policies.remove(0);
        assert_eq!(
            decide(&world),
            (Decision::ImplicitDeny, Decision::ImplicitDeny)
        );
    }
}
