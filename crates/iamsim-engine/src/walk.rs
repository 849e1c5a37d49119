//! The decision procedure: one walk over the compiled statement index of every policy that
//! applies to a request (4.2), used for every answer the engine gives.
//!
//! - [`crate::evaluate_hop`] walks with an [`Explaining`] recorder: it keeps every candidate
//!   statement's match and writes the explanation (reasons, summary, notes);
//! - [`crate::decide_only`] walks with [`NoTrace`], whose methods do nothing and are compiled
//!   away: statements are found through each policy's index by action ([`crate::index`]), a
//!   policy's Allows stop being matched once one holds, and nothing is written;
//! - who-can's open conditions ([`crate::open_conditions`]) walk with either recorder and an
//!   assignment of the conditions on keys its question leaves open.
//!
//! The rules themselves live in one place each: which policies apply and what the request
//! touches (`eval::scope`), explicit deny (4.5, here), the organization gates (4.6, 4.7, here),
//! the grant rules (`eval::grants`), statement matching (`statement::match_statement`), the
//! request context and its precedence ([`HopContext`]).
//!
//! On a request without conditions on derived keys the decision-only walk allocates nothing.

use crate::eval::{
    add_resource_context, decision_of, early, for_each_caller_policy, foreign_bucket_policy_op,
    grants, is_resource_key, scope, Early, Entity, PolicyKind, Scope, Tally, Target, Who,
};
use crate::explain::{Decision, Explain};
use crate::open_conditions::{enumerate, OpenConditions, OpenKeys};
use crate::request::{AssumeRoleParams, Caller};
use crate::resource_set::SetReading;
use crate::statement::{
    match_statement, match_statement_with, PrincipalMatch, RequestView, StatementMatch,
};
use crate::HopRequest;
use iamsim_policy::arn::parse_arn;
use iamsim_policy::{
    Context, ContextLookup, ContextValue, Effect, RequestResource, Statement, Truth,
};
use iamsim_world::index::{ActionKey, IdentityIndex, MAX_ACTION, NAMED};
use iamsim_world::{LoadedPolicy, OrgLevel, PolicyHandle, World};
use std::cell::OnceCell;
use std::sync::Arc;

/// What a walk writes down besides the decision. The decision never depends on the recorder.
pub(crate) trait Recorder<'a> {
    /// Whether an explanation is wanted: every candidate statement is matched in full (no
    /// short-cut once an Allow holds) and each says why it did not apply.
    const EXPLAINS: bool;
    /// A policy that applies to the request; its statements' matches follow.
    fn policy(&mut self, policy: &'a LoadedPolicy, who: Who<'a>, kind: PolicyKind);
    /// The match of statement `index` of the last policy.
    fn statement(&mut self, index: usize, m: StatementMatch);
    /// A one-line reason for the decision.
    fn summary(&mut self, text: impl FnOnce() -> String);
    /// A one-line reason that comes before the others.
    fn summary_first(&mut self, text: impl FnOnce() -> String);
    /// Where the grant rules write their notes (`None`: not wanted).
    fn notes(&mut self) -> Option<&mut Vec<String>>;
    /// The grant rules' findings, when the decision came from them.
    fn grants(&mut self, decision: Decision, x: Explain<'_, 'a>);
    /// Decides a companion request ([`crate::companion`]) made with the service's `extra` keys;
    /// an explaining recorder keeps its explanation apart. `rule`: the rule that asks for it.
    fn companion(
        &mut self,
        world: &'a World,
        req: &HopRequest<'a>,
        extra: &Context,
        open: Option<&OpenConditions<'_>>,
        rule: &str,
    ) -> Decision {
        let _ = rule;
        walk_one(world, req, Some(extra), open, &mut NoTrace, None)
    }
}

/// Records nothing: the decision-only walk.
pub(crate) struct NoTrace;

impl<'a> Recorder<'a> for NoTrace {
    const EXPLAINS: bool = false;
    #[inline(always)]
    fn policy(&mut self, _: &'a LoadedPolicy, _: Who<'a>, _: PolicyKind) {}
    #[inline(always)]
    fn statement(&mut self, _: usize, _: StatementMatch) {}
    #[inline(always)]
    fn summary(&mut self, _: impl FnOnce() -> String) {}
    #[inline(always)]
    fn summary_first(&mut self, _: impl FnOnce() -> String) {}
    #[inline(always)]
    fn notes(&mut self) -> Option<&mut Vec<String>> {
        None
    }
    #[inline(always)]
    fn grants(&mut self, _: Decision, _: Explain<'_, 'a>) {}
}

