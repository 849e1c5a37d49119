//! What the path search of one world ([`crate::PathSearch`]) keeps between searches, so that the
//! tests of a run, the principals of a who-can answer and the requests of a comparison share
//! their work instead of repeating it:
//!
//! - the hops from each principal ([`HopMemo`]): they depend only on the world, the principal
//!   (with its changes and session) and the request context, so each is decided once;
//! - the breadth-first search from each start ([`Searches`]): the principals reached from a
//!   start, in the order the search reaches them, depend only on the world, the start and the
//!   context. A search is kept as it was left and taken further when a later question needs
//!   more of it; each question evaluates its own goal over the principals in that order, so it
//!   gets the answer a search of its own would give.
//!
//! Both are bounded: past [`MAX_MEMO_HOPS`] hops or [`MAX_KEPT_NODES`] principals kept, what is
//! kept is dropped and built again as needed (an answer never depends on what is kept), and at
//! most [`MAX_CONTEXTS`] request contexts share work (later ones search on their own).

use crate::account_reach::Reach;
use crate::escalation_hops::{PathHop, PathIndex};
use crate::request::Caller;
use iamsim_policy::Context;
use iamsim_world::World;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::{Arc, Mutex, RwLock};

/// The most hops the memo keeps (a few kilobytes each, with the principals they change); past it the memo starts afresh.
pub const MAX_MEMO_HOPS: usize = 50_000;

/// The most principals (reached, or waiting to be visited) the kept searches hold in all; past
/// it the kept searches are dropped.
pub const MAX_KEPT_NODES: usize = 100_000;

/// The most request contexts whose searches are kept.
pub const MAX_CONTEXTS: usize = 64;

/// The hops from one principal, as [`hops_from`] gives them.
pub(crate) type Hops = Arc<[Vec<PathHop>]>;

/// A principal as the memo keys it: everything the hops from it depend on (its identity, its
/// session, and what earlier hops changed, down to the policies in force). `None` for callers
/// that are not memoized (outside, anonymous, federated).
pub(crate) fn caller_key(caller: &Caller) -> Option<String> {
    let mut key = String::new();
    let altered = match caller {
        Caller::User {
            account,
            name,
            altered,
        } => {
            let _ = write!(key, "u {account} {name}");
            altered
        }
        Caller::Session(s) => {
            let _ = write!(
                key,
                "s {} {} {:?} {} {:?} {:?}",
                s.account, s.role_name, s.session_name, s.mfa, s.source_identity, s.tags
            );
            for p in &s.session_policies {
                let _ = write!(key, " p{:x}", Arc::as_ptr(p) as usize);
            }
            &s.altered
        }
        Caller::Root { account } => {
            let _ = write!(key, "r {account}");
            return Some(key);
        }
        _ => return None,
    };
    if let Some(a) = altered {
        let _ = write!(key, " a{} {:?}", a.mfa, a.changes);
        let (policies, boundary, groups): (&[_], _, &[String]) = match (&a.user, &a.role) {
            (Some(u), _) => (&u.policies, &u.boundary, &u.groups),
            (None, Some(r)) => (&r.policies, &r.boundary, &[]),
            _ => (&[], &None, &[]),
        };
        for p in policies {
            let _ = write!(key, " p{:x}", Arc::as_ptr(p) as usize);
        }
        if let Some(b) = boundary {
            let _ = write!(key, " b{:x}", Arc::as_ptr(b) as usize);
        }
        let _ = write!(key, " {groups:?}");
    }
    Some(key)
}

/// Request contexts, each given a small number (two equal contexts get the same one).
#[derive(Default)]
struct Contexts {
    known: RwLock<Vec<Context>>,
}

impl Contexts {
    fn id(&self, context: &Context) -> Option<usize> {
        if let Ok(known) = self.known.read() {
            if let Some(i) = known.iter().position(|c| c == context) {
                return Some(i);
            }
        }
        let mut known = self.known.write().ok()?;
        if let Some(i) = known.iter().position(|c| c == context) {
            return Some(i);
        }
        if known.len() >= MAX_CONTEXTS {
            return None;
        }
        known.push(context.clone());
        Some(known.len() - 1)
    }
}

