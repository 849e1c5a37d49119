//! `who-can` (docs/command-line.md): every principal of a world, and every role chain, by which an
//! action on a resource is allowed — plus what the world cannot enumerate: any principal of an
//! account outside the world that a policy names (`account:<id>`), of any other account
//! (`account:*`), and anonymous callers.
//!
//! The question fixes no request environment, so conditions on keys it leaves open are decided
//! both ways (crate::open_conditions): an answer that holds only for some values is `conditional`, with the
//! conditions, never `allow`.
//!
//! Work is proportional to what can matter, not to principals × roles: first the final request
//! is decided for every principal that may be allowed it (an identity Allow may match, or the
//! resource policy names it); then, backwards from the roles allowed it, the AssumeRole edges
//! into each such role (its trust policy's candidates, crate::graph); then, forwards from every
//! principal over those edges, the shortest chain to each role (breadth-first, no loops, at most
//! [`MAX_CHAIN`] roles). Chains whose every hop is allowed outright are preferred to shorter
//! ones that hold only under conditions.

use crate::chain::{check_resource, MAX_CHAIN};
use crate::eval::HopRequest;
use crate::explain::Hop;
use crate::graph::{Graph, NodeKind};
use crate::open_conditions::{
    and_terms, decide_hop_only, explain_hop, Grant, OpenDecision, OpenKeys, Term,
};
use crate::request::{Action, AssumeRoleParams, Caller, RequestError};
use iamsim_policy::{Context, RequestResource};
use iamsim_world::{LoadedPolicy, World};
use rayon::prelude::*;
use std::collections::HashMap;
use std::sync::Arc;

/// Principals whose final request one task decides (who-can's step 1 runs on every core).
const FINALS_PER_TASK: usize = 256;

/// A who-can question.
#[derive(Clone, Debug)]
pub struct WhoCanQuery {
    /// The action asked, `service:Operation`.
    pub action: String,
    /// The resource's ARN (`*` for actions on no resource).
    pub resource: String,
    /// Keys the question fixes (`--context`); every other request key is open.
    pub context: Context,
}

/// One principal, perhaps through a chain of roles.
#[derive(Clone, Debug)]
pub struct WhoCanEntry {
    /// A user, role (a session of it) or root ARN, an outside ARN, `account:<id>`,
    /// `account:*`, or `anonymous`.
    pub principal: String,
    /// The roles assumed, in order.
    pub via: Vec<String>,
    /// `Allow`, `Conditional`, or (in [`WhoCan::undecided`]) `Indeterminate`.
    pub grant: Grant,
    /// The conditions of a `conditional` entry as policies write them (formats.md 5): every way
    /// it holds, each a list of terms that must all hold, in the order of
    /// [`WhoCanEntry::alternatives`]; empty otherwise.
    pub terms: Vec<Vec<Term>>,
    /// One hop per AssumeRole and the final request, as `can` explains them; a conditional
    /// hop is explained under values that meet its conditions. Shared between the entries
    /// that take the same hop.
    pub path: Vec<Arc<Hop>>,
}

impl WhoCanEntry {
    /// `allow`, `conditional` or `indeterminate`.
    pub fn decision(&self) -> &'static str {
        match self.grant {
            Grant::Allow => "allow",
            Grant::Conditional(_) => "conditional",
            _ => "indeterminate",
        }
    }

    /// The conditions of the first (fewest-condition) way it holds; empty when allowed.
    pub fn conditions(&self) -> &[String] {
        match &self.grant {
            Grant::Conditional(alts) => alts.first().map(Vec::as_slice).unwrap_or(&[]),
            _ => &[],
        }
    }

    /// Every way it holds, each a list of conditions that must all hold.
    pub fn alternatives(&self) -> &[Vec<String>] {
        match &self.grant {
            Grant::Conditional(alts) => alts,
            _ => &[],
        }
    }
}

