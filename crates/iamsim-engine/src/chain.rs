//! Role chains (rule 6.15): each `via` hop is an sts:AssumeRole request that must be
//! allowed, and its session is the caller of the next; `via: "*"` searches the world's roles for
//! the shortest allowed chain without looping.

use crate::eval::{evaluate_hop, HopRequest};
use crate::explain::{Answer, Decision, Hop};
use crate::request::{Action, AssumeRoleParams, Caller, RequestError, Session};
use crate::walk::decide_only;
use iamsim_policy::{Code, Context, ContextLookup};
use iamsim_world::{PolicyHandle, World};

/// One role to assume, with the parameters of the call.
#[derive(Clone, Debug)]
pub struct ViaHop {
    /// The role to assume: its ARN with path (6.1).
    pub role_arn: String,
    /// The AssumeRole call's parameters (session name, external id, tags, ...).
    pub params: AssumeRoleParams,
}

/// How the principal reaches the final request: as itself, through given roles, or through any
/// chain of the world's roles (6.15).
#[derive(Clone, Debug)]
pub enum Via {
    /// Ask as the principal itself.
    Direct,
    /// Assume these roles first, in order.
    Roles(Vec<ViaHop>),
    /// Any chain of the world's roles (the shortest allowed one).
    Any,
}

/// A question: may this principal, perhaps through roles, do this action on this resource?
#[derive(Clone, Debug)]
pub struct Query {
    /// The caller as the command line writes it (a user, role, assumed-role or root ARN,
    /// `anonymous`, `federated:PROVIDER_ARN`).
    pub principal: String,
    /// The final request's action, `service:Operation`.
    pub action: String,
    /// The final request's resource ARN (`*` for actions on no resource; `*`/`?` in the
    /// resource part make it a set, 2.7a).
    pub resource: String,
    /// How the principal reaches the final request.
    pub via: Via,
    /// The caller's context keys; they override what iamsim derives (3.21).
    pub context: Context,
    /// Session policies of the starting principal when it is a role session.
    pub session_policies: Vec<PolicyHandle>,
}

/// The longest chain `Via::Any` tries.
pub const MAX_CHAIN: usize = 8;

/// Answers a query: the decision, the path of hops, and why.
pub fn ask(world: &World, q: &Query) -> Result<Answer, RequestError> {
    ask_with(world, None, q)
}

/// [`ask`], with `via: "*"` searched through `paths` (the path search of this same world, whose
/// kept work questions share: [`crate::PathSearch`]); the answer is the same.
pub fn ask_with(
    world: &World,
    paths: Option<&crate::PathSearch<'_>>,
    q: &Query,
) -> Result<Answer, RequestError> {
    let q = &with_defaults(world, q);
    let (start, action) = prepare(world, q)?;
    if let Caller::Federated(f) = &start {
        return Ok(crate::federated_chain::ask(world, q, f, &action));
    }
    match &q.via {
        Via::Direct => Ok(run_chain(world, q, &start, &action, &[])),
        Via::Roles(hops) => Ok(run_chain(world, q, &start, &action, hops)),
        Via::Any => Ok(search(world, paths, q, &start, &action)),
    }
}

/// The decision of [`ask`] without its explanation: each hop decided by the decision-only path
/// ([`crate::decide_only`]). Always `ask(world, q)?.decision` (a property test and every fixture
/// request check it). `Via::Any` searches role chains with the explained path.
pub fn decide(world: &World, q: &Query) -> Result<Decision, RequestError> {
    decide_with(world, None, q)
}

/// [`decide`], with `via: "*"` searched through `paths` (as [`ask_with`]); the decision is the
/// same.
pub fn decide_with(
    world: &World,
    paths: Option<&crate::PathSearch<'_>>,
    q: &Query,
) -> Result<Decision, RequestError> {
    let q = &with_defaults(world, q);
    let (start, action) = prepare(world, q)?;
    if let Caller::Federated(f) = &start {
        // Decided over the token's open claims, which only the explained path enumerates.
        return Ok(crate::federated_chain::ask(world, q, f, &action).decision);
    }
    match &q.via {
        Via::Direct => Ok(decide_chain(world, q, &start, &action, &[])),
        Via::Roles(hops) => Ok(decide_chain(world, q, &start, &action, hops)),
        Via::Any => Ok(search(world, paths, q, &start, &action).decision),
    }
}