/// The hops from each principal, per context, decided once.
#[derive(Default)]
pub(crate) struct HopMemo {
    contexts: Contexts,
    hops: RwLock<MemoMap>,
}

#[derive(Default)]
struct MemoMap {
    /// By context, set of accounts ([`Reach::id`]) and caller.
    by_caller: HashMap<(usize, usize, String), Hops>,
    held: usize,
}

impl HopMemo {
    /// The hops from `caller` under `context` into the accounts of `reach`: from the memo, or
    /// decided now and kept.
    pub(crate) fn hops(
        &self,
        index: &PathIndex<'_>,
        caller: &Caller,
        context: &Context,
        reach: &Reach,
    ) -> Hops {
        let within = |a: &str| reach.admits(a);
        let within: Option<&dyn Fn(&str) -> bool> = (!reach.is_every()).then_some(&within as _);
        let decide = |ix: &PathIndex<'_>, c: &Caller, ctx: &Context| {
            crate::escalation_hops::hops_within(ix, c, ctx, within)
        };
        let key = self
            .contexts
            .id(context)
            .and_then(|c| caller_key(caller).map(|k| (c, reach.id, k)));
        let Some(key) = key else {
            return decide(index, caller, context).into();
        };
        if let Some(h) = self
            .hops
            .read()
            .ok()
            .and_then(|m| m.by_caller.get(&key).cloned())
        {
            return h;
        }
        let hops: Hops = decide(index, caller, context).into();
        if let Ok(mut m) = self.hops.write() {
            let n: usize = hops.iter().map(Vec::len).sum::<usize>().max(1);
            if m.held + n > MAX_MEMO_HOPS {
                m.by_caller.clear();
                m.held = 0;
            }
            m.held += n;
            m.by_caller.insert(key, hops.clone());
        }
        hops
    }

    pub(crate) fn context_id(&self, context: &Context) -> Option<usize> {
        self.contexts.id(context)
    }
}

/// A principal the search reached, or will visit: the hops from its parent that led to it.
pub(crate) struct Node {
    pub(crate) caller: Caller,
    /// The node whose hops led here, and the hops (one, or a change followed by the move)
    /// that did (`None`: the start). Each node holds its own hops, not the whole list of its
    /// parent's: what a search keeps grows with the principals it queued, not with the hops
    /// of every principal it visited.
    from: Option<(u32, Box<[PathHop]>)>,
    pub(crate) conditional: bool,
    /// Reached by a hop to a principal the world does not name (`caller` is the one before).
    pub(crate) dead_end: bool,
}

/// One principal as the search reached it, in order.
#[derive(Clone, Copy)]
struct Event {
    node: u32,
    /// A visit (counted against the bound), not a dead end.
    counted: bool,
    /// Principals visited once this one was.
    visited: usize,
    /// Whether some path went past the hop bound before this event.
    deeper: bool,
}

/// How a search ended, when it did.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Ending {
    /// Every principal within the hop bound was visited.
    Exhausted,
    /// The node bound was reached.
    Capped,
}

/// One breadth-first search, as far as it went: the principals in the order it reached them,
/// and what it has yet to visit.
pub(crate) struct Search {
    nodes: Vec<Node>,
    events: Vec<Event>,
    /// Per principal key (crate::path_search's): whether it was reached with every hop allowed.
    seen: HashMap<String, bool>,
    /// Per principal key: the shallowest depth it is queued at, and whether every hop to it
    /// there is allowed. A later hop to it at that depth or deeper, no better, is not queued:
    /// the search would skip it when its turn came (it visits each principal once, and an
    /// allowed path before a conditional one).
    queued: HashMap<String, (usize, bool)>,
    levels: Vec<Vec<u32>>,
    /// Principals visited at the current depth whose hops are not yet queued: they are taken
    /// when the depth is done, so a question answered at this depth never decides the hops
    /// of the principals it did not need to look past.
    pending: Vec<u32>,
    depth: usize,
    cursor: usize,
    visited: usize,
    deeper: bool,
    ended: Option<Ending>,
    max_hops: usize,
    max_nodes: usize,
}

/// What a walk over a search's principals ended with: the principals visited, the bound that
/// stopped it (if any), and whether some path went past the hop bound.
pub(crate) type WalkEnd = (usize, Option<String>, bool);