/// The answer.
#[derive(Clone, Debug)]
pub struct WhoCan {
    /// The question's action.
    pub action: String,
    /// The question's resource.
    pub resource: String,
    /// Allowed or conditional, by principal, then chain length.
    pub principals: Vec<WhoCanEntry>,
    /// Principals and chains the world cannot decide (indeterminate: never allowed, but not
    /// proven denied either), with why.
    pub undecided: Vec<WhoCanEntry>,
    /// Counts of what was decided, for people and benchmarks.
    pub stats: WhoCanStats,
    /// Principals (with their chains) left unexamined, or examined only in part, because the
    /// answer reached [`MAX_ENTRIES`]: the answer is incomplete when this is not zero.
    pub omitted: usize,
    /// For a question about some accounts only ([`who_can_within`]): the principal of every
    /// entry in the order it is found, with whether it is undecided, the entries left out
    /// because their final request is made in another account included.
    pub(crate) listing: Option<Vec<(String, bool)>>,
}

impl WhoCan {
    /// The principals of the entries, in the order the answer lists them (allowed or
    /// conditional, then undecided), each once; for a question about some accounts only, those
    /// of the entries left out too.
    pub(crate) fn entry_principals(&self) -> Vec<&str> {
        let mut seen = std::collections::HashSet::new();
        let names: Vec<&str> = match &self.listing {
            Some(l) => l
                .iter()
                .filter(|(_, u)| !u)
                .chain(l.iter().filter(|(_, u)| *u))
                .map(|(n, _)| n.as_str())
                .collect(),
            None => self
                .principals
                .iter()
                .chain(self.undecided.iter())
                .map(|e| e.principal.as_str())
                .collect(),
        };
        names.into_iter().filter(|n| seen.insert(*n)).collect()
    }

    /// Notes an entry of `principal` found for a question about some accounts only, kept in
    /// the answer or not.
    pub(crate) fn list(&mut self, principal: &str, undecided: bool) {
        if let Some(l) = &mut self.listing {
            l.push((principal.to_string(), undecided));
        }
    }
}

/// The account in which an entry's final request is made: that of the principal acted as last
/// (`via`'s last, else the principal), when it names one.
pub(crate) fn acting_account(principal: &str, via: &[String]) -> Option<String> {
    let last = via.last().map_or(principal, String::as_str);
    let arn = iamsim_policy::arn::parse_arn(last).ok()?;
    iamsim_policy::arn::is_account_id(arn.account).then(|| arn.account.to_string())
}

/// Whether an entry acting in `account` is one a question about `only`'s accounts wants.
pub(crate) fn wanted(
    only: Option<&std::collections::BTreeSet<String>>,
    account: Option<String>,
) -> bool {
    only.is_none_or(|o| account.is_some_and(|a| o.contains(&a)))
}

/// The most entries (allowed, conditional and undecided) one who-can answer holds: the search
/// stops there and counts the principals it did not examine ([`WhoCan::omitted`]). Entries cost
/// time, memory and output in proportion to their number, which grows with principals x roles.
pub const MAX_ENTRIES: usize = 10_000;

/// How much one who-can answer decided and how long each stage took.
#[derive(Clone, Copy, Debug, Default)]
pub struct WhoCanStats {
    /// Nodes of the principal graph (principals, role sessions, outside principals).
    pub principals: usize,
    /// Final requests decided (principals that may be allowed it).
    pub final_requests: usize,
    /// AssumeRole edges decided (candidates of the roles that reach the request).
    pub assume_edges: usize,
    /// Roles from which the request can be reached.
    pub roles_reaching: usize,
    /// Principals whose paths of escalation steps were searched (10.4 and the steps of
    /// docs/rules.md 10).
    pub path_starts: usize,
    /// The principals those searches visited in all (bounded by [`crate::WHO_CAN_MAX_PATH_NODES`]).
    pub path_nodes: usize,
    /// Principals not searched for paths of escalation steps because no path from their
    /// account can reach an account whose principals may be allowed the request.
    pub path_skipped: usize,
    /// Time to build the principal graph.
    pub graph_time: std::time::Duration,
    /// Time until the final requests were decided (from the start).
    pub finals_time: std::time::Duration,
    /// Time until the AssumeRole edges were decided (from the start).
    pub edges_time: std::time::Duration,
    /// Time until the explained answer was complete (from the start).
    pub total_time: std::time::Duration,
}

