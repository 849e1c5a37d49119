//! The answer of `can --any-path` and `via: "*"` when a path of escalation steps decides it
//! (docs/rules.md 10.4): the hops of the path the search chose, each request explained by the
//! one evaluator as the principal that made it, then the final request as the principal the path
//! ends at.

use crate::chain::{assume_with, Query, ViaHop};
use crate::escalation_hops::worst;
use crate::eval::{evaluate_hop, HopRequest};
use crate::explain::{Answer, Decision, Hop, HopStep};
use crate::path_search::Reached;
use crate::request::{Action, AssumeRoleParams, Caller};
use iamsim_policy::Context;
use iamsim_world::World;

/// The explained answer along `reached`: `Allow` when every hop and the final request are
/// allowed; otherwise the decision the hops and the final request come to, at best
/// `Indeterminate` when the path relies on what the world does not state.
pub(crate) fn explain_path(
    world: &World,
    q: &Query,
    start: &Caller,
    action: &Action,
    reached: &Reached,
) -> Answer {
    let mut path: Vec<Hop> = Vec::new();
    let mut current = start.clone();
    let mut decision = Decision::Allow;
    for (i, hop) in reached.path.iter().enumerate() {
        let step = HopStep {
            number: i + 1,
            kind: hop.kind.to_string(),
            words: hop.words.clone(),
            unknown: hop.unknown.clone(),
        };
        let mut hops: Vec<Hop> = Vec::new();
        if hop.kind == "assume-role" {
            let via = ViaHop {
                role_arn: hop.target.clone(),
                params: AssumeRoleParams::default(),
            };
            assume_with(world, &current, &via, &q.context, &evaluate_hop, &mut |h| {
                hops.push(h)
            });
        } else {
            for r in &hop.requests {
                hops.push(explain_request(world, &current, r, &q.context));
            }
        }
        for mut h in hops {
            decision = worst(decision, h.decision);
            h.step = Some(step.clone());
            path.push(h);
        }
        if hop.unknown.is_some() || hop.dead_end {
            decision = worst(decision, Decision::Indeterminate);
        }
        current = hop.to.clone();
    }
    let dead_end = reached.path.last().is_some_and(|h| h.dead_end);
    let conditions;
    if dead_end {
        conditions = Vec::new();
    } else {
        let last = evaluate_hop(
            world,
            &HopRequest {
                caller: &current,
                action,
                resource: &q.resource,
                context: &q.context,
                assume: None,
            },
        );
        decision = worst(decision, last.decision);
        conditions = last.conditions.clone();
        path.push(last);
    }
    let mut notes = Vec::new();
    if let Some(a) = current.altered() {
        let changes: Vec<String> = a.changes.iter().map(|c| c.describe()).collect();
        notes.push(format!(
            "the final request is made by {} as the path left it: it {}",
            current.arn(world),
            changes.join(", it ")
        ));
    }
    for u in reached.unknowns() {
        notes.push(format!(
            "the path relies on {u}, so it is never an allowed path"
        ));
    }
    Answer {
        principal: start.arn(world),
        action: q.action.clone(),
        resource: q.resource.clone(),
        via: reached.path.iter().map(|h| h.to_name(world)).collect(),
        decision,
        path,
        notes,
        conditions: if decision == Decision::Indeterminate {
            conditions
        } else {
            Vec::new()
        },
    }
}

/// One request of a step, explained as `caller` made it.
fn explain_request(
    world: &World,
    caller: &Caller,
    r: &crate::escalation_hops::StepRequest,
    context: &Context,
) -> Hop {
    let mut ctx = context.clone();
    for (k, v) in &r.context {
        if !ctx.contains(k) {
            ctx.set(k, v.clone());
        }
    }
    let action = Action {
        text: r.action.clone(),
    };
    let mut h = evaluate_hop(
        world,
        &HopRequest {
            caller,
            action: &action,
            resource: &r.resource,
            context: &ctx,
            assume: None,
        },
    );
    for (k, v) in &r.context {
        h.notes.push(format!("asked with {k} = {v}"));
    }
    h
}
