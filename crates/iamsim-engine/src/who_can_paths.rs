//! who-can on paths beyond AssumeRole (docs/rules.md 10.4): the principals that reach the
//! request through escalation steps — changing their own policies, groups, boundary or policy
//! versions, creating credentials of another user, handing a role to a service, taking over
//! compute that runs with a role — found by the one path search ([`crate::PathSearch`]) that
//! `can --any-path` uses, each path's final request decided by the one evaluator with the
//! question's open keys, as who-can decides every final request.
//!
//! Chains of AssumeRole hops alone are who-can's own ([`crate::who_can`]); this module adds the
//! paths with at least one other step. A path that relies on a fact the world does not state (a
//! login profile, whether Systems Manager manages an instance, a trust conditional on the
//! service's request) is `conditional`, with that fact among its conditions: never `allow`.
//! A principal already allowed the request outright gains nothing from a path and is not
//! searched.

use crate::account_reach::Reach;
use crate::explain::Decision;
use crate::graph::{Graph, NodeKind};
use crate::open_conditions::{decide_hop, Grant, OpenDecision, OpenKeys};
use crate::path_search::{Limits, PathSearch, Reached, Searched};
use crate::request::{Action, Caller};
use crate::step_index::StepsOpen;
use crate::who_can::{WhoCan, WhoCanEntry, WhoCanQuery, MAX_ENTRIES};
use crate::HopRequest;
use iamsim_world::World;
use std::collections::BTreeSet;
use std::sync::Arc;

const MFA_KEY: &str = "aws:MultiFactorAuthPresent";

/// The most principals the path searches of one who-can answer visit in all (each visit decides
/// the steps open to that principal): past it the principals not yet searched are counted in
/// [`WhoCan::omitted`] and the answer is incomplete, never silently short.
pub const MAX_PATH_NODES: usize = 5_000;

/// Adds an entry for every principal of the graph and every principal it reaches through a path
/// holding an escalation step, whose final request may be allowed. `finals`: the final request
/// of each node, as who-can decided it (`None`: not asked); `only`: the accounts whose entries
/// the question asks for (`None`: every account), an entry being in the account its final
/// request is made in.
///
/// A principal of an account from which no path can reach an account whose principals may be
/// allowed the final request ([`crate::account_reach`]) is not searched, and counted in
/// [`crate::WhoCanStats::path_skipped`]; nor does any search look past such a principal.
#[allow(clippy::too_many_arguments)]
pub(crate) fn add_step_entries<'w>(
    world: &'w World,
    paths: &PathSearch<'w>,
    graph: &Graph<'_>,
    keys: &OpenKeys,
    q: &WhoCanQuery,
    action: &Action,
    finals: &[Option<OpenDecision>],
    only: Option<&BTreeSet<String>>,
    answer: &mut WhoCan,
) {
    let own;
    let search = if std::ptr::eq(paths.world(), world) {
        paths
    } else {
        own = PathSearch::new(world);
        &own
    };
    // The users, roles and root users the final request does not already allow: whom paths of
    // steps may add an entry for.
    let candidates = || {
        graph.nodes.iter().enumerate().filter(|(i, node)| {
            matches!(node.kind, NodeKind::User | NodeKind::Role | NodeKind::Root)
                && !finals
                    .get(*i)
                    .and_then(Option::as_ref)
                    .is_some_and(|d| d.grant == Grant::Allow)
        })
    };
    let reach = search.reaching(action, &q.resource, only);
    let may_reach = |c: &Caller| reach.keeps(c);
    if answer.principals.len() + answer.undecided.len() >= MAX_ENTRIES {
        // The answer is full: an entry any search found would be left out. Every candidate is
        // left unexamined by paths of steps, and counted (those that cannot reach the answer
        // are known to have no path).
        let (kept, skipped): (Vec<_>, Vec<_>) =
            candidates().partition(|(_, node)| may_reach(&node.caller));
        answer.stats.path_skipped += skipped.len();
        answer.omitted = answer.omitted.max(kept.len());
        return;
    }
    // A principal that enabled an MFA device signs in with it: the key is no longer open.
    let mut mfa_context = q.context.clone();
    if !mfa_context.contains(MFA_KEY) {
        mfa_context.set(MFA_KEY, "true");
    }
    let mfa_keys = OpenKeys::new(&mfa_context, world, &graph.named_accounts);
    let mfa_q = WhoCanQuery {
        context: mfa_context,
        ..q.clone()
    };
    let for_caller = |c: &Caller| {
        if c.altered().is_some_and(|a| a.mfa) {
            (&mfa_keys, &mfa_q)
        } else {
            (keys, q)
        }
    };
    // Principals whose own policies allow a step other than AssumeRole are searched first. A
    // principal allowed only AssumeRole takes its first other step as a role it assumed, from
    // that role's plain session, which is itself searched in the first pass: when no search of
    // the first pass found a path with such a step (and none stopped at a bound), no principal
    // of the second pass can have one, and the second pass is skipped.
    let mut skipped = 0;
    let passes = starts(graph, search, candidates(), &may_reach, &mut skipped);
    answer.stats.path_skipped += skipped;
    let mut stepped = false;
    let goals = Goals::default();
    let searched_from = SearchedFrom::default();
    for (pass, starts) in passes.into_iter().enumerate() {
        if pass == 1 && !stepped {
            break;
        }
        for (start, left) in starts {
            let Some(node) = graph.nodes.get(start) else {
                continue;
            };
            if !search_from(
                world,
                search,
                node,
                left,
                q,
                action,
                &for_caller,
                answer,
                &mut stepped,
                &goals,
                &searched_from,
                &reach,
                only,
            ) {
                return;
            }
        }
    }
}