struct Edge {
    from: usize,
    to: usize,
    decision: OpenDecision,
}

/// Answers a who-can question.
pub fn who_can(world: &World, q: &WhoCanQuery) -> Result<WhoCan, RequestError> {
    who_can_with(world, &crate::PathSearch::new(world), q)
}

/// [`who_can`], with paths of escalation steps searched through `paths` (the path search of
/// this same world, whose kept work the questions asked through it share); the answer is the
/// same.
pub fn who_can_with<'w>(
    world: &'w World,
    paths: &crate::PathSearch<'w>,
    q: &WhoCanQuery,
) -> Result<WhoCan, RequestError> {
    who_can_within(world, paths, q, None)
}

/// [`who_can_with`] for a question that wants only the entries whose final request is made in
/// one of `only`'s accounts (`None`: every account): the other entries are left out, unexplained
/// and not counted towards [`MAX_ENTRIES`], their principals noted in [`WhoCan::listing`]; and
/// the search of escalation paths skips the principals that cannot reach those accounts
/// ([`crate::account_reach`]).
pub(crate) fn who_can_within<'w>(
    world: &'w World,
    paths: &crate::PathSearch<'w>,
    q: &WhoCanQuery,
    only: Option<&std::collections::BTreeSet<String>>,
) -> Result<WhoCan, RequestError> {
    let t0 = std::time::Instant::now();
    let action = Action::parse(&q.action)?;
    check_resource(&q.resource)?;
    let service = action.service();
    let resource = if q.resource == "*" {
        RequestResource::Wildcard { service: &service }
    } else {
        RequestResource::Arn(&q.resource)
    };
    let policies = resource_policies(world, &q.resource, &action);
    let mut graph = Graph::build(world, true, &policies);
    graph.add_unlisted(&policies);
    // A key's grant to a session by name (13.8).
    graph.add_sessions(crate::kms::granted_sessions(world, &q.resource));
    graph.add_outside(crate::kms::granted_outside(world, &q.resource));
    let keys = OpenKeys::new(&q.context, world, &graph.named_accounts);
    let t_graph = t0.elapsed();
    let mut named = graph.named_by(&policies, &action.text);
    named.owner = resource_owner(world, &q.resource);
    let assume_action = Action {
        text: "sts:AssumeRole".into(),
    };
    let params = AssumeRoleParams::default();
    // A session a policy names by session name is reached by an AssumeRole with that name.
    let session_params: HashMap<usize, AssumeRoleParams> = (0..graph.nodes.len())
        .filter(|i| graph.is_named_session(*i))
        .filter_map(|i| match graph.nodes.get(i).map(|n| &n.caller) {
            Some(Caller::Session(s)) => Some((
                i,
                AssumeRoleParams {
                    session_name: Some(s.session_name.clone()),
                    ..AssumeRoleParams::default()
                },
            )),
            _ => None,
        })
        .collect();
    let mut explainer = Explainer {
        world,
        graph: &graph,
        keys: &keys,
        q,
        action: &action,
        assume_action: &assume_action,
        params: &params,
        session_params: &session_params,
        hops: HashMap::new(),
    };
    let mut stats = WhoCanStats {
        principals: graph.nodes.len(),
        ..WhoCanStats::default()
    };
    let finals = explainer.final_decisions(resource, &named, &mut stats);
    let t_finals = t0.elapsed();
    let (edges, out) = explainer.edges_into_roles(&finals, &mut stats);
    let mut answer = WhoCan {
        action: q.action.clone(),
        resource: q.resource.clone(),
        principals: Vec::new(),
        undecided: Vec::new(),
        stats,
        omitted: 0,
        listing: only.map(|_| Vec::new()),
    };
    answer.stats.graph_time = t_graph;
    answer.stats.finals_time = t_finals;
    answer.stats.edges_time = t0.elapsed();
    explainer.entries(&finals, &edges, &out, only, &mut answer);
    crate::who_can_paths::add_step_entries(
        world,
        paths,
        &graph,
        &keys,
        q,
        &action,
        &finals,
        only,
        &mut answer,
    );
    let before = (answer.principals.len(), answer.undecided.len());
    crate::federated_who_can::add_entries(world, q, &mut answer);
    if let Some(listing) = &mut answer.listing {
        for (list, from, undecided) in [
            (&answer.principals, before.0, false),
            (&answer.undecided, before.1, true),
        ] {
            listing.extend(
                list.iter()
                    .skip(from)
                    .map(|e| (e.principal.clone(), undecided)),
            );
        }
    }
    answer.stats.total_time = t0.elapsed();
    Ok(answer)
}