/// The query with the world's default context under its own (formats.md 5).
fn with_defaults<'q>(world: &World, q: &'q Query) -> std::borrow::Cow<'q, Query> {
    if world.default_context().iter().next().is_none() {
        return std::borrow::Cow::Borrowed(q);
    }
    std::borrow::Cow::Owned(Query {
        context: world.with_default_context(&q.context),
        ..q.clone()
    })
}

/// Reads and checks a query's principal, action, resource and role ARNs.
fn prepare(world: &World, q: &Query) -> Result<(Caller, Action), RequestError> {
    let mut start = Caller::parse(world, &q.principal)?;
    if let Caller::Session(s) = &mut start {
        s.session_policies = q.session_policies.clone();
    } else if !q.session_policies.is_empty() {
        return Err(RequestError::new(
            Code::IncompatibleRequest,
            format!(
                "`{}` is not a role session, so it cannot have a session policy",
                q.principal
            ),
        ));
    }
    let action = Action::parse(&q.action)?;
    check_resource(&q.resource)?;
    if let Via::Roles(hops) = &q.via {
        for h in hops {
            check_role_arn(&h.role_arn)?;
        }
    }
    Ok((start, action))
}

/// Answers a query whose request is itself an AssumeRole call with these parameters (`aws sts
/// assume-role --external-id X`, a console switch-role link): `q.resource` is the role, and only
/// that call's trust evaluation sees its keys (sts:ExternalId, sts:RoleSessionName, MFA), which
/// `q.context` would give every hop. `q.action` is ignored; `q.via` must not be `Any`.
pub fn ask_assume(
    world: &World,
    q: &Query,
    params: &AssumeRoleParams,
) -> Result<Answer, RequestError> {
    let q = &with_defaults(world, q);
    let start = Caller::parse(world, &q.principal)?;
    check_role_arn(&q.resource)?;
    if let Caller::Federated(f) = &start {
        if !matches!(q.via, Via::Direct) {
            return Err(RequestError::new(
                Code::IncompatibleRequest,
                "an identity of a provider assumes its first role itself: ask without --via",
            ));
        }
        return Ok(crate::federated_chain::ask_assume(world, q, f, params));
    }
    let hops: &[ViaHop] = match &q.via {
        Via::Direct => &[],
        Via::Roles(hops) => hops,
        Via::Any => {
            return Err(RequestError::new(
                Code::IncompatibleRequest,
                "an AssumeRole with parameters cannot search role chains",
            ))
        }
    };
    for h in hops {
        check_role_arn(&h.role_arn)?;
    }
    let q = Query {
        action: "sts:AssumeRole".into(),
        ..Query::clone(q)
    };
    let mut path = Vec::new();
    let Some(caller) = assume_all(world, &start, hops, &q.context, &mut path) else {
        let decision = last_decision(&path);
        return Ok(answer(world, &q, &start, hops, decision, path, Vec::new()));
    };
    let last = ViaHop {
        role_arn: q.resource.clone(),
        params: params.clone(),
    };
    // The call's own TagSession/SetSourceIdentity companions count too: all must pass.
    let decision = match assume(world, &caller, &last, &q.context, &mut path) {
        Some(_) => Decision::Allow,
        None => last_decision(&path),
    };
    Ok(answer(world, &q, &start, hops, decision, path, Vec::new()))
}

/// Assumes `hops` in order from `start`, recording every hop in `path`; the last session, or
/// `None` at the first hop that is not allowed (its decision is the last in `path`).
fn assume_all(
    world: &World,
    start: &Caller,
    hops: &[ViaHop],
    context: &Context,
    path: &mut Vec<Hop>,
) -> Option<Caller> {
    let mut caller = start.clone();
    for hop in hops {
        caller = assume(world, &caller, hop, context, path)?;
    }
    Some(caller)
}

fn last_decision(path: &[Hop]) -> Decision {
    path.last()
        .map(|h| h.decision)
        .unwrap_or(Decision::ImplicitDeny)
}

pub(crate) fn check_resource(resource: &str) -> Result<(), RequestError> {
    if resource == "*" || iamsim_policy::arn::parse_arn(resource).is_ok() {
        Ok(())
    } else {
        Err(RequestError::new(
            Code::InvalidRequestResource,
            format!(
                "`{resource}` is not a resource: give an ARN, or `*` for actions that take none"
            ),
        ))
    }
}

