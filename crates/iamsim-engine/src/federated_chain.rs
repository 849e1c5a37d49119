//! Questions that start from a federated caller (10.3): its first hop is the provider's
//! AssumeRoleWith* call on a role, decided with the token's claims the question does not give
//! left open (crate::open_conditions); the role's session then goes on as any chain does
//! (crate::chain).

use crate::chain::{run_chain, Query, Via, ViaHop};
use crate::eval::HopRequest;
use crate::explain::{Answer, Decision, Hop};
use crate::open_conditions::{and_terms, decide_hop, explain_hop, Grant, OpenKeys};
use crate::request::{Action, AssumeRoleParams, Caller, Session};
use iamsim_policy::Context;
use iamsim_world::federated::Federated;
use iamsim_world::World;
use std::collections::BTreeSet;

/// The federated hop decided over the claims the question leaves open, explained.
pub(crate) struct FederatedHop {
    pub grant: Grant,
    pub hop: Hop,
}

/// Decides `fed`'s AssumeRoleWith* call on `role_arn` (the first hop of every federated
/// question). `context` already holds what the world fixes of the token
/// ([`Federated::claims_context`]).
pub(crate) fn federated_hop(
    world: &World,
    caller: &Caller,
    fed: &Federated,
    role_arn: &str,
    params: &AssumeRoleParams,
    context: &Context,
    keys: &OpenKeys,
) -> FederatedHop {
    let action = Action {
        text: fed.action().to_string(),
    };
    let req = HopRequest {
        caller,
        action: &action,
        resource: role_arn,
        context,
        assume: Some(params),
    };
    let d = decide_hop(world, &req, Some(keys));
    let mut hop = match &d.explained {
        Some(h) => Hop::clone(h),
        None => explain_hop(world, &req, Some(keys), d.witness),
    };
    if let Some(note) = unrestricted_note(fed, &d.grant, context) {
        hop.notes.push(note);
    }
    // The claims under which it holds, as policies write them (formats.md 5): the answer's
    // `conditions` in `can` and the entry's in `who-can`.
    hop.conditions = match &d.grant {
        Grant::Conditional(_) => d.terms,
        _ => Vec::new(),
    };
    FederatedHop {
        grant: d.grant,
        hop,
    }
}

/// The federated hop as `can` reports it: its decision over every value of the open claims
/// (indeterminate when it depends on them, with the conditions).
fn settled(fh: FederatedHop) -> FederatedHop {
    let FederatedHop { grant, mut hop } = fh;
    match &grant {
        Grant::Allow => hop.decision = Decision::Allow,
        Grant::Conditional(alts) => {
            hop.decision = Decision::Indeterminate;
            hop.summary.insert(
                0,
                format!(
                    "allowed only if {}: the question leaves these keys open (give the token's claims with --context); explained for values that meet it (10.3)",
                    ways(alts)
                ),
            );
        }
        Grant::Indeterminate => hop.decision = Decision::Indeterminate,
        Grant::Deny(x) => hop.decision = *x,
    }
    FederatedHop { grant, hop }
}

/// Alternatives in words: `a and b, or if c`.
pub(crate) fn ways(alts: &[Vec<String>]) -> String {
    alts.iter()
        .map(|a| a.join(" and "))
        .collect::<Vec<_>>()
        .join(", or if ")
}

/// The security note of a trust that lets in every identity of a public provider: allowed
/// whatever the token's `sub` is, when the question does not fix it.
pub(crate) fn unrestricted_note(
    fed: &Federated,
    grant: &Grant,
    context: &Context,
) -> Option<String> {
    use iamsim_policy::ContextLookup;
    let public = match fed.kind {
        iamsim_world::federated::ProviderKind::Oidc
        | iamsim_world::federated::ProviderKind::Named => {
            iamsim_policy::federation::is_public_host(&fed.name)
        }
        iamsim_world::federated::ProviderKind::Saml => false,
    };
    // What names the identity: `sub`; for a Cognito identity pool, `aud` (the pool) too.
    let mut keys = vec![fed.sub_key()];
    if fed.name == "cognito-identity.amazonaws.com" {
        keys.push(fed.aud_key());
    }
    let on_key = |c: &String| keys.iter().any(|k| c.starts_with(k.as_str()));
    let restricted = match grant {
        Grant::Allow => false,
        Grant::Conditional(alts) => alts.iter().all(|a| a.iter().any(on_key)),
        _ => return None,
    };
    let given = keys.iter().any(|k| context.get(k).is_some());
    (public && !restricted && !given).then(|| {
        format!(
            "security: the trust does not restrict `{}`, so every identity of the public provider {} can assume the role (anyone who can obtain one of its tokens, for GitHub Actions any workflow of any repository) (10.3)",
            keys.join("` or `"),
            fed.name
        )
    })
}

/// `ask` for a question whose principal is `federated:...`.
pub(crate) fn ask(world: &World, q: &Query, fed: &Federated, action: &Action) -> Answer {
    let caller = Caller::Federated(fed.clone());
    let context = fed.claims_context(world, &q.context);
    let keys = OpenKeys::new(&context, world, &BTreeSet::new());
    match &q.via {
        Via::Roles(hops) => match hops.split_first() {
            Some((first, rest)) => {
                through(world, q, fed, &caller, first, rest, action, &context, &keys)
            }
            None => direct(world, q, fed, &caller, action, &context, &keys, None),
        },
        Via::Direct => direct(world, q, fed, &caller, action, &context, &keys, None),
        Via::Any => any(world, q, fed, &caller, action, &context, &keys),
    }
}