/// The principals to search, in the two passes of [`add_step_entries`], each with how many
/// principals it and those searched after it leave unexamined when a bound stops the answer
/// there. The first pass searches the users and roles, then the root users: one may change and
/// sign in as every user of its account (4.3), and its search must not use up the bound before
/// theirs. Candidates that cannot reach the answer are counted in `skipped`.
fn starts<'a>(
    graph: &Graph<'_>,
    search: &PathSearch<'_>,
    candidates: impl Iterator<Item = (usize, &'a crate::graph::Node<'a>)>,
    may_reach: &dyn Fn(&Caller) -> bool,
    skipped: &mut usize,
) -> [Vec<(usize, usize)>; 2] {
    let (mut stepping, mut roots, mut assuming) = (Vec::new(), Vec::new(), Vec::new());
    for (start, node) in candidates {
        if !may_reach(&node.caller) {
            *skipped += 1;
            continue;
        }
        match search.steps_open(&node.caller) {
            StepsOpen::Others if node.kind == NodeKind::Root => roots.push(start),
            StepsOpen::Others => stepping.push(start),
            StepsOpen::AssumeRoleOnly => assuming.push(start),
            StepsOpen::None => {}
        }
    }
    let nodes = graph.nodes.len();
    // Left unexamined from a start: the nodes after it in the graph, and the root users before
    // it, searched later.
    let left = |start: usize| nodes - start + roots.partition_point(|r| *r < start);
    let first = stepping
        .iter()
        .map(|s| (*s, left(*s)))
        .chain(
            roots
                .iter()
                .enumerate()
                .map(|(i, r)| (*r, roots.len() - i + assuming.len())),
        )
        .collect();
    let second = assuming.iter().map(|s| (*s, nodes - s)).collect();
    [first, second]
}

/// The final request's decision per principal reached (by [`crate::path_cache::caller_key`]):
/// the searches of one answer reach many of the same principals.
type Goals = std::cell::RefCell<std::collections::HashMap<String, Decision>>;

/// What the search of this answer from each principal (by [`crate::path_cache::caller_key`])
/// found, when it ended within its bounds without an allowed path: a later search need not
/// look past it ([`PathSearch::shortest_past`]).
type SearchedFrom = std::cell::RefCell<std::collections::HashMap<String, Searched>>;

