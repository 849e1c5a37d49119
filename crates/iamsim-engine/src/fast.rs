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
    add_resource_context, decision_of, early, for_each_identity_policy, foreign_bucket_policy_op,
    grants, is_resource_key, scope, Early, PolicyKind, Scope, Tally, Target,
};
use crate::explain::Decision;
use crate::index::{ActionKey, MAX_ACTION};
use crate::request::{AssumeRoleParams, Caller};
use crate::s3;
use crate::statement::{match_statement, PrincipalMatch, RequestView};
use crate::world::{LoadedPolicy, OrgLevel, World};
use crate::HopRequest;
use iamsim_policy::arn::parse_arn;
use iamsim_policy::{Context, ContextLookup, ContextValue, Effect, RequestResource, Truth};
use std::cell::OnceCell;

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
    for_each_identity_policy(world, req.caller, &mut |p, kind, _| {
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
    });
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
    fn statements<'p>(
        &self,
        p: &'p LoadedPolicy,
    ) -> impl Iterator<Item = &'p iamsim_policy::Statement> + 'p {
        let statements = &p.policy.statements;
        p.index()
            .candidates(self.key)
            .into_iter()
            .flatten()
            .filter_map(move |&i| statements.get(i as usize))
    }

    fn policy(&self, p: &LoadedPolicy) -> PolicyResult {
        let mut r = PolicyResult {
            deny: Truth::False,
            allow: Truth::False,
        };
        for s in self.statements(p) {
            let effect = s.effect.value;
            // Once an Allow holds, further Allows change nothing; Denies still count.
            if effect == Effect::Allow && r.allow == Truth::True {
                continue;
            }
            let applies = match_statement(s, self.view).applies;
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
        for s in self.statements(p) {
            let m = match_statement(s, self.view);
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