/// The AssumeRole edges into one role that may be allowed (caller node, decision), with how many
/// candidate callers were decided.
type EdgesInto = (usize, Vec<(usize, OpenDecision)>);

impl Explainer<'_, '_> {
    /// Step 1: the final request, for every principal that may be allowed it (`None`: not
    /// asked).
    fn final_decisions(
        &self,
        resource: RequestResource<'_>,
        named: &crate::graph::NamedByResource,
        stats: &mut WhoCanStats,
    ) -> Vec<Option<OpenDecision>> {
        let (world, q) = (self.world, self.q);
        // Each principal's decision is independent of the others: decided on both cores, in
        // chunks (most principals are ruled out by the index at once), kept in node order.
        let finals: Vec<Option<OpenDecision>> = self
            .graph
            .nodes
            .par_iter()
            .enumerate()
            .with_min_len(FINALS_PER_TASK)
            .map(|(i, node)| {
                // An action on `*` acts on the caller's own account (2.10): for an outside
                // principal that is an account outside the world.
                let own_account_outside = q.resource == "*" && node.kind == NodeKind::Outside;
                // A key's grantee may be allowed by its grant alone (13.8).
                let examined = self
                    .graph
                    .may_be_allowed(i, &self.action.text, resource, named)
                    || crate::kms::granted_directly(world, &q.resource, &node.caller);
                if own_account_outside || !examined {
                    return None;
                }
                let req = HopRequest {
                    caller: &node.caller,
                    action: self.action,
                    resource: &q.resource,
                    context: &q.context,
                    assume: None,
                };
                Some(decide_hop_only(world, &req, Some(self.keys)))
            })
            .collect();
        stats.final_requests += finals.iter().filter(|d| d.is_some()).count();
        finals
    }

    /// Step 2, backwards from the roles allowed the final request: the AssumeRole edges into
    /// every role that can reach one, and each node's outgoing edges (by target).
    fn edges_into_roles(
        &self,
        finals: &[Option<OpenDecision>],
        stats: &mut WhoCanStats,
    ) -> (Vec<Edge>, Vec<Vec<usize>>) {
        let graph = self.graph;
        let reportable = |d: &Option<OpenDecision>| {
            d.as_ref()
                .is_some_and(|d| !matches!(d.grant, Grant::Deny(_)))
        };
        let mut edges: Vec<Edge> = Vec::new();
        let mut reaches = vec![false; graph.nodes.len()];
        let mut frontier: Vec<usize> = Vec::new();
        for (i, node) in graph.nodes.iter().enumerate() {
            if node.kind == NodeKind::Role && finals.get(i).is_some_and(reportable) {
                if let Some(r) = reaches.get_mut(i) {
                    *r = true;
                }
                frontier.push(i);
            }
        }
        // Breadth first, a depth at a time: the edges into the roles of one depth are decided
        // on both cores (each independent of the others), then taken in queue order, so the
        // edges and the roles queued next are those of a search one role at a time.
        while !frontier.is_empty() {
            let decided: Vec<Option<EdgesInto>> =
                frontier.par_iter().map(|&r| self.edges_into(r)).collect();
            let mut next = Vec::new();
            for (r, found) in frontier.iter().zip(decided) {
                let Some((tried, found)) = found else {
                    continue;
                };
                stats.roles_reaching += 1;
                stats.assume_edges += tried;
                for (c, decision) in found {
                    edges.push(Edge {
                        from: c,
                        to: *r,
                        decision,
                    });
                    let is_role = graph.nodes.get(c).is_some_and(|n| n.kind == NodeKind::Role);
                    if is_role && reaches.get(c) == Some(&false) {
                        if let Some(x) = reaches.get_mut(c) {
                            *x = true;
                        }
                        next.push(c);
                    }
                }
            }
            frontier = next;
        }
        let mut out: Vec<Vec<usize>> = vec![Vec::new(); graph.nodes.len()];
        for (i, e) in edges.iter().enumerate() {
            if let Some(o) = out.get_mut(e.from) {
                o.push(i);
            }
        }
        for o in &mut out {
            o.sort_by_key(|e| edges.get(*e).map(|e| e.to));
        }
        (edges, out)
    }