/// Whether the search need not look past a principal it visited (its caller, whether the path
/// to it is conditional): the question that walks the search knows that nothing past it can
/// change its answer. A search walked with one is the question's own, never kept.
pub(crate) type Prune<'a> = Option<&'a dyn Fn(&Caller, bool) -> bool>;

impl Search {
    pub(crate) fn new(start: &Caller, max_hops: usize, max_nodes: usize) -> Search {
        let mut levels = vec![Vec::new(); max_hops + 2];
        if let Some(l) = levels.first_mut() {
            l.push(0);
        }
        Search {
            nodes: vec![Node {
                caller: start.clone(),
                from: None,
                conditional: false,
                dead_end: false,
            }],
            events: Vec::new(),
            seen: HashMap::new(),
            queued: HashMap::new(),
            levels,
            pending: Vec::new(),
            depth: 0,
            cursor: 0,
            visited: 0,
            deeper: false,
            ended: None,
            max_hops,
            max_nodes,
        }
    }

    pub(crate) fn node(&self, i: u32) -> Option<&Node> {
        self.nodes.get(i as usize)
    }

    /// The hops from the start to node `i`.
    pub(crate) fn path(&self, i: u32) -> Vec<PathHop> {
        let mut parts: Vec<&[PathHop]> = Vec::new();
        let mut at = self.nodes.get(i as usize);
        while let Some((parent, hops)) = at.and_then(|n| n.from.as_ref()) {
            parts.push(hops);
            at = self.nodes.get(*parent as usize);
        }
        parts.into_iter().rev().flatten().cloned().collect()
    }

    /// Principals held (reached or waiting).
    fn held(&self) -> usize {
        self.nodes.len()
    }

    /// Visits the next principal of the search; false when the search has ended. The hops of
    /// the principals visited at one depth are queued when that depth is done: the principals
    /// then reached, and their order, are those of a search that queued each principal's hops
    /// as it visited it.
    fn advance(
        &mut self,
        world: &World,
        hops_of: &dyn Fn(&Caller) -> Hops,
        key_of: &dyn Fn(&World, &Caller) -> String,
        prune: Prune<'_>,
    ) -> bool {
        loop {
            if self.ended.is_some() {
                return false;
            }
            if self.depth > self.max_hops {
                self.ended = Some(Ending::Exhausted);
                return false;
            }
            let next = self
                .levels
                .get(self.depth)
                .and_then(|l| l.get(self.cursor))
                .copied();
            let Some(i) = next else {
                if !self.pending.is_empty() {
                    for p in std::mem::take(&mut self.pending) {
                        let pruned = prune.is_some_and(|f| {
                            self.nodes
                                .get(p as usize)
                                .is_some_and(|n| f(&n.caller, n.conditional))
                        });
                        if !pruned {
                            self.expand(p, world, hops_of, key_of);
                        }
                    }
                    // Expanding may have queued dead ends to report: they come first.
                    return true;
                }
                if let Some(l) = self.levels.get_mut(self.depth) {
                    *l = Vec::new();
                }
                self.depth += 1;
                self.cursor = 0;
                continue;
            };
            self.cursor += 1;
            let Some(node) = self.nodes.get(i as usize) else {
                continue;
            };
            let key = key_of(world, &node.caller);
            let conditional = node.conditional;
            match self.seen.get(&key) {
                Some(true) => continue,
                Some(false) if conditional => continue,
                _ => {}
            }
            self.seen.insert(key, !conditional);
            self.visited += 1;
            self.events.push(Event {
                node: i,
                counted: true,
                visited: self.visited,
                deeper: self.deeper,
            });
            if self.visited >= self.max_nodes {
                self.ended = Some(Ending::Capped);
                return true;
            }
            self.pending.push(i);
            return true;
        }
    }