/// Searches the paths of one principal and adds its entry; `stepped` is set when the search
/// found a path with a step other than AssumeRole, or stopped at a bound before deciding;
/// `left`: the principals this one and those searched after it leave unexamined when a bound
/// stops the answer here. `false` when a cap on the answer's work or size was reached (the rest
/// is omitted).
#[allow(clippy::too_many_arguments)]
fn search_from<'k>(
    world: &World,
    search: &PathSearch<'_>,
    node: &crate::graph::Node<'_>,
    left: usize,
    q: &WhoCanQuery,
    action: &Action,
    for_caller: &dyn Fn(&Caller) -> (&'k OpenKeys, &'k WhoCanQuery),
    answer: &mut WhoCan,
    stepped: &mut bool,
    goals: &Goals,
    searched_from: &SearchedFrom,
    reach: &Reach,
    only: Option<&BTreeSet<String>>,
) -> bool {
    // The shortest path after which the request is allowed, else the shortest after which
    // it may be (conditions, or what the world does not state): one entry per principal.
    let final_decision = |c: &Caller| {
        let (keys, q) = for_caller(c);
        let d = decide_hop(world, &final_request(c, action, q), Some(keys));
        match d.grant {
            Grant::Allow => Decision::Allow,
            Grant::Conditional(_) | Grant::Indeterminate => Decision::Indeterminate,
            Grant::Deny(d) => d,
        }
    };
    let goal = |c: &Caller| {
        let key = crate::path_cache::caller_key(c);
        if let Some(d) = key.as_ref().and_then(|k| goals.borrow().get(k).copied()) {
            return d;
        }
        let d = final_decision(c);
        if let Some(k) = key {
            goals.borrow_mut().insert(k, d);
        }
        d
    };
    if answer.stats.path_nodes >= MAX_PATH_NODES {
        // The work cap: this principal and every later one are left unexamined, and the
        // answer says it is incomplete.
        answer.omitted = answer.omitted.max(left);
        return false;
    }
    answer.stats.path_starts += 1;
    let limits = Limits {
        max_nodes: MAX_PATH_NODES
            .saturating_sub(answer.stats.path_nodes)
            .max(1),
        ..Limits::default()
    };
    let searched = |c: &Caller| {
        let key = crate::path_cache::caller_key(c)?;
        searched_from.borrow().get(&key).copied()
    };
    let found = search.shortest_past(
        &node.caller,
        &q.context,
        &goal,
        limits,
        Some(&searched),
        reach,
    );
    answer.stats.path_nodes += found.nodes;
    if let Some(s) = Searched::of(&found) {
        if let Some(k) = crate::path_cache::caller_key(&node.caller) {
            searched_from.borrow_mut().insert(k, s);
        }
    }
    if found.capped.is_some() && found.allowed.is_none() {
        // A search stopped by a bound never says "no path": the principal is not examined
        // in full.
        answer.omitted += 1;
        *stepped = true;
    }
    let Some(r) = found.allowed.or(found.conditional) else {
        return true;
    };
    if r.path.iter().all(|h| h.kind == "assume-role") {
        return true;
    }
    *stepped = true;
    let (keys, q) = for_caller(&r.caller);
    if only.is_some() {
        let acting = crate::who_can::acting_account(&acted_as(world, &r.caller), &[]);
        if !crate::who_can::wanted(only, acting) {
            // Made in an account not asked about: noted, not explained.
            if let Some(undecided) = entry_kind(world, keys, q, action, &r) {
                answer.list(&node.name, undecided);
            }
            return true;
        }
    }
    let Some(mut entry) = entry(world, keys, q, action, &node.name, &node.caller, &r) else {
        return true;
    };
    if answer.principals.len() + answer.undecided.len() >= MAX_ENTRIES {
        answer.omitted = answer.omitted.max(left);
        return false;
    }
    if !matches!(entry.grant, Grant::Conditional(_)) {
        entry.terms.clear();
    }
    answer.list(&entry.principal, entry.grant == Grant::Indeterminate);
    if entry.grant == Grant::Indeterminate {
        answer.undecided.push(entry);
    } else {
        answer.principals.push(entry);
    }
    true
}