fn check_role_arn(arn: &str) -> Result<(), RequestError> {
    if iamsim_world::world::split_iam_arn(arn, "role/").is_some() {
        Ok(())
    } else {
        Err(RequestError::new(
            Code::InvalidRequestResource,
            format!("`{arn}` is not a role ARN (arn:aws:iam::ACCOUNT:role/PATH/NAME)"),
        ))
    }
}

/// `sts:AssumeRole`, `sts:TagSession` and `sts:SetSourceIdentity` as requested actions, built
/// once rather than per hop.
fn sts_actions() -> &'static [Action; 3] {
    static ACTIONS: std::sync::OnceLock<[Action; 3]> = std::sync::OnceLock::new();
    ACTIONS.get_or_init(|| {
        ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"].map(|text| Action {
            text: text.to_string(),
        })
    })
}

/// What a chain keeps of a decided hop: the explained [`Hop`], or only its [`Decision`].
pub(crate) trait HopOutcome {
    fn decision(&self) -> Decision;
    /// The AssumeRole fails after all (DurationSeconds, 6.15); `why` says why.
    fn fail(&mut self, why: impl FnOnce() -> String);
    /// This is the hop decided without the session's MFA carried over; `carried` is what it
    /// would be with it (6.11).
    fn uncarried(&mut self, carried: Decision);
}

impl HopOutcome for Hop {
    fn decision(&self) -> Decision {
        self.decision
    }

    fn fail(&mut self, why: impl FnOnce() -> String) {
        self.decision = Decision::ImplicitDeny;
        self.summary.insert(0, why());
    }

    fn uncarried(&mut self, carried: Decision) {
        self.notes.push(format!(
            "with the calling session's MFA carried over, this AssumeRole would be {carried}; AWS does not document whether MFA carries into a chained AssumeRole, so it is taken as not carried (6.11)"
        ));
    }
}

impl HopOutcome for Decision {
    fn decision(&self) -> Decision {
        *self
    }

    fn fail(&mut self, _: impl FnOnce() -> String) {
        *self = Decision::ImplicitDeny;
    }

    fn uncarried(&mut self, _: Decision) {}
}

/// Runs one AssumeRole hop (with its TagSession/SetSourceIdentity companions). On success
/// returns the new session.
fn assume(
    world: &World,
    caller: &Caller,
    hop: &ViaHop,
    context: &Context,
    path: &mut Vec<Hop>,
) -> Option<Caller> {
    assume_with(world, caller, hop, context, &evaluate_hop, &mut |h| {
        path.push(h)
    })
}