    /// Queues what the hops of node `i` (visited at the current depth) lead to.
    fn expand(
        &mut self,
        i: u32,
        world: &World,
        hops_of: &dyn Fn(&Caller) -> Hops,
        key_of: &dyn Fn(&World, &Caller) -> String,
    ) {
        let Some(node) = self.nodes.get(i as usize) else {
            return;
        };
        let caller = node.caller.clone();
        let conditional = node.conditional;
        let all = hops_of(&caller);
        for hops in all.iter() {
            let next_depth = self.depth + hops.len();
            let Some(last) = hops.last() else { continue };
            if next_depth > self.max_hops {
                self.deeper = true;
                continue;
            }
            let conditional = conditional || hops.iter().any(|h| !h.decision.is_allow());
            let from = Some((i, hops.clone().into_boxed_slice()));
            // A hop to a principal the world does not name is seen, not followed.
            if last.dead_end {
                self.nodes.push(Node {
                    caller: caller.clone(),
                    from,
                    conditional: true,
                    dead_end: true,
                });
                self.events.push(Event {
                    node: (self.nodes.len() - 1) as u32,
                    counted: false,
                    visited: self.visited,
                    deeper: self.deeper,
                });
                continue;
            }
            let key = key_of(world, &last.to);
            if self.seen.get(&key).is_some_and(|all| *all || conditional) {
                continue;
            }
            if self
                .queued
                .get(&key)
                .is_some_and(|&(d, all)| d <= next_depth && (all || conditional))
            {
                continue;
            }
            // Past the test above, this hop is queued shallower than, or better than, the one
            // kept for the principal.
            self.queued.insert(key, (next_depth, !conditional));
            self.nodes.push(Node {
                caller: last.to.clone(),
                from,
                conditional,
                dead_end: false,
            });
            let n = (self.nodes.len() - 1) as u32;
            if let Some(l) = self.levels.get_mut(next_depth) {
                l.push(n);
            }
        }
    }

    /// Calls `visit` on each principal in the order the search reaches them (taking the search
    /// further as needed) until it says stop or `max_nodes` principals were visited.
    pub(crate) fn walk(
        &mut self,
        world: &World,
        hops_of: &dyn Fn(&Caller) -> Hops,
        key_of: &dyn Fn(&World, &Caller) -> String,
        max_nodes: usize,
        visit: &mut dyn FnMut(&Search, u32) -> bool,
        prune: Prune<'_>,
    ) -> WalkEnd {
        let mut at = 0usize;
        loop {
            let Some(ev) = self.events.get(at).copied() else {
                if self.advance(world, hops_of, key_of, prune) {
                    continue;
                }
                let capped =
                    (self.ended == Some(Ending::Capped)).then(|| capped(self.visited, max_nodes));
                return (self.visited, capped, self.deeper);
            };
            at += 1;
            if visit(self, ev.node) {
                return (ev.visited, None, ev.deeper);
            }
            if ev.counted && ev.visited >= max_nodes {
                return (ev.visited, Some(capped(ev.visited, max_nodes)), ev.deeper);
            }
        }
    }
}

fn capped(visited: usize, max: usize) -> String {
    format!("the search stopped after {visited} principals (at most {max})")
}

/// The searches kept, by start and context.
#[derive(Default)]
pub(crate) struct Searches {
    kept: Mutex<KeptSearches>,
}

#[derive(Default)]
struct KeptSearches {
    by_start: HashMap<(usize, String), Arc<Mutex<Search>>>,
    held: usize,
}

impl Searches {
    /// The kept search from `start` under context number `context`, created when there is
    /// none; `None` when the start is not one the searches are kept for.
    pub(crate) fn get(
        &self,
        start: &Caller,
        context: usize,
        max_hops: usize,
        max_nodes: usize,
    ) -> Option<Arc<Mutex<Search>>> {
        let key = (context, caller_key(start)?);
        let mut kept = self.kept.lock().ok()?;
        Some(
            kept.by_start
                .entry(key)
                .or_insert_with(|| Arc::new(Mutex::new(Search::new(start, max_hops, max_nodes))))
                .clone(),
        )
    }

    /// Counts what a search grew by; past [`MAX_KEPT_NODES`] every kept search is dropped.
    pub(crate) fn grew(&self, by: usize) {
        if let Ok(mut kept) = self.kept.lock() {
            kept.held += by;
            if kept.held > MAX_KEPT_NODES {
                kept.by_start.clear();
                kept.held = 0;
            }
        }
    }
}