/// The decision of one hop without its explanation. It always equals
/// `evaluate_hop(world, req).decision`: both are the one walk of this module, with the keys AWS
/// puts in every request open when the request does not give them (3.21a; the open-condition
/// answer of who-can).
pub fn decide_only(world: &World, req: &HopRequest<'_>) -> Decision {
    let Some(keys) = OpenKeys::for_request(req.context) else {
        return walk(world, req, None, &mut NoTrace);
    };
    let probe = OpenConditions::probe(&keys);
    let decision = walk(world, req, Some(&probe), &mut NoTrace);
    if probe.met_none() {
        return decision;
    }
    crate::open_conditions::decision_of(&enumerate(world, req, &keys, false).grant)
}

/// Decides one request (an AssumeRole hop or the final request of a chain), recording into
/// `rec`; `open` answers the conditions on keys a who-can question leaves open. A request that
/// also needs requests on a KMS key (an object of an SSE-KMS bucket, 13.13) is decided with
/// them ([`crate::companion`]).
pub(crate) fn walk<'a, R: Recorder<'a>>(
    world: &'a World,
    req: &HopRequest<'a>,
    open: Option<&OpenConditions<'_>>,
    rec: &mut R,
) -> Decision {
    // 13.11: an alias stands for its key.
    let resolved = crate::kms::resolve_alias(world, req);
    if let Some(r) = &resolved {
        if let Some(n) = rec.notes() {
            n.push(format!("`{}` is an alias of {}: the request is decided on the key, and policies about the alias ARN do not govern it (13.11)", req.resource, r.resource));
        }
    }
    // `kms:RequestAlias`: the alias the request named (13.11).
    let alias = resolved
        .as_ref()
        .and_then(|_| iamsim_world::kms_world::split_alias_arn(req.resource))
        .map(|(_, _, a)| a.to_string());
    let req = resolved.as_ref().unwrap_or(req);
    let mut own = crate::companion::own_context(world, req);
    if let Some(a) = alias {
        own.get_or_insert_with(Context::new)
            .set("kms:RequestAlias", a);
    }
    let decision = if names_a_set(req.resource) {
        walk_set(world, req, own.as_ref(), open, rec)
    } else {
        walk_one(world, req, own.as_ref(), open, rec, None)
    };
    crate::companion::with_companions(world, req, decision, open, rec)
}

/// formats.md 6: a requested resource whose resource part holds `*` or `?` names the set of
/// resources it matches. Decided twice ([`crate::resource_set`]): `allow` when every member
/// is; `explicit-deny` when a Deny covers every member; `implicit-deny` when no member is
/// allowed; otherwise `indeterminate`, explained with a member that is refused.
fn walk_set<'a, R: Recorder<'a>>(
    world: &'a World,
    req: &HopRequest<'a>,
    extra: Option<&Context>,
    open: Option<&OpenConditions<'_>>,
    rec: &mut R,
) -> Decision {
    let members = std::cell::RefCell::new(Vec::new());
    let some = walk_one(
        world,
        req,
        extra,
        open,
        &mut NoTrace,
        Some((SetReading::Some, &members)),
    );
    let every = walk_one(
        world,
        req,
        extra,
        open,
        rec,
        Some((SetReading::Every, &members)),
    );
    let decision = match (every, some) {
        (Decision::Allow, _) => Decision::Allow,
        (_, Decision::ExplicitDeny) => Decision::ExplicitDeny,
        (_, Decision::ImplicitDeny) => Decision::ImplicitDeny,
        _ => Decision::Indeterminate,
    };
    if R::EXPLAINS {
        let why = match decision {
            Decision::Allow => "the request names a set of resources (`*` or `?` in its resource part): every Allow that counts covers the whole set, and no Deny touches it (2.7a)".to_string(),
            Decision::ExplicitDeny => "the request names a set of resources (`*` or `?` in its resource part): a Deny covers every one of them (2.7a)".to_string(),
            Decision::ImplicitDeny => "the request names a set of resources (`*` or `?` in its resource part): nothing allows any of them (2.7a)".to_string(),
            Decision::Indeterminate => {
                let mut text = "the request names a set of resources (`*` or `?` in its resource part): some of them may be allowed, but not every one is (2.7a)".to_string();
                if let Some(example) = refused_member(world, req, &members.borrow()) {
                    text.push_str(&format!("; for example {example}"));
                }
                text
            }
        };
        rec.summary_first(|| why);
    }
    decision
}