/// The entry of one path, when its final request may be allowed (or cannot be decided).
fn entry(
    world: &World,
    keys: &OpenKeys,
    q: &WhoCanQuery,
    action: &Action,
    name: &str,
    start: &Caller,
    r: &Reached,
) -> Option<WhoCanEntry> {
    let (grant, terms, fin) = grant_of(world, keys, q, action, r)?;
    let query = crate::chain::Query {
        principal: start.arn(world),
        action: q.action.clone(),
        resource: q.resource.clone(),
        via: crate::chain::Via::Any,
        context: q.context.clone(),
        session_policies: Vec::new(),
    };
    let mut path = crate::escalation_answer::explain_path(world, &query, start, action, r).path;
    // A final request allowed only under some values of the question's open keys is explained
    // for values that meet them, as who-can's own chains are.
    if let (Some(fin), Some(last)) = (fin, path.last_mut()) {
        if let Grant::Conditional(alts) = &fin.grant {
            let mut h = crate::open_conditions::explain_hop(
                world,
                &final_request(&r.caller, action, q),
                Some(keys),
                fin.witness,
            );
            h.notes.insert(0, crate::who_can::conditional_note(alts));
            *last = h;
        }
    }
    Some(WhoCanEntry {
        principal: name.to_string(),
        via: r.path.iter().map(|h| acted_as(world, &h.to)).collect(),
        grant,
        terms,
        path: path.into_iter().map(Arc::new).collect(),
    })
}

/// The question's own request, made by `caller` at the end of a path.
fn final_request<'a>(caller: &'a Caller, action: &'a Action, q: &'a WhoCanQuery) -> HopRequest<'a> {
    HopRequest {
        caller,
        action,
        resource: &q.resource,
        context: &q.context,
        assume: None,
    }
}

/// The grant of one path's entry and its final request's conditions, with the final request's
/// decision (`None`: the path leads to a principal the world does not name); `None` when its
/// final request is refused.
#[allow(clippy::type_complexity)]
fn grant_of(
    world: &World,
    keys: &OpenKeys,
    q: &WhoCanQuery,
    action: &Action,
    r: &Reached,
) -> Option<(
    Grant,
    Vec<Vec<crate::open_conditions::Term>>,
    Option<OpenDecision>,
)> {
    let dead_end = r.path.last().is_some_and(|h| h.dead_end);
    let (mut grant, terms, fin) = if dead_end {
        // Whom the path leads to is unknown: so is the final request.
        (Grant::Allow, Vec::new(), None)
    } else {
        let fin = decide_hop(world, &final_request(&r.caller, action, q), Some(keys));
        (fin.grant.clone(), fin.terms.clone(), Some(fin))
    };
    if !grant.allows_sometimes() && grant != Grant::Indeterminate {
        return None;
    }
    let unknowns = r.unknowns();
    if r.conditional || dead_end {
        // What the path relies on is its condition (formats.md 9): never an allowed path.
        grant = grant.and(&Grant::Conditional(vec![unknowns]));
    }
    Some((grant, terms, fin))
}

/// Whether the entry of one path would be undecided; `None` when there is none.
fn entry_kind(
    world: &World,
    keys: &OpenKeys,
    q: &WhoCanQuery,
    action: &Action,
    r: &Reached,
) -> Option<bool> {
    grant_of(world, keys, q, action, r).map(|(g, _, _)| g == Grant::Indeterminate)
}

/// How `via` names the principal acted as after a hop: a role by its ARN (as who-can's chains
/// name it), any other principal by its own.
fn acted_as(world: &World, caller: &Caller) -> String {
    match caller.role(world) {
        Some(role) => role.arn().to_string(),
        None => caller.arn(world),
    }
}