    /// The AssumeRole edges into node `r` (a role's session) that may be allowed, with how
    /// many candidate callers were decided; `None` when `r` is not a role's node.
    fn edges_into(&self, r: usize) -> Option<EdgesInto> {
        let graph = self.graph;
        let role = graph.nodes.get(r).and_then(|n| n.role)?;
        let mut tried = 0;
        let mut found = Vec::new();
        for c in graph.assume_candidates(role) {
            if c == r {
                continue;
            }
            let Some(caller) = graph.nodes.get(c) else {
                continue;
            };
            tried += 1;
            let req = HopRequest {
                caller: &caller.caller,
                action: self.assume_action,
                resource: role.arn(),
                context: &self.q.context,
                assume: Some(self.session_params.get(&r).unwrap_or(self.params)),
            };
            let decision = decide_hop_only(self.world, &req, Some(self.keys));
            if decision.grant.allows_sometimes() {
                found.push((c, decision));
            }
        }
        Some((tried, found))
    }

    /// Step 3, forwards from every principal: the shortest chain to each role, and an entry for
    /// each chain whose hops and final request may all be allowed (or cannot be decided).
    fn entries(
        &mut self,
        finals: &[Option<OpenDecision>],
        edges: &[Edge],
        out: &[Vec<usize>],
        only: Option<&std::collections::BTreeSet<String>>,
        answer: &mut WhoCan,
    ) {
        let nodes = self.graph.nodes.len();
        'search: for start in 0..nodes {
            let mut chains: Vec<Vec<usize>> = vec![Vec::new()];
            if out.get(start).is_some_and(|o| !o.is_empty()) {
                let unconditional = bfs(out, edges, start, true);
                let any = bfs(out, edges, start, false);
                let mut reached: Vec<(usize, usize)> =
                    any.iter().map(|(n, (_, d))| (*d, *n)).collect();
                reached.sort_unstable();
                for (_, n) in reached {
                    let tree = if unconditional.contains_key(&n) {
                        &unconditional
                    } else {
                        &any
                    };
                    chains.push(chain_to(tree, edges, start, n));
                }
            }
            for chain in chains {
                let last = chain
                    .last()
                    .and_then(|e| edges.get(*e))
                    .map_or(start, |e| e.to);
                let Some(Some(fin)) = finals.get(last) else {
                    continue;
                };
                let mut grant = Grant::Allow;
                let mut terms: Vec<Vec<Term>> = Vec::new();
                for d in chain
                    .iter()
                    .filter_map(|e| edges.get(*e))
                    .map(|e| &e.decision)
                    .chain([fin])
                {
                    grant = grant.and(&d.grant);
                    if matches!(d.grant, Grant::Conditional(_)) {
                        terms = and_terms(&terms, &d.terms);
                    }
                }
                let undecided = grant == Grant::Indeterminate;
                if !grant.allows_sometimes() && !undecided {
                    continue;
                }
                if only.is_some() {
                    let name = |n: usize| self.graph.nodes.get(n).map_or("", |n| &n.name);
                    let acting = acting_account(name(last), &[]);
                    if !wanted(only, acting) {
                        // Made in an account not asked about: noted, not explained.
                        answer.list(name(start), undecided);
                        continue;
                    }
                }
                if answer.principals.len() + answer.undecided.len() >= MAX_ENTRIES {
                    // The work cap: this principal and every later one are left unexamined.
                    answer.omitted = nodes - start;
                    break 'search;
                }
                if !matches!(grant, Grant::Conditional(_)) {
                    terms.clear();
                }
                let mut entry = self.entry(start, &chain, edges, last, fin, grant);
                entry.terms = terms;
                answer.list(&entry.principal, undecided);
                if undecided {
                    answer.undecided.push(entry);
                } else {
                    answer.principals.push(entry);
                }
            }
        }
    }
}