/// [`assume`] with each hop decided by `decide` and handed to `push` in order.
pub(crate) fn assume_with<H: HopOutcome>(
    world: &World,
    caller: &Caller,
    hop: &ViaHop,
    context: &Context,
    decide: &dyn Fn(&World, &HopRequest<'_>) -> H,
    push: &mut dyn FnMut(H),
) -> Option<Caller> {
    let [assume_role, tag_session, set_source_identity] = sts_actions();
    let request = HopRequest {
        caller,
        action: assume_role,
        resource: &hop.role_arn,
        context,
        assume: Some(&hop.params),
    };
    let mut h = decide(world, &request);
    // 6.11: whether a session's MFA carries into a chained AssumeRole is undocumented. Decide
    // under both readings; where they differ, the reading without carry-over (the fail-closed
    // one, which public reports also describe) stands, and the note says so.
    let mut mfa_carried = true;
    if let Caller::Session(s) = caller {
        let user_sets_mfa = context.contains("aws:MultiFactorAuthPresent");
        if s.mfa && !hop.params.mfa && !user_sets_mfa {
            let mut without = s.clone();
            without.mfa = false;
            let uncarried_caller = Caller::Session(without);
            let mut uncarried = decide(
                world,
                &HopRequest {
                    caller: &uncarried_caller,
                    ..request
                },
            );
            if uncarried.decision() != h.decision() {
                uncarried.uncarried(h.decision());
                h = uncarried;
                mfa_carried = false;
            }
        }
    }
    let role = world.role_by_arn(&hop.role_arn);
    // Session duration limits (6.15): a chained session lasts at most one hour.
    if h.decision().is_allow() {
        if let (Some(d), Some(role)) = (hop.params.duration_seconds, role) {
            let chained = matches!(caller, Caller::Session(_));
            if chained && d > 3600 {
                h.fail(|| format!("DurationSeconds {d} exceeds one hour, the limit for a role-chained session (6.15); AssumeRole fails"));
            } else if d > role.max_session_duration {
                h.fail(|| format!("DurationSeconds {d} exceeds the role's maximum session duration of {} seconds; AssumeRole fails", role.max_session_duration));
            } else if d < 900 {
                h.fail(|| {
                    format!("DurationSeconds {d} is below the minimum of 900; AssumeRole fails")
                });
            }
        }
    }
    let ok = h.decision().is_allow();
    push(h);
    if !ok {
        return None;
    }
    // Passing tags or a source identity needs its own permission (6.7).
    let companions = [
        (!hop.params.tags.is_empty()).then_some(tag_session),
        hop.params
            .source_identity
            .is_some()
            .then_some(set_source_identity),
    ];
    for action in companions.into_iter().flatten() {
        let request = HopRequest {
            caller,
            action,
            resource: &hop.role_arn,
            context,
            assume: Some(&hop.params),
        };
        let h = decide(world, &request);
        let ok = h.decision().is_allow();
        push(h);
        if !ok {
            return None;
        }
    }
    let role = role?;
    let mut session = Session::new(role, hop.params.session_name());
    session.session_policies = hop.params.session_policies.clone();
    session.mfa = session_mfa(caller, &hop.params, context, mfa_carried);
    // The source identity persists down the chain (6.15).
    session.source_identity = hop.params.source_identity.clone().or(match caller {
        Caller::Session(s) => s.source_identity.clone(),
        _ => None,
    });
    session.tags = hop.params.tags.clone();
    Some(Caller::Session(session))
}

/// Whether the new session carries MFA (docs/world-format.md, 6.14): `aws:MultiFactorAuthPresent` of
/// the call that created it, as its context reads: the user's value, else the call's MFA, else
/// the calling session's unless it was not carried over (6.11).
fn session_mfa(
    caller: &Caller,
    params: &AssumeRoleParams,
    context: &Context,
    mfa_carried: bool,
) -> bool {
    match context.get("aws:MultiFactorAuthPresent") {
        Some(v) => matches!(v, iamsim_policy::ContextValue::Single(s) if s == "true"),
        None if params.mfa => true,
        None if !mfa_carried => false,
        None => matches!(caller, Caller::Session(s) if s.mfa),
    }
}

/// For tests: runs a query's chain hop by hop with both paths on the same requests and lists
/// every hop where [`crate::decide_only`] and [`crate::evaluate_hop`] disagree, and whether
/// [`decide`] and [`ask`] disagree. Empty when they agree throughout.
#[doc(hidden)]
pub fn compare_paths(world: &World, q: &Query) -> Result<Vec<String>, RequestError> {
    let q = &with_defaults(world, q);
    let (start, action) = prepare(world, q)?;
    let mismatches = std::cell::RefCell::new(Vec::new());
    let both = |world: &World, req: &HopRequest<'_>| -> Hop {
        let h = evaluate_hop(world, req);
        let d = decide_only(world, req);
        if d != h.decision {
            mismatches.borrow_mut().push(format!(
                "{} {} {}: explained {}, decision-only {d}",
                h.principal, h.action, h.resource, h.decision
            ));
        }
        h
    };
    if let Via::Roles(hops) = &q.via {
        let mut current: Option<Caller> = None;
        let mut stopped = false;
        for hop in hops {
            let caller = current.as_ref().unwrap_or(&start);
            match assume_with(world, caller, hop, &q.context, &both, &mut |_| {}) {
                Some(next) => current = Some(next),
                None => {
                    stopped = true;
                    break;
                }
            }
        }
        if !stopped {
            let req = HopRequest {
                caller: current.as_ref().unwrap_or(&start),
                action: &action,
                resource: &q.resource,
                context: &q.context,
                assume: None,
            };
            both(world, &req);
        }
    } else if let Via::Direct = &q.via {
        let req = HopRequest {
            caller: &start,
            action: &action,
            resource: &q.resource,
            context: &q.context,
            assume: None,
        };
        both(world, &req);
    }
    let mut out = mismatches.into_inner();
    let explained = ask(world, q)?.decision;
    let fast = decide(world, q)?;
    if explained != fast {
        out.push(format!("the query: ask {explained}, decide {fast}"));
    }
    Ok(out)
}

