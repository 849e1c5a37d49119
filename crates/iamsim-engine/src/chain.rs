//! Role chains (iam-semantics 6.15): each `via` hop is an sts:AssumeRole request that must be
//! allowed, and its session is the caller of the next; `via: "*"` searches the world's roles for
//! the shortest allowed chain without looping.

use crate::eval::{evaluate_hop, HopRequest};
use crate::explain::{Answer, Decision, Hop};
use crate::request::{Action, AssumeRoleParams, Caller, RequestError, Session};
use crate::world::{PolicyHandle, World};
use iamsim_policy::Context;

/// One role to assume, with the parameters of the call.
#[derive(Clone, Debug)]
pub struct ViaHop {
    pub role_arn: String,
    pub params: AssumeRoleParams,
}

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
    pub principal: String,
    pub action: String,
    pub resource: String,
    pub via: Via,
    pub context: Context,
    /// Session policies of the starting principal when it is a role session.
    pub session_policies: Vec<PolicyHandle>,
}

/// The longest chain `Via::Any` tries.
pub const MAX_CHAIN: usize = 8;

/// Answers a query: the decision, the path of hops, and why.
pub fn ask(world: &World, q: &Query) -> Result<Answer, RequestError> {
    let mut start = Caller::parse(world, &q.principal)?;
    if let Caller::Session(s) = &mut start {
        s.session_policies = q.session_policies.clone();
    } else if !q.session_policies.is_empty() {
        return Err(RequestError {
            message: format!(
                "`{}` is not a role session, so it cannot have a session policy",
                q.principal
            ),
        });
    }
    let action = Action::parse(&q.action)?;
    check_resource(&q.resource)?;
    match &q.via {
        Via::Direct => Ok(run_chain(world, q, &start, &action, &[])),
        Via::Roles(hops) => {
            for h in hops {
                check_role_arn(&h.role_arn)?;
            }
            Ok(run_chain(world, q, &start, &action, hops))
        }
        Via::Any => Ok(search(world, q, &start, &action)),
    }
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
    let start = Caller::parse(world, &q.principal)?;
    check_role_arn(&q.resource)?;
    let hops: &[ViaHop] = match &q.via {
        Via::Direct => &[],
        Via::Roles(hops) => hops,
        Via::Any => {
            return Err(RequestError {
                message: "an AssumeRole with parameters cannot search role chains".into(),
            })
        }
    };
    for h in hops {
        check_role_arn(&h.role_arn)?;
    }
    let q = Query {
        action: "sts:AssumeRole".into(),
        ..q.clone()
    };
    let mut path = Vec::new();
    let mut caller = start.clone();
    for hop in hops {
        match assume(world, &caller, hop, &q.context, &mut path) {
            Some(next) => caller = next,
            None => {
                let decision = last_decision(&path);
                return Ok(answer(world, &q, &start, hops, decision, path, Vec::new()));
            }
        }
    }
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

fn last_decision(path: &[Hop]) -> Decision {
    path.last()
        .map(|h| h.decision)
        .unwrap_or(Decision::ImplicitDeny)
}

pub(crate) fn check_resource(resource: &str) -> Result<(), RequestError> {
    if resource == "*" || iamsim_policy::arn::parse_arn(resource).is_ok() {
        Ok(())
    } else {
        Err(RequestError {
            message: format!(
                "`{resource}` is not a resource: give an ARN, or `*` for actions that take none"
            ),
        })
    }
}

fn check_role_arn(arn: &str) -> Result<(), RequestError> {
    if crate::world::split_iam_arn(arn, "role/").is_some() {
        Ok(())
    } else {
        Err(RequestError {
            message: format!("`{arn}` is not a role ARN (arn:aws:iam::ACCOUNT:role/PATH/NAME)"),
        })
    }
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
    let assume_role = Action {
        text: "sts:AssumeRole".into(),
    };
    let request = HopRequest {
        caller,
        action: &assume_role,
        resource: &hop.role_arn,
        context,
        assume: Some(&hop.params),
    };
    let mut h = evaluate_hop(world, &request);
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
            let uncarried = evaluate_hop(
                world,
                &HopRequest {
                    caller: &uncarried_caller,
                    ..request
                },
            );
            if uncarried.decision != h.decision {
                let mut u = uncarried;
                u.notes.push(format!(
                    "with the calling session's MFA carried over, this AssumeRole would be {}; AWS does not document whether MFA carries into a chained AssumeRole, so it is taken as not carried (6.11)",
                    h.decision
                ));
                h = u;
                mfa_carried = false;
            }
        }
    }
    let role = world.role_by_arn(&hop.role_arn);
    // Session duration limits (6.15): a chained session lasts at most one hour.
    if h.decision.is_allow() {
        if let (Some(d), Some(role)) = (hop.params.duration_seconds, role) {
            let chained = matches!(caller, Caller::Session(_));
            if chained && d > 3600 {
                h.decision = Decision::ImplicitDeny;
                h.summary.insert(0, format!("DurationSeconds {d} exceeds one hour, the limit for a role-chained session (6.15); AssumeRole fails"));
            } else if d > role.max_session_duration {
                h.decision = Decision::ImplicitDeny;
                h.summary.insert(0, format!("DurationSeconds {d} exceeds the role's maximum session duration of {} seconds; AssumeRole fails", role.max_session_duration));
            } else if d < 900 {
                h.decision = Decision::ImplicitDeny;
                h.summary.insert(
                    0,
                    format!("DurationSeconds {d} is below the minimum of 900; AssumeRole fails"),
                );
            }
        }
    }
    let ok = h.decision.is_allow();
    path.push(h);
    if !ok {
        return None;
    }
    // Passing tags or a source identity needs its own permission (6.7).
    let mut companions = Vec::new();
    if !hop.params.tags.is_empty() {
        companions.push("sts:TagSession");
    }
    if hop.params.source_identity.is_some() {
        companions.push("sts:SetSourceIdentity");
    }
    for name in companions {
        let action = Action { text: name.into() };
        let request = HopRequest {
            caller,
            action: &action,
            resource: &hop.role_arn,
            context,
            assume: Some(&hop.params),
        };
        let h = evaluate_hop(world, &request);
        let ok = h.decision.is_allow();
        path.push(h);
        if !ok {
            return None;
        }
    }
    let role = role?;
    let mut session = Session::new(role, hop.params.session_name());
    session.session_policies = hop.params.session_policies.clone();
    // The session carries MFA when the call that created it had it (formats.md §3, 6.14).
    let mut hop_ctx = Context::new();
    caller.derive_context(world, &mut hop_ctx);
    if !mfa_carried {
        hop_ctx.set("aws:MultiFactorAuthPresent", "false");
    }
    hop.params.add_context(&mut hop_ctx);
    for (k, v) in context.iter() {
        hop_ctx.insert(k, v.clone());
    }
    session.mfa = crate::eval::context_flag(&hop_ctx, "aws:MultiFactorAuthPresent") == Some(true);
    // The source identity persists down the chain (6.15).
    session.source_identity = hop.params.source_identity.clone().or(match caller {
        Caller::Session(s) => s.source_identity.clone(),
        _ => None,
    });
    session.tags = hop.params.tags.clone();
    Some(Caller::Session(session))
}