/// Breadth-first from `start` over the edges (only unconditional ones if asked): for each role
/// reached, the edge it was first reached by and its depth.
fn bfs(
    out: &[Vec<usize>],
    edges: &[Edge],
    start: usize,
    unconditional: bool,
) -> HashMap<usize, (usize, usize)> {
    let mut seen: HashMap<usize, (usize, usize)> = HashMap::new();
    let mut frontier = vec![start];
    for depth in 1..=MAX_CHAIN {
        let mut next = Vec::new();
        for n in &frontier {
            for ei in out.get(*n).into_iter().flatten() {
                let Some(e) = edges.get(*ei) else { continue };
                if e.to == start || seen.contains_key(&e.to) {
                    continue;
                }
                if unconditional && e.decision.grant != Grant::Allow {
                    continue;
                }
                seen.insert(e.to, (*ei, depth));
                next.push(e.to);
            }
        }
        if next.is_empty() {
            break;
        }
        frontier = next;
    }
    seen
}

fn chain_to(
    tree: &HashMap<usize, (usize, usize)>,
    edges: &[Edge],
    start: usize,
    mut n: usize,
) -> Vec<usize> {
    let mut chain = Vec::new();
    while n != start {
        let Some((e, _)) = tree.get(&n) else { break };
        chain.push(*e);
        match edges.get(*e) {
            Some(edge) => n = edge.from,
            None => break,
        }
        if chain.len() > MAX_CHAIN {
            break;
        }
    }
    chain.reverse();
    chain
}

/// Builds explained paths, explaining each edge and final request once.
struct Explainer<'a, 'w> {
    world: &'w World,
    graph: &'a Graph<'w>,
    keys: &'a OpenKeys,
    q: &'a WhoCanQuery,
    action: &'a Action,
    assume_action: &'a Action,
    params: &'a AssumeRoleParams,
    /// The AssumeRole parameters into named sessions, by node.
    session_params: &'a HashMap<usize, AssumeRoleParams>,
    /// (edge index or usize::MAX, node) → hop.
    hops: HashMap<(usize, usize), Arc<Hop>>,
}

impl Explainer<'_, '_> {
    fn entry(
        &mut self,
        start: usize,
        chain: &[usize],
        edges: &[Edge],
        last: usize,
        fin: &OpenDecision,
        grant: Grant,
    ) -> WhoCanEntry {
        let mut path = Vec::new();
        let mut via = Vec::new();
        for ei in chain {
            let Some(e) = edges.get(*ei) else { continue };
            // A role's ARN, or the session's ARN for a session a policy names by name.
            if let Some(n) = self.graph.nodes.get(e.to).filter(|n| n.role.is_some()) {
                via.push(n.name.to_string());
            }
            path.push(self.hop(*ei, e.from, Some(e.to), &e.decision));
        }
        path.push(self.hop(usize::MAX, last, None, fin));
        WhoCanEntry {
            principal: self
                .graph
                .nodes
                .get(start)
                .map(|n| n.name.to_string())
                .unwrap_or_default(),
            via,
            grant,
            terms: Vec::new(),
            path,
        }
    }