/// Runs `f` on a search: a kept one when it can be (taken further as needed, and counted), else
/// one of its own.
#[allow(clippy::too_many_arguments)]
pub(crate) fn with_search<T>(
    searches: &Searches,
    memo: &HopMemo,
    start: &Caller,
    context: &Context,
    kept_limits: (usize, usize),
    limits: (usize, usize),
    own: bool,
    f: &mut dyn FnMut(&mut Search) -> T,
) -> T {
    let (max_hops, max_nodes) = limits;
    let shared = (!own && max_hops == kept_limits.0 && max_nodes <= kept_limits.1)
        .then(|| memo.context_id(context))
        .flatten()
        .and_then(|c| searches.get(start, c, kept_limits.0, kept_limits.1));
    if let Some(search) = shared {
        if let Ok(mut s) = search.lock() {
            let before = s.held();
            let out = f(&mut s);
            let grown = s.held() - before;
            drop(s);
            searches.grew(grown);
            return out;
        }
    }
    let mut own = Search::new(start, max_hops, max_nodes);
    f(&mut own)
}

impl Node {
    pub(crate) fn is_start(&self) -> bool {
        self.from.is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::escalation_hops::{hops_from, PathIndex};
    use crate::test_world::{test_world, TEST_TRUST_A};
    use std::cell::Cell;

    /// Account 111111111111: user alice and `n` roles trusting the account, each allowed to
    /// assume any role (a clique); the last may also read bucket b.
    fn clique(n: usize) -> World {
        let assume = r#"{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}"#;
        let read = r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}"#;
        let roles: Vec<String> = (0..n)
            .map(|i| {
                let statements = if i + 1 == n {
                    format!("{assume},{read}")
                } else {
                    assume.to_string()
                };
                format!(
                    r#""r{i}": {{"trust": {TEST_TRUST_A}, "policies": [{{"Version":"2012-10-17","Statement":[{statements}]}}]}}"#
                )
            })
            .collect();
        test_world(&format!(
            r#"{{"accounts": {{"111111111111": {{"users": {{"alice": {{"policies": [{{"Version":"2012-10-17","Statement":[{assume}]}}]}}}}, "roles": {{{}}}, "buckets": {{"b": {{}}}}}}}}}}"#,
            roles.join(",")
        ))
    }

    fn alice() -> Caller {
        Caller::User {
            account: "111111111111".into(),
            name: "alice".into(),
            altered: None,
        }
    }

    /// Walks a fresh search from alice over every principal, counting the principals whose
    /// hops were decided; `stop` says at which visited principal (by ARN) to stop.
    fn walk_clique(world: &World, stop: Option<&str>) -> (Search, usize, Vec<String>) {
        let index = PathIndex::new(world);
        let decided = Cell::new(0);
        let hops_of = |c: &Caller| -> Hops {
            decided.set(decided.get() + 1);
            hops_from(&index, c, &Context::default()).into()
        };
        let mut search = Search::new(&alice(), 8, 20_000);
        let mut seen = Vec::new();
        search.walk(
            world,
            &hops_of,
            &crate::path_search::node_key,
            20_000,
            &mut |s, i| {
                let arn = crate::escalation_hops::principal_name(world, &s.node(i).unwrap().caller);
                let done = stop == Some(arn.as_str());
                seen.push(arn);
                done
            },
            None,
        );
        (search, decided.get(), seen)
    }

    #[test]
    fn a_search_holds_each_principal_once_not_once_per_hop_to_it() {
        // 31 principals, 30 × 30 AssumeRole hops among them: each is queued once.
        let world = clique(30);
        let (search, decided, seen) = walk_clique(&world, None);
        assert_eq!(seen.len(), 31, "{seen:?}");
        assert_eq!(decided, 31);
        assert!(search.held() <= 31, "held {}", search.held());
    }

    #[test]
    fn a_question_answered_at_one_depth_decides_no_hop_past_it() {
        // The reader r29 is one hop from alice: only alice's hops are decided to reach it,
        // although every role visited before it has 30 hops of its own.
        let world = clique(30);
        let (_, decided, seen) = walk_clique(&world, Some("arn:aws:iam::111111111111:role/r29"));
        assert_eq!(
            seen.last().map(String::as_str),
            Some("arn:aws:iam::111111111111:role/r29")
        );
        assert!(seen.len() > 2, "{seen:?}");
        assert_eq!(decided, 1);
    }
}