fn run_chain(world: &World, q: &Query, start: &Caller, action: &Action, hops: &[ViaHop]) -> Answer {
    let mut path = Vec::new();
    let mut caller = start.clone();
    for hop in hops {
        match assume(world, &caller, hop, &q.context, &mut path) {
            Some(next) => caller = next,
            None => {
                let decision = path
                    .last()
                    .map(|h| h.decision)
                    .unwrap_or(Decision::ImplicitDeny);
                return answer(world, q, start, hops, decision, path, Vec::new());
            }
        }
    }
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
    Answer {
        principal: start.arn(world),
        action: q.action.clone(),
        resource: q.resource.clone(),
        via: hops.iter().map(|h| h.role_arn.clone()).collect(),
        decision,
        path,
        notes,
    }
}

/// `via: "*"`: the shortest allowed chain over the principal graph (crate::graph), each found
/// chain re-run hop by hop as `--via` would run it; when none is allowed, the chain that came
/// closest, with the hop that failed.
fn search(world: &World, q: &Query, start: &Caller, action: &Action) -> Answer {
    let direct = run_chain(world, q, start, action, &[]);
    if direct.decision.is_allow() {
        return direct;
    }
    let found =
        crate::graph::search_chains(world, start, action, &q.resource, &q.context, MAX_CHAIN);
    let hops = |chain: &[String]| -> Vec<ViaHop> {
        chain
            .iter()
            .map(|arn| ViaHop {
                role_arn: arn.clone(),
                params: AssumeRoleParams::default(),
            })
            .collect()
    };
    for chain in &found.allowed {
        let mut a = run_chain(world, q, start, action, &hops(chain));
        if a.decision.is_allow() {
            a.notes.push(format!(
                "found by searching role chains: the shortest allowed chain has {} role(s)",
                chain.len()
            ));
            return a;
        }
    }
    let tried = found.tried;
    let direct_score = crate::graph::closeness(direct.path.last(), true, 0);
    match found.closest {
        Some((chain, score)) if score > direct_score => {
            let mut a = run_chain(world, q, start, action, &hops(&chain));
            a.notes.push(format!(
                "no chain of the world's roles allows it ({tried} AssumeRole step(s) tried); this is the chain that came closest: it fails at hop {}",
                a.path.len()
            ));
            a
        }
        _ => {
            let mut a = direct;
            a.notes.push(format!(
                "no chain of the world's roles allows it ({tried} AssumeRole step(s) tried); the answer is for the principal itself, which came closest"
            ));
            a
        }
    }
}