fn decide_chain(
    world: &World,
    q: &Query,
    start: &Caller,
    action: &Action,
    hops: &[ViaHop],
) -> Decision {
    let mut last = Decision::ImplicitDeny;
    let mut current: Option<Caller> = None;
    for hop in hops {
        let caller = current.as_ref().unwrap_or(start);
        let next = assume_with(world, caller, hop, &q.context, &decide_only, &mut |d| {
            last = d
        });
        match next {
            Some(next) => current = Some(next),
            None => return last,
        }
    }
    decide_only(
        world,
        &HopRequest {
            caller: current.as_ref().unwrap_or(start),
            action,
            resource: &q.resource,
            context: &q.context,
            assume: None,
        },
    )
}

pub(crate) fn run_chain(
    world: &World,
    q: &Query,
    start: &Caller,
    action: &Action,
    hops: &[ViaHop],
) -> Answer {
    let mut path = Vec::new();
    let Some(caller) = assume_all(world, start, hops, &q.context, &mut path) else {
        let decision = last_decision(&path);
        return answer(world, q, start, hops, decision, path, Vec::new());
    };
    let request = HopRequest {
        caller: &caller,
        action,
        resource: &q.resource,
        context: &q.context,
        assume: None,
    };
    let last = evaluate_hop(world, &request);
    let decision = last.decision;
    path.push(last);
    answer(world, q, start, hops, decision, path, Vec::new())
}

fn answer(
    world: &World,
    q: &Query,
    start: &Caller,
    hops: &[ViaHop],
    decision: Decision,
    path: Vec<Hop>,
    notes: Vec<String>,
) -> Answer {
    // The conditions of the hop that decided it (the last one run).
    let conditions = path
        .last()
        .filter(|h| h.decision == decision)
        .map(|h| h.conditions.clone())
        .unwrap_or_default();
    Answer {
        principal: start.arn(world),
        action: q.action.clone(),
        resource: q.resource.clone(),
        via: hops.iter().map(|h| h.role_arn.clone()).collect(),
        decision,
        path,
        notes,
        conditions,
    }
}

/// `via: "*"`: the shortest allowed path of AssumeRole hops and escalation steps
/// ([`crate::PathSearch`], docs/rules.md 10.4), its hops explained; a path that relies on what
/// the world does not state answers at most indeterminate; a search stopped by a cap never
/// answers that no path exists. When no path is found, the chain of roles that came closest,
/// with the hop that failed.
fn search(
    world: &World,
    paths: Option<&crate::PathSearch<'_>>,
    q: &Query,
    start: &Caller,
    action: &Action,
) -> Answer {
    let direct = run_chain(world, q, start, action, &[]);
    if direct.decision.is_allow() {
        return direct;
    }
    match paths {
        Some(p) if std::ptr::eq(p.world(), world) => search_in(world, p, q, start, action, direct),
        _ => search_in(
            world,
            &crate::PathSearch::new(world),
            q,
            start,
            action,
            direct,
        ),
    }
}