    fn hop(
        &mut self,
        key: usize,
        caller: usize,
        role: Option<usize>,
        d: &OpenDecision,
    ) -> Arc<Hop> {
        if let Some(h) = self.hops.get(&(key, caller)) {
            return Arc::clone(h);
        }
        let node = self.graph.nodes.get(caller);
        let fallback = Caller::Anonymous;
        let caller_ref = node.map_or(&fallback, |n| &n.caller);
        let role_arn = role
            .and_then(|r| self.graph.nodes.get(r))
            .and_then(|n| n.role)
            .map(|r| r.arn());
        let req = HopRequest {
            caller: caller_ref,
            action: if role_arn.is_some() {
                self.assume_action
            } else {
                self.action
            },
            resource: role_arn.unwrap_or(&self.q.resource),
            context: &self.q.context,
            assume: role_arn.map(|_| {
                role.and_then(|r| self.session_params.get(&r))
                    .unwrap_or(self.params)
            }),
        };
        let mut h = match &d.explained {
            Some(h) => Hop::clone(h),
            None => explain_hop(self.world, &req, Some(self.keys), d.witness),
        };
        if let Grant::Conditional(alts) = &d.grant {
            h.notes.insert(0, conditional_note(alts));
        }
        if let Caller::Outside(o) = caller_ref {
            h.notes.push(match &o.account {
                Some(a) => format!(
                    "{} stands for a principal of account {a}, which the world does not model: its own identity-based policies (and SCPs) are taken to allow the request",
                    o.name()
                ),
                None => "account:* stands for a principal of any account the world does not model and no policy names: its own identity-based policies (and SCPs) are taken to allow the request".to_string(),
            });
        }
        let h = Arc::new(h);
        self.hops.insert((key, caller), Arc::clone(&h));
        h
    }
}

/// The note of a hop allowed only under some values of the question's open keys, explained for
/// values that meet them.
pub(crate) fn conditional_note(alts: &[Vec<String>]) -> String {
    let ways: Vec<String> = alts.iter().map(|a| a.join(" and ")).collect();
    format!(
        "holds only if {}; explained for values that meet it",
        ways.join(", or if ")
    )
}

/// The account that owns the resource, when the world knows it (as the engine resolves it).
fn resource_owner(world: &World, resource: &str) -> Option<String> {
    let arn = iamsim_policy::arn::parse_arn(resource).ok()?;
    if arn.service == "s3" && arn.account.is_empty() {
        let bucket = arn.resource.split('/').next().unwrap_or("");
        return world.bucket(bucket).map(|b| b.account.clone());
    }
    if let Some(r) = world.resource(resource) {
        return Some(r.account.clone());
    }
    if let Some(k) = world.key_by_arn(resource) {
        return Some(k.account.clone());
    }
    Some(arn.account.to_string()).filter(|a| !a.is_empty())
}

/// The resource-based policies the request may meet: the bucket policy, a declared resource's
/// policy, or a role's trust policy for AssumeRole actions.
fn resource_policies<'w>(
    world: &'w World,
    resource: &str,
    action: &Action,
) -> Vec<&'w LoadedPolicy> {
    let mut out: Vec<&LoadedPolicy> = Vec::new();
    let Ok(arn) = iamsim_policy::arn::parse_arn(resource) else {
        return out;
    };
    if arn.service == "s3" && arn.account.is_empty() {
        let bucket = arn.resource.split('/').next().unwrap_or("");
        if let Some(p) = world.bucket(bucket).and_then(|b| b.policy.as_deref()) {
            out.push(p);
        }
    }
    if action.service() == "sts" {
        if let Some(r) = world.role_by_arn(resource) {
            out.push(&r.trust);
        }
    }
    if let Some(p) = world.resource(resource).and_then(|r| r.policy.as_deref()) {
        out.push(p);
    }
    if let Some(k) = world.key_by_arn(resource) {
        out.push(&k.policy);
    }
    out
}
