//! `who-can --admin` through paths (docs/command-line.md): a principal is an administrator when
//! some principal it can act as — itself changed by escalation steps, a role it assumes, a user
//! whose credentials it creates — is allowed every request of the admin question at once.
//!
//! The who-can answers of the question ([`crate::admin`]) list each principal with the shortest
//! path to each request, and those paths may differ from request to request (a principal allowed
//! `*` outright but denied one bucket lists no path for `*`, and a path for the bucket). Their
//! entries are matched path by path; a principal of the first answer that no path matched is
//! searched here: the principals it reaches, shortest path first ([`PathSearch::reachable`]),
//! each asked every request of the question by the one evaluator with the question's open keys,
//! until one is allowed them all. Requests allowed one by one along different paths prove
//! nothing: a principal is listed only through one path that holds for every request.

use crate::escalation_hops::principal_name;
use crate::open_conditions::{and_terms, decide_hop, Grant, OpenKeys, Term};
use crate::path_search::{Limits, PathSearch, Reached};
use crate::request::{Action, Caller};
use crate::who_can::WhoCanEntry;
use crate::HopRequest;
use iamsim_policy::Context;
use iamsim_world::World;
use std::collections::BTreeSet;
use std::sync::Arc;

/// The most principals the searches of one admin question visit in all; past it the principals
/// not searched are counted as omitted and the answer is incomplete.
pub const MAX_ADMIN_PATH_NODES: usize = 5_000;

/// The requests (action, resource) asked of the principals acting in an account; `None`: an
/// account not asked about.
pub(crate) type AccountRequests<'a> = &'a dyn Fn(&str) -> Option<Vec<(String, String)>>;

/// What the searches found.
#[derive(Default)]
pub(crate) struct PathAdmins {
    pub(crate) principals: Vec<WhoCanEntry>,
    pub(crate) undecided: Vec<WhoCanEntry>,
    /// Candidates not searched (the bound), or whose search stopped before it was complete.
    pub(crate) omitted: usize,
}

/// Searches each of `candidates` (principal names as who-can lists them) for a path to a
/// principal allowed every request of `requests(account)`, the requests asked of the account
/// the principal reached acts in (`None`: an account not asked about; `only`: the accounts
/// asked about, when not every account is).
pub(crate) fn admins_through_paths(
    search: &PathSearch<'_>,
    context: &Context,
    candidates: &[String],
    requests: AccountRequests<'_>,
    only: Option<&BTreeSet<String>>,
) -> PathAdmins {
    let mut out = PathAdmins::default();
    let world = search.world();
    let mut mfa_context = context.clone();
    if !mfa_context.contains("aws:MultiFactorAuthPresent") {
        mfa_context.set("aws:MultiFactorAuthPresent", "true");
    }
    let keys = OpenKeys::new(context, world, &BTreeSet::new());
    let mfa_keys = OpenKeys::new(&mfa_context, world, &BTreeSet::new());
    // Only principals acting in an account asked about can be listed: a search looks past no
    // principal of an account from which none of them can be reached (crate::account_reach).
    let any = Action {
        text: crate::admin::ANY_ACTION.to_string(),
    };
    let reach = search.reaching(&any, "*", only);
    let mut visited = 0usize;
    for (i, name) in candidates.iter().enumerate() {
        let Ok(start) = Caller::parse(world, name) else {
            continue;
        };
        if !reach.keeps(&start) {
            continue;
        }
        if visited >= MAX_ADMIN_PATH_NODES {
            out.omitted += candidates.len() - i;
            break;
        }
        let limits = Limits {
            max_nodes: MAX_ADMIN_PATH_NODES - visited,
            ..Limits::default()
        };
        let (reached, capped) = search.reachable_within(&start, context, limits, &reach);
        visited += reached.len();
        let mut undecided: Option<WhoCanEntry> = None;
        let mut found = false;
        for r in reached.iter().filter(|r| !r.path.is_empty()) {
            let Some(account) = r.caller.account() else {
                continue;
            };
            let Some(asked) = requests(account) else {
                continue;
            };
            let (ctx, keys) = if r.caller.altered().is_some_and(|a| a.mfa) {
                (&mfa_context, &mfa_keys)
            } else {
                (context, &keys)
            };
            let (grant, terms) = decide_all(world, &r.caller, &asked, ctx, keys, r);
            let entry = |grant: Grant, terms: Vec<Vec<Term>>| {
                entry(world, name, &start, r, grant, terms, ctx)
            };
            match grant {
                Grant::Allow | Grant::Conditional(_) => {
                    out.principals.push(entry(grant, terms));
                    found = true;
                    break;
                }
                Grant::Indeterminate if undecided.is_none() => {
                    undecided = Some(entry(grant, Vec::new()));
                }
                _ => {}
            }
        }
        if !found {
            out.undecided.extend(undecided);
            if capped.is_some() {
                out.omitted += 1;
            }
        }
    }
    out
}

/// Every request of `asked` decided for `caller`, and what the path relies on: allowed only
/// when each is.
fn decide_all(
    world: &World,
    caller: &Caller,
    asked: &[(String, String)],
    context: &Context,
    keys: &OpenKeys,
    r: &Reached,
) -> (Grant, Vec<Vec<Term>>) {
    let mut grant = Grant::Allow;
    let mut terms: Vec<Vec<Term>> = Vec::new();
    for (action, resource) in asked {
        let action = Action {
            text: action.clone(),
        };
        let d = decide_hop(
            world,
            &HopRequest {
                caller,
                action: &action,
                resource,
                context,
                assume: None,
            },
            Some(keys),
        );
        if matches!(d.grant, Grant::Conditional(_)) {
            terms = and_terms(&terms, &d.terms);
        }
        grant = grant.and(&d.grant);
        if matches!(grant, Grant::Deny(_)) {
            return (grant, Vec::new());
        }
    }
    if r.conditional || r.path.last().is_some_and(|h| h.dead_end) {
        // What the path relies on is its condition (formats.md 9): never an allowed path.
        grant = grant.and(&Grant::Conditional(vec![r.unknowns()]));
    }
    if !matches!(grant, Grant::Conditional(_)) {
        terms.clear();
    }
    (grant, terms)
}

/// The entry of one path: its hops explained as `can --any-path` explains them, then the first
/// request of the question (every action on every resource).
fn entry(
    world: &World,
    name: &str,
    start: &Caller,
    r: &Reached,
    grant: Grant,
    terms: Vec<Vec<Term>>,
    context: &Context,
) -> WhoCanEntry {
    let action = Action {
        text: crate::admin::ANY_ACTION.to_string(),
    };
    let query = crate::chain::Query {
        principal: start.arn(world),
        action: action.text.clone(),
        resource: "*".into(),
        via: crate::chain::Via::Any,
        context: context.clone(),
        session_policies: Vec::new(),
    };
    let explained = crate::escalation_answer::explain_path(world, &query, start, &action, r);
    WhoCanEntry {
        principal: name.to_string(),
        via: r
            .path
            .iter()
            .map(|h| principal_name(world, &h.to))
            .collect(),
        grant,
        terms,
        path: explained.path.into_iter().map(Arc::new).collect(),
    }
}