/// A member of a requested set that is not allowed, with what refuses it: one a Deny touches,
/// else the set's text with each wildcard filled in.
fn refused_member(world: &World, req: &HopRequest<'_>, members: &[String]) -> Option<String> {
    let filled: String = req
        .resource
        .chars()
        .map(|c| if c == '*' || c == '?' { 'x' } else { c })
        .collect();
    let candidates = members.iter().map(String::as_str).chain([filled.as_str()]);
    for m in candidates {
        if names_a_set(m) {
            continue;
        }
        let one = HopRequest {
            resource: m,
            ..*req
        };
        let hop = crate::evaluate_hop(world, &one);
        if hop.decision.is_allow() {
            continue;
        }
        let deciding = hop
            .reasons
            .iter()
            .find(|r| {
                r.effect == Some(Effect::Deny) && r.outcome == crate::explain::Outcome::Applied
            })
            .map(|r| format!(" ({})", r.render()))
            .unwrap_or_default();
        return Some(format!(
            "`{m}` is {}: {}{deciding}",
            hop.decision,
            hop.summary.first().map(String::as_str).unwrap_or("")
        ));
    }
    None
}

/// One reading of a request: of its one resource, or of a set under `set`; `extra`: context
/// keys the service sets on a request it makes for the caller (`kms:ViaService`, ...), above the
/// caller's own.
pub(crate) fn walk_one<'a, R: Recorder<'a>>(
    world: &'a World,
    req: &HopRequest<'a>,
    extra: Option<&Context>,
    open: Option<&OpenConditions<'_>>,
    rec: &mut R,
    set: Option<(SetReading, &std::cell::RefCell<Vec<String>>)>,
) -> Decision {
    match early(req) {
        Some(Early::CallerIdentity) => {
            rec.summary(|| {
                "sts:GetCallerIdentity needs no permission and cannot be denied (4.13)".into()
            });
            return Decision::Allow;
        }
        Some(Early::RootAssume) => {
            rec.summary(|| {
                "the root user of an account cannot call AssumeRole (6.6); no policy is consulted"
                    .into()
            });
            return Decision::ImplicitDeny;
        }
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
        rec.summary(|| {
            format!(
                "the world has no role `{}`; its account is modelled, so the role does not exist",
                req.resource
            )
        });
        return Decision::ImplicitDeny;
    }
    if let Some((decision, why)) = crate::federated_trust::refusal(world, req, &scope.target) {
        rec.summary(|| why);
        return decision;
    }
    let ctx = HopContext {
        world,
        caller: req.caller,
        extra,
        user: req.context,
        assume: req.assume,
        scope: &scope,
        caller_keys: OnceCell::new(),
        resource_keys: OnceCell::new(),
        assume_keys: OnceCell::new(),
    };
    // Only explanations name the caller.
    let caller_arn = if R::EXPLAINS {
        req.caller.arn(world)
    } else {
        String::new()
    };
    let view = RequestView {
        world,
        caller: req.caller,
        caller_arn: &caller_arn,
        action: &req.action.text,
        resource_text: req.resource,
        resource: if req.resource == "*" {
            RequestResource::Wildcard { service }
        } else {
            RequestResource::Arn(req.resource)
        },
        resource_arn: arn.as_ref(),
        context: &ctx,
        open,
        reasons: R::EXPLAINS,
        set,
    };
    let mut walker = Walker {
        view: &view,
        key: key.as_ref(),
        // Every candidate is matched when explaining, and when enumerating open conditions
        // (each assignment must meet the same conditions).
        every_allow: R::EXPLAINS || open.is_some_and(OpenConditions::enumerating),
        unresolved_deny: false,
        rec,
    };
    let seen = walker.policies(world, req, &scope);
    let unresolved_deny = walker.unresolved_deny;
    let rec = walker.rec;
    let decision = decide_from(world, req, &scope, service, &seen, &ctx, &view, rec);
    // A Deny that may apply only through values the IaC files leave open: not known (0.2).
    if decision == Decision::ExplicitDeny && seen.deny == Truth::Unknown && unresolved_deny {
        rec.summary(|| "a Deny statement holding values the Terraform or CloudFormation files leave open may apply: the decision depends on them (0.2)".into());
        return Decision::Indeterminate;
    }
    decision
}