/// `ask_assume` for a federated principal: the AssumeRoleWith* call itself, with parameters.
pub(crate) fn ask_assume(
    world: &World,
    q: &Query,
    fed: &Federated,
    params: &AssumeRoleParams,
) -> Answer {
    let caller = Caller::Federated(fed.clone());
    let context = fed.claims_context(world, &q.context);
    let keys = OpenKeys::new(&context, world, &BTreeSet::new());
    let action = Action {
        text: fed.action().to_string(),
    };
    direct(
        world,
        q,
        fed,
        &caller,
        &action,
        &context,
        &keys,
        Some(params),
    )
}

/// The request asked as the federated identity itself: its AssumeRoleWith* call, or anything
/// else (refused by the evaluator: such an identity has no permissions of its own).
#[allow(clippy::too_many_arguments)]
fn direct(
    world: &World,
    q: &Query,
    fed: &Federated,
    caller: &Caller,
    action: &Action,
    context: &Context,
    keys: &OpenKeys,
    params: Option<&AssumeRoleParams>,
) -> Answer {
    let default = AssumeRoleParams::default();
    let params = params.unwrap_or(&default);
    let hop = if action.is(fed.action()) {
        settled(federated_hop(
            world,
            caller,
            fed,
            &q.resource,
            params,
            context,
            keys,
        ))
        .hop
    } else {
        crate::eval::evaluate_hop(
            world,
            &HopRequest {
                caller,
                action,
                resource: &q.resource,
                context,
                assume: None,
            },
        )
    };
    Answer {
        principal: fed.principal_name(),
        action: q.action.clone(),
        resource: q.resource.clone(),
        via: Vec::new(),
        decision: hop.decision,
        notes: Vec::new(),
        conditions: hop.conditions.clone(),
        path: vec![hop],
    }
}

/// The question asked through `first` (assumed with the provider's action), then `rest`.
#[allow(clippy::too_many_arguments)]
fn through(
    world: &World,
    q: &Query,
    fed: &Federated,
    caller: &Caller,
    first: &ViaHop,
    rest: &[ViaHop],
    action: &Action,
    context: &Context,
    keys: &OpenKeys,
) -> Answer {
    let fh = settled(federated_hop(
        world,
        caller,
        fed,
        &first.role_arn,
        &first.params,
        context,
        keys,
    ));
    let via: Vec<String> = std::iter::once(first)
        .chain(rest)
        .map(|h| h.role_arn.clone())
        .collect();
    let mut notes = Vec::new();
    let role = world.role_by_arn(&first.role_arn);
    let (Some(role), true) = (role, fh.grant.allows_sometimes()) else {
        return Answer {
            principal: fed.principal_name(),
            action: q.action.clone(),
            resource: q.resource.clone(),
            via,
            decision: fh.hop.decision,
            conditions: fh.hop.conditions.clone(),
            path: vec![fh.hop],
            notes,
        };
    };
    let mut session = Session::new(role, first.params.session_name());
    session.session_policies = first.params.session_policies.clone();
    session.tags = first.params.tags.clone();
    let q2 = Query {
        context: context.clone(),
        ..q.clone()
    };
    let after = run_chain(world, &q2, &Caller::Session(session), action, rest);
    let decision = match (&fh.grant, after.decision) {
        (Grant::Allow, d) => d,
        (_, Decision::Allow) => Decision::Indeterminate,
        (_, d) => d,
    };
    notes.extend(after.notes);
    let conditions = and_terms(&fh.hop.conditions, &after.conditions);
    let mut path = vec![fh.hop];
    path.extend(after.path);
    Answer {
        principal: fed.principal_name(),
        action: q.action.clone(),
        resource: q.resource.clone(),
        via,
        decision,
        path,
        notes,
        conditions,
    }
}

/// `--any-path` from a federated identity: through each role whose trust names its provider,
/// then any chain from that role's session; the first allowed, else the first that may be.
fn any(
    world: &World,
    q: &Query,
    fed: &Federated,
    caller: &Caller,
    action: &Action,
    context: &Context,
    keys: &OpenKeys,
) -> Answer {
    if action.is(fed.action()) {
        return direct(world, q, fed, caller, action, context, keys, None);
    }
    let arn = fed.provider_arn();
    let mut best: Option<Answer> = None;
    for role in world
        .roles()
        .filter(|r| crate::federated_trust::trust_names_provider(r, &arn))
    {
        let first = ViaHop {
            role_arn: role.arn().to_string(),
            params: AssumeRoleParams::default(),
        };
        let fh = federated_hop(world, caller, fed, role.arn(), &first.params, context, keys);
        if !fh.grant.allows_sometimes() {
            continue;
        }
        let from_role = Query {
            principal: role.arn().to_string(),
            via: Via::Any,
            context: context.clone(),
            ..q.clone()
        };
        let Ok(after) = crate::chain::ask(world, &from_role) else {
            continue;
        };
        let rest: Vec<ViaHop> = after
            .via
            .iter()
            .map(|r| ViaHop {
                role_arn: r.clone(),
                params: AssumeRoleParams::default(),
            })
            .collect();
        let a = through(world, q, fed, caller, &first, &rest, action, context, keys);
        if a.decision.is_allow() {
            return a;
        }
        let better = match &best {
            None => true,
            Some(b) => {
                b.decision != Decision::Indeterminate && a.decision == Decision::Indeterminate
            }
        };
        if better {
            best = Some(a);
        }
    }
    match best {
        Some(mut a) => {
            a.notes.push("found by searching the roles that trust the provider and the role chains from them".into());
            a
        }
        None => {
            let mut a = direct(world, q, fed, caller, action, context, keys, None);
            a.notes.push(format!(
                "no role of the world lets an identity of {arn} in (a trust policy naming it under `Federated`)"
            ));
            a
        }
    }
}