fn search_in(
    world: &World,
    paths: &crate::PathSearch<'_>,
    q: &Query,
    start: &Caller,
    action: &Action,
    direct: Answer,
) -> Answer {
    let goal = |c: &Caller| {
        decide_only(
            world,
            &HopRequest {
                caller: c,
                action,
                resource: &q.resource,
                context: &q.context,
                assume: None,
            },
        )
    };
    let found = paths.shortest(start, &q.context, &goal, crate::Limits::default());
    if let Some(r) = &found.allowed {
        let mut a = crate::escalation_answer::explain_path(world, q, start, action, r);
        if r.path.iter().all(|h| h.kind == "assume-role") {
            a.notes.push(format!(
                "found by searching role chains: the shortest allowed chain has {} role(s)",
                r.path.len()
            ));
        } else {
            a.notes.push(format!(
                "found by searching paths of AssumeRole and escalation steps: the shortest allowed path has {} hop(s) ({} principal(s) visited)",
                r.path.len(),
                found.nodes
            ));
        }
        return a;
    }
    if let Some(r) = &found.conditional {
        let mut a = crate::escalation_answer::explain_path(world, q, start, action, r);
        if a.decision.is_allow() {
            a.decision = Decision::Indeterminate;
        }
        a.notes.push(format!(
            "no path of AssumeRole and escalation steps surely allows it; this path of {} hop(s) may, if what it relies on holds",
            r.path.len()
        ));
        return a;
    }
    if let Some(cap) = &found.capped {
        let mut a = direct;
        if a.decision != Decision::ExplicitDeny {
            a.decision = Decision::Indeterminate;
        }
        a.notes.push(format!(
            "no path found within the search's bounds, but {cap}: a longer path may allow it"
        ));
        return a;
    }
    let visited = found.nodes;
    // The role graph of the path search's index (built once per world), not one of its own.
    let (graph, trust) = paths.role_graph();
    let chains = crate::graph::search_chains(
        world,
        graph,
        trust,
        start,
        action,
        &q.resource,
        &q.context,
        MAX_CHAIN,
    );
    let hops = |chain: &[String]| -> Vec<ViaHop> {
        chain
            .iter()
            .map(|arn| ViaHop {
                role_arn: arn.clone(),
                params: AssumeRoleParams::default(),
            })
            .collect()
    };
    let tried = chains.tried;
    let direct_score = crate::graph::closeness(direct.path.last(), true, 0);
    let mut a = match chains.closest {
        Some((chain, score)) if score > direct_score => {
            let mut a = run_chain(world, q, start, action, &hops(&chain));
            a.notes.push(format!(
                "no chain of the world's roles allows it ({tried} AssumeRole step(s) tried), nor any path of escalation steps ({} principal(s) visited); this is the chain that came closest: it fails at hop {}",
                visited,
                a.path.len()
            ));
            a
        }
        _ => {
            let mut a = direct;
            a.notes.push(format!(
                "no chain of the world's roles allows it ({tried} AssumeRole step(s) tried), nor any path of escalation steps ({} principal(s) visited); the answer is for the principal itself, which came closest",
                visited
            ));
            a
        }
    };
    if found.deeper {
        a.notes.push(format!(
            "paths longer than {MAX_CHAIN} hops are not followed"
        ));
    }
    a
}

#[cfg(test)]
mod tests {
    use super::*;
    use iamsim_policy::ContextValue;

    /// `session_mfa` reads the context the explained path used to build for it.
    #[test]
    fn session_mfa_reads_the_call_context() {
        let world = World::default();
        let role = iamsim_world::Role {
            iam: iamsim_world::IamName::new(iamsim_world::IamKind::Role, "111111111111", "/", "R", Some("AROAEXAMPLE")),
            trust: std::sync::Arc::new(iamsim_world::LoadedPolicy::new(
                "t".into(),
                iamsim_policy::parse_policy(
                    &iamsim_policy::Source::new("t", r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}]}"#.to_string()),
                    iamsim_policy::PolicyType::Trust,
                )
                .policy
                .unwrap(),
            )),
            policies: Vec::new(),
            boundary: None,
            tags: Default::default(),
            recreated: false,
            max_session_duration: 3600,
            identity_index: Default::default(),
        };
        let mut callers = vec![
            Caller::User {
                account: "111111111111".into(),
                name: "u".into(),
                altered: None,
            },
            Caller::Root {
                account: "111111111111".into(),
            },
        ];
        for mfa in [false, true] {
            let mut s = Session::new(&role, "s");
            s.mfa = mfa;
            callers.push(Caller::Session(s));
        }
        let values = [
            None,
            Some(ContextValue::Single("true".into())),
            Some(ContextValue::Single("false".into())),
            Some(ContextValue::Single("True".into())),
            Some(ContextValue::Multi(vec!["true".into()])),
        ];
        for caller in &callers {
            for params_mfa in [false, true] {
                for carried in [false, true] {
                    for v in &values {
                        let params = AssumeRoleParams {
                            mfa: params_mfa,
                            ..AssumeRoleParams::default()
                        };
                        let mut user = Context::new();
                        if let Some(v) = v {
                            user.insert("AWS:MultiFactorAuthPresent", v.clone());
                        }
                        // The reference: the whole context, built as the explained path did.
                        let mut ctx = Context::new();
                        caller.derive_context(&world, &mut ctx);
                        if !carried {
                            ctx.set("aws:MultiFactorAuthPresent", "false");
                        }
                        params.add_context(&mut ctx);
                        for (k, v) in user.iter() {
                            ctx.insert(k, v.clone());
                        }
                        let want = crate::eval::context_flag(&ctx, "aws:MultiFactorAuthPresent")
                            == Some(true);
                        assert_eq!(
                            session_mfa(caller, &params, &user, carried),
                            want,
                            "{caller:?} {params_mfa} {carried} {v:?}"
                        );
                    }
                }
            }
        }
    }
}