/// formats.md 6: whether a requested resource names a set (`*` or `?` in its resource part).
fn names_a_set(resource: &str) -> bool {
    // Most requests name one resource: look for a wildcard before splitting the ARN.
    resource.contains(['*', '?'])
        && resource != "*"
        && parse_arn(resource).is_ok_and(|a| a.resource.contains(['*', '?']))
}

/// What the walk over the applicable policies found.
struct Seen {
    deny: Truth,
    identity: Truth,
    boundary: Option<Truth>,
    session: Option<Truth>,
    scp: Gate,
    rcp: Gate,
    resource: Option<ResourceResult>,
}

/// The organization's gate over one kind of policy (4.6, 4.7).
struct Gate {
    /// AND over levels of (OR over the level's Allows); `True` when no levels apply.
    allows: Truth,
    /// The first level that does not surely allow, with how surely it does not.
    first_failure: Option<(Truth, usize)>,
}

/// What decides a request before any grant is weighed: an explicit deny (4.5), S3's refusal of
/// another account's bucket-policy operation (7.3), an organization level whose SCPs (4.7) or
/// RCPs (4.6) allow nothing. `None`: the grants decide.
#[inline]
fn refused_before_grants<'a, R: Recorder<'a>>(
    req: &HopRequest<'a>,
    scope: &Scope<'a>,
    seen: &Seen,
    rec: &mut R,
) -> Option<Decision> {
    // 4.5: an explicit deny anywhere wins.
    if seen.deny.may_be_true() {
        rec.summary(|| match seen.deny {
            Truth::Unknown => "a Deny statement matches under one reading of a construct AWS leaves open; a Deny that may apply is taken to apply (0.2)".into(),
            _ => "a Deny statement matches, and an explicit deny overrides every allow (4.5)".into(),
        });
        return Some(Decision::ExplicitDeny);
    }
    if scope.lockout_exempt {
        if let Some(notes) = rec.notes() {
            notes.push("the bucket owner's root user can always read and change its bucket policy; a bucket-policy Deny does not apply (4.3)".into());
        }
    }
    if let Some(owner) = foreign_bucket_policy_op(req, scope) {
        rec.summary(|| format!(
            "only the bucket owner's account ({owner}) can read or change a bucket policy; S3 refuses other accounts whatever the policies say (7.3)"
        ));
        return Some(Decision::ImplicitDeny);
    }
    // 4.7 and 4.6: every level of the organization must allow.
    let level_name = |levels: Option<&'a [OrgLevel]>, i: usize| {
        levels
            .and_then(|l| l.get(i))
            .map_or("", |l| l.name.as_str())
    };
    if let Some((Truth::False, i)) = seen.scp.first_failure {
        rec.summary(|| format!(
            "no SCP attached at {} allows it; every level from the root to the account must allow (4.7)",
            level_name(scope.scp_levels, i)
        ));
        return Some(Decision::ImplicitDeny);
    }
    if let Some((Truth::False, i)) = seen.rcp.first_failure {
        rec.summary(|| {
            format!(
                "no RCP attached at {} allows it; every level must allow (4.6)",
                level_name(scope.rcp_levels, i)
            )
        });
        return Some(Decision::ImplicitDeny);
    }
    None
}

/// The rules after the walk: explicit deny, the organization gates, then the grants.
#[inline]
#[allow(clippy::too_many_arguments)]
fn decide_from<'a, R: Recorder<'a>>(
    world: &'a World,
    req: &HopRequest<'a>,
    scope: &Scope<'a>,
    service: &str,
    seen: &Seen,
    ctx: &HopContext<'_>,
    view: &RequestView<'_>,
    rec: &mut R,
) -> Decision {
    if let Some(refused) = refused_before_grants(req, scope, seen, rec) {
        return refused;
    }
    let rcp_gate = if scope.owner.is_none()
        && scope.rcp_supported
        && !matches!(scope.target, Target::Wildcard)
    {
        // The owner is unknown, so whether RCPs apply is unknown too (2.10).
        Truth::Unknown
    } else {
        seen.rcp.allows
    };
    let tally = Tally {
        identity: seen.identity,
        boundary: seen.boundary,
        session: seen.session,
        scp_gate: seen.scp.allows,
        rcp_gate,
    };
    let rp_of = |non_public_only: bool| {
        seen.resource.as_ref().map_or(PrincipalMatch::NONE, |r| {
            if non_public_only {
                r.non_public
            } else {
                r.all
            }
        })
    };
    // Section 13: a request on a KMS key is decided by its key policy first (crate::kms).
    if let Some(key) = crate::kms::key_request(scope, req) {
        let rp = rp_of(false);
        let layers = [ctx.extra, Some(req.context)];
        let given = crate::kms::Given {
            lookup: ctx,
            layers: &layers,
            view,
        };
        return crate::kms::decide(world, req, scope, key, &tally, rp, &given, rec);
    }
    // 13.19-13.27: service rules that refuse a request whatever the policies say.
    if let Some(d) = crate::resources::refused(world, req, scope, service, rec) {
        return d;
    }
    let g = grants(
        world,
        req,
        scope,
        service,
        &tally,
        seen.resource
            .as_ref()
            .map(|_| &rp_of as &dyn Fn(bool) -> PrincipalMatch),
        rec.notes(),
    );
    let decision = decision_of(g.result);
    let decision = crate::resources::undocumented(world, req, scope, service, decision, rec);
    if R::EXPLAINS {
        rec.grants(
            decision,
            Explain {
                target: &scope.target,
                owner: scope.owner,
                caller: req.caller,
                same_account: g.same_account,
                mandatory: scope.mandatory_resource_policy,
                id: g.id,
                pb: g.pb,
                sp: g.sp,
                rp: g.rp,
                has_resource_policy: scope.resource_policy.is_some(),
                resource_policy_known: scope.resource_policy_known,
                scp_gate: tally.scp_gate,
                rcp_gate,
                is_root: g.is_root,
                world_models_owner: scope
                    .owner
                    .is_some_and(|o| world.accounts().contains_key(o)),
            },
        );
    }
    decision
}

/// The statements of one policy listed by its index: a plain cursor over the index's lists
/// (iterator adapters cost more than the matching on this path). Each comes with its position
/// in the policy and whether it names the action literally.
struct Candidates<'p> {
    statements: &'p [Statement],
    lists: [&'p [u32]; 4],
    list: usize,
    at: usize,
}

impl<'p> Iterator for Candidates<'p> {
    type Item = (usize, &'p Statement, bool);

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let list = self.lists.get(self.list)?;
            match list.get(self.at) {
                Some(&i) => {
                    self.at += 1;
                    if let Some(s) = self.statements.get(i as usize) {
                        return Some((i as usize, s, self.list == NAMED));
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

/// What one policy (or a merged set of identity policies) says about the request.
struct PolicyResult {
    deny: Truth,
    allow: Truth,
}

/// What the resource-based policy says: its Deny, and its Allow grants by principal kind.
struct ResourceResult {
    deny: Truth,
    all: PrincipalMatch,
    /// Counting only statements that are not public (7.10, 7.11); computed when Block Public
    /// Access may need it.
    non_public: PrincipalMatch,
}

struct Walker<'v, R> {
    view: &'v RequestView<'v>,
    key: Option<&'v ActionKey<'v>>,
    /// Match every candidate, even once a policy's Allow holds.
    every_allow: bool,
    /// A Deny holding values the IaC files leave open may apply ([`crate::unresolved`]).
    unresolved_deny: bool,
    rec: &'v mut R,
}

impl<'a, R: Recorder<'a>> Walker<'_, R> {
    /// Every applicable policy (4.2), in the order explanations list them: the caller's own, the
    /// SCPs and RCPs by level, the resource-based policy.
    #[inline]
    fn policies(&mut self, world: &'a World, req: &HopRequest<'a>, scope: &Scope<'a>) -> Seen {
        let mut deny = Truth::False;
        let mut identity = Truth::False;
        let mut boundary: Option<Truth> = None;
        let mut session: Option<Truth> = None;
        // A principal with many identity policies has them merged into one index, kept in the
        // principal: the world empties every such slot when its accounts are changed
        // (World::accounts_mut), so the index is always of the policies the principal holds
        // (checked in debug builds; comparing them on every decision cost a tenth of it). An
        // explanation names each policy, so it walks them one by one. A principal changed by
        // earlier hops of a path (crate::escalation_alter) is a copy, decided without it.
        let merged = (!R::EXPLAINS && req.caller.altered().is_none())
            .then(|| identity_index(world, scope.entity))
            .flatten();
        debug_assert!(merged.is_none_or(|m| same_identity_policies(
            world,
            scope.entity,
            &m.policies
        )));
        if let Some(m) = &merged {
            let r = self.fold(m.candidates(self.key).map(|(s, named)| (0, s, named)));
            deny = deny.or(r.deny);
            identity = identity.or(r.allow);
        }
        for_each_caller_policy(
            world,
            req.caller,
            scope.entity,
            merged.is_none(),
            &mut |p, kind, who| {
                let r = self.policy(p, who, kind);
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
        let scp = self.gate(scope.scp_levels, true, &mut deny);
        let rcp = self.gate(scope.rcp_levels, false, &mut deny);
        let resource = scope.resource_policy.map(|(p, who)| {
            let public_blocked = match &scope.target {
                Target::Bucket(b) => crate::s3::restrict_public_buckets(world, b),
                _ => false,
            };
            self.resource_policy(p, who, public_blocked)
        });
        if let Some(r) = &resource {
            // 4.3: the bucket owner's root keeps access to its bucket policy.
            if !scope.lockout_exempt {
                deny = deny.or(r.deny);
            }
        }
        Seen {
            deny,
            identity,
            boundary,
            session,
            scp,
            rcp,
            resource,
        }
    }

    /// The candidate statements of a policy.
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
    fn matched(&mut self, s: &Statement, named: bool) -> StatementMatch {
        let m = if named {
            match_statement_with(s, self.view, Truth::True)
        } else {
            match_statement(s, self.view)
        };
        // Values the IaC files leave open: a marked statement may apply, never surely.
        let (m, demoted) = crate::unresolved::demote(s, m, self.view.reasons);
        self.unresolved_deny |= demoted && s.effect.value == Effect::Deny;
        m
    }

    fn policy(&mut self, p: &'a LoadedPolicy, who: Who<'a>, kind: PolicyKind) -> PolicyResult {
        self.rec.policy(p, who, kind);
        self.fold(self.statements(p))
    }

    /// Deny and Allow over statements of policies of one kind.
    fn fold<'s>(
        &mut self,
        statements: impl Iterator<Item = (usize, &'s Statement, bool)>,
    ) -> PolicyResult {
        let mut r = PolicyResult {
            deny: Truth::False,
            allow: Truth::False,
        };
        for (i, s, named) in statements {
            let effect = s.effect.value;
            // Once an Allow holds, further Allows change nothing; Denies still count.
            if effect == Effect::Allow && r.allow == Truth::True && !self.every_allow {
                continue;
            }
            let m = self.matched(s, named);
            match effect {
                Effect::Allow => r.allow = r.allow.or(m.applies),
                Effect::Deny => r.deny = r.deny.or(m.applies),
            }
            self.rec.statement(i, m);
        }
        r
    }

    fn resource_policy(
        &mut self,
        p: &'a LoadedPolicy,
        who: Who<'a>,
        public_blocked: bool,
    ) -> ResourceResult {
        self.rec.policy(p, who, PolicyKind::Resource);
        let mut r = ResourceResult {
            deny: Truth::False,
            all: PrincipalMatch::NONE,
            non_public: PrincipalMatch::NONE,
        };
        for (i, s, named) in self.statements(p) {
            let m = self.matched(s, named);
            match s.effect.value {
                Effect::Deny => r.deny = r.deny.or(m.applies),
                Effect::Allow => {
                    r.all = r.all.or(m.by_kind);
                    if public_blocked && !crate::unresolved::public_for_block(s) {
                        r.non_public = r.non_public.or(m.by_kind);
                    }
                }
            }
            self.rec.statement(i, m);
        }
        r
    }

    /// AND over levels of (OR over the level's policies' Allows); the levels' Denies are
    /// OR-ed into `deny`.
    fn gate(&mut self, levels: Option<&'a [OrgLevel]>, scp: bool, deny: &mut Truth) -> Gate {
        let mut gate = Gate {
            allows: Truth::True,
            first_failure: None,
        };
        for (i, level) in levels.unwrap_or(&[]).iter().enumerate() {
            let (policies, who, kind) = if scp {
                (&level.scps, Who::Scp(&level.name), PolicyKind::Scp(i))
            } else {
                (&level.rcps, Who::Rcp(&level.name), PolicyKind::Rcp(i))
            };
            let mut allows = Truth::False;
            for p in policies {
                let r = self.policy(p, who, kind);
                *deny = deny.or(r.deny);
                allows = allows.or(r.allow);
            }
            if allows != Truth::True && gate.first_failure.is_none() {
                gate.first_failure = Some((allows, i));
            }
            gate.allows = gate.allows.and(allows);
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
    /// Keys the service sets on a request it makes for the caller (above the caller's own).
    extra: Option<&'a Context>,
    user: &'a Context,
    assume: Option<&'a AssumeRoleParams>,
    scope: &'a Scope<'a>,
    caller_keys: OnceCell<Context>,
    resource_keys: OnceCell<Context>,
    assume_keys: OnceCell<Context>,
}

impl ContextLookup for HopContext<'_> {
    fn get(&self, key: &str) -> Option<&ContextValue> {
        if let Some(v) = self.extra.and_then(|e| e.get(key)) {
            return Some(v);
        }
        if let Some(v) = self.user.get(key) {
            // `null`: the request says the key is absent (formats.md 5).
            return (!crate::request::is_absent(v)).then_some(v);
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
/// role sessions: the role's), when there are many; built on first use and kept in the
/// principal's own slot (`None` is kept too, so a principal's policies are counted once).
fn identity_index<'a>(world: &World, entity: Entity<'a>) -> Option<&'a IdentityIndex> {
    // Count first: most principals have a few policies, and need no cache look-up.
    let slot = match entity {
        Entity::User(user) => {
            let groups: usize = if user.groups.is_empty() {
                0
            } else {
                let account = world.account(user.account());
                user.groups
                    .iter()
                    .filter_map(|g| account.and_then(|a| a.groups.get(g)))
                    .map(|g| g.policies.len())
                    .sum()
            };
            if user.policies.len() + groups < MERGE_MIN {
                return None;
            }
            &user.identity_index
        }
        Entity::Role(role) => {
            if role.policies.len() < MERGE_MIN {
                return None;
            }
            &role.identity_index
        }
        Entity::None => return None,
    };
    slot.get_or_init(|| {
        let mut policies: Vec<PolicyHandle> = Vec::new();
        let mut push = |p: &PolicyHandle| policies.push(Arc::clone(p));
        each_identity_policy(world, entity, &mut |p| {
            push(p);
            true
        });
        (policies.len() >= MERGE_MIN).then(|| Arc::new(IdentityIndex::new(policies)))
    })
}

/// Whether the caller's identity policies are exactly `list`, in the order
/// [`for_each_caller_policy`] gives them (a kept index is stale otherwise: debug builds check
/// that none is).
fn same_identity_policies(world: &World, entity: Entity<'_>, list: &[PolicyHandle]) -> bool {
    let mut expected = list.iter();
    let all_same = each_identity_policy(world, entity, &mut |p| {
        expected.next().is_some_and(|h| Arc::ptr_eq(h, p))
    });
    all_same && expected.next().is_none()
}

/// The `Identity` policies of [`for_each_caller_policy`], in its order, until `f` says stop;
/// false if it did.
fn each_identity_policy(
    world: &World,
    entity: Entity<'_>,
    f: &mut dyn FnMut(&PolicyHandle) -> bool,
) -> bool {
    match entity {
        Entity::User(user) => {
            let account = world.account(user.account());
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
mod tests;
