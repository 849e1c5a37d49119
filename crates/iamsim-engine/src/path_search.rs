//! Breadth-first search over escalation paths (docs/rules.md 10.4): from a principal, the
//! principals it can act as — changed or not — through the hops of [`crate::escalation_hops`],
//! shortest first, each principal (with its changes) visited once, at most [`MAX_CHAIN`] hops
//! deep and [`MAX_NODES`] principals in all. Hops are decided by the decision-only path while
//! searching; [`crate::chain`] explains the hops of the path it answers with.
//!
//! A hop that is not surely allowed (a request indeterminate, or a fact the world does not
//! state) is followed too, but what it leads to is conditional: never an allowed path.

use crate::account_reach::{Accounts, Reach, ReachIndex};
use crate::chain::MAX_CHAIN;
use crate::escalation_hops::{PathHop, PathIndex};
use crate::explain::Decision;
use crate::path_cache::{with_search, HopMemo, Prune, Search, Searches, WalkEnd};
use crate::request::Caller;
use crate::step_index::{StepIndex, StepsOpen};
use iamsim_policy::Context;
use iamsim_world::World;
use std::sync::OnceLock;

/// The most principals (changed ones counted apart) one search visits.
pub const MAX_NODES: usize = 20_000;

/// What earlier searches of the same question found from a principal (`None`: not searched).
pub(crate) type EarlierSearches<'a> = &'a dyn Fn(&Caller) -> Option<Searched>;

/// What a completed search from a principal found, for [`PathSearch::shortest_past`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Searched {
    /// No principal past the start whose goal may be allowed, and no dead end.
    Nothing,
    /// A conditional path, but no allowed one.
    NoAllowedPath,
}

impl Searched {
    /// What `found` says of its start: `None` when it found an allowed path or stopped at a
    /// bound.
    pub(crate) fn of(found: &Found) -> Option<Searched> {
        if found.allowed.is_some() || found.capped.is_some() {
            None
        } else if found.conditional.is_some() {
            Some(Searched::NoAllowedPath)
        } else {
            Some(Searched::Nothing)
        }
    }
}

/// How far a search goes.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// The most hops of a path.
    pub max_hops: usize,
    /// The most principals visited.
    pub max_nodes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_hops: MAX_CHAIN,
            max_nodes: MAX_NODES,
        }
    }
}

/// A principal reached, with the path to it.
#[derive(Clone, Debug)]
pub struct Reached {
    /// The principal acted as, changed as the path changed it.
    pub caller: Caller,
    /// The hops from the start (empty for the start itself).
    pub path: Vec<PathHop>,
    /// Whether some hop of the path is not surely allowed (indeterminate, or relying on a fact
    /// the world does not state).
    pub conditional: bool,
}

impl Reached {
    /// What the path relies on that the world does not state, or that is indeterminate.
    pub fn unknowns(&self) -> Vec<String> {
        self.path
            .iter()
            .filter(|h| !h.decision.is_allow())
            .map(|h| {
                h.unknown
                    .clone()
                    .unwrap_or_else(|| format!("hop {} ({}) is indeterminate", h.target, h.kind))
            })
            .collect()
    }
}

/// What a search found.
#[derive(Debug, Default)]
pub struct Found {
    /// The shortest path after which the goal is allowed, every hop allowed.
    pub allowed: Option<Reached>,
    /// The shortest path after which the goal may be allowed but is not surely: a hop not surely
    /// allowed, or the goal indeterminate at its end, or a hop whose gain the world does not
    /// state.
    pub conditional: Option<Reached>,
    /// Why the search stopped before it had seen every principal within [`Limits::max_hops`]
    /// (the principal budget), if it did: such a search never says that no path exists.
    pub capped: Option<String>,
    /// Whether some path went on past [`Limits::max_hops`] (not followed; the bound is part of
    /// the question, as documented).
    pub deeper: bool,
    /// Principals visited.
    pub nodes: usize,
}

/// The path search of one world: its candidate index is built once, when first needed, and
/// serves every search; the hops from each principal and the searches from each start are kept
/// (the path cache, bounded) and shared by every search made through it, on any thread.
pub struct PathSearch<'w> {
    world: &'w World,
    index: OnceLock<PathIndex<'w>>,
    memo: HopMemo,
    searches: Searches,
    steps: StepIndex,
    reach: OnceLock<ReachIndex<'w>>,
    /// The sets of accounts searches were told to stay within ([`Reach::id`] is one more than
    /// the position).
    scopes: std::sync::Mutex<Vec<Accounts>>,
}

impl<'w> PathSearch<'w> {
    /// Builds the world's candidate index (role trust, managed policies, compute) once.
    pub fn new(world: &'w World) -> PathSearch<'w> {
        PathSearch {
            world,
            index: OnceLock::new(),
            memo: HopMemo::default(),
            searches: Searches::default(),
            steps: StepIndex::default(),
            reach: OnceLock::new(),
            scopes: std::sync::Mutex::default(),
        }
    }

    /// The world searched.
    pub fn world(&self) -> &'w World {
        self.world
    }

    /// Which steps a principal's own policies may open ([`crate::step_index`]).
    pub(crate) fn steps_open(&self, caller: &Caller) -> StepsOpen {
        self.steps.open(self.world, caller, self.reach_index())
    }

    /// The moves between the world's accounts ([`crate::account_reach`]), read once.
    pub(crate) fn reach_index(&self) -> &ReachIndex<'w> {
        self.reach.get_or_init(|| ReachIndex::new(self.world))
    }

    /// The accounts from which a path may reach an account whose principals may be allowed
    /// `action` on `resource` ([`crate::account_reach`]; `only`: of those accounts, the ones
    /// asked about).
    pub(crate) fn reaching(
        &self,
        action: &crate::request::Action,
        resource: &str,
        only: Option<&std::collections::BTreeSet<String>>,
    ) -> Reach {
        let goal = crate::account_reach::goal_accounts(self.world, action, resource);
        // Every account may be allowed the request: nothing to read (on a large world, the
        // index costs a read of every trust policy).
        if only.is_none() && goal.accounts == Accounts::Every {
            return Reach::every();
        }
        let accounts =
            self.reach_index()
                .reaching(self.world, &self.steps, action, resource, goal, only);
        if accounts == Accounts::Every {
            return Reach::every();
        }
        let Ok(mut scopes) = self.scopes.lock() else {
            return Reach::every();
        };
        let id = match scopes.iter().position(|s| *s == accounts) {
            Some(i) => i + 1,
            None => {
                scopes.push(accounts.clone());
                scopes.len()
            }
        };
        Reach { accounts, id }
    }

    fn index(&self) -> &PathIndex<'w> {
        self.index.get_or_init(|| PathIndex::new(self.world))
    }

    /// The world's role graph (`Graph::build(world, false, &[])`) and its trust index, as the
    /// candidate index holds them.
    pub(crate) fn role_graph(&self) -> (&crate::graph::Graph<'w>, &crate::graph::TrustIndex) {
        let ix = self.index();
        (ix.graph(), ix.trust())
    }

    /// The hops from one principal (see [`crate::hops_from`]).
    pub fn hops_from(&self, caller: &Caller, context: &Context) -> Vec<Vec<PathHop>> {
        self.memo
            .hops(self.index(), caller, context, &Reach::every())
            .to_vec()
    }

    /// The shortest path from `start` after which `goal` is allowed; stops at the first.
    pub fn shortest(
        &self,
        start: &Caller,
        context: &Context,
        goal: &dyn Fn(&Caller) -> Decision,
        limits: Limits,
    ) -> Found {
        self.shortest_past(start, context, goal, limits, None, &Reach::every())
    }

    /// [`PathSearch::shortest`] for the same `goal` from many starts, told what the searches
    /// of the same question from earlier starts found (`searched`: `None` for a principal not
    /// searched, or whose search stopped at a bound). The search looks past no principal whose
    /// own search found nothing (every path from it is a path of that search, and shorter: the
    /// bound leaves it fewer hops); once it has a conditional path, only an allowed one can
    /// change the answer, and it looks past no principal reached by a conditional path (what
    /// follows is conditional too) nor past one whose search found no allowed path. Told
    /// which accounts may still reach the goal (`reach`, [`crate::account_reach`]), it
    /// takes no hop to any other: whatever they can become is refused the goal. The answer is
    /// the one [`PathSearch::shortest`] gives, with fewer principals visited.
    pub(crate) fn shortest_past(
        &self,
        start: &Caller,
        context: &Context,
        goal: &dyn Fn(&Caller) -> Decision,
        limits: Limits,
        searched: Option<EarlierSearches<'_>>,
        reach: &Reach,
    ) -> Found {
        let mut found = Found::default();
        let has_conditional = std::cell::Cell::new(false);
        let prune = |c: &Caller, conditional: bool| {
            let earlier = searched.and_then(|f| f(c));
            earlier == Some(Searched::Nothing)
                || (has_conditional.get()
                    && (conditional || earlier == Some(Searched::NoAllowedPath)))
        };
        let prune: Prune<'_> = searched.is_some().then_some(&prune as _);
        let walked = self.walk(start, context, limits, prune, reach, &mut |s, i| {
            let Some(n) = s.node(i) else { return false };
            // A hop that leads nowhere known (the role of a compute the world does not name)
            // leaves the goal unknown.
            let d = if n.dead_end {
                Decision::Indeterminate
            } else {
                goal(&n.caller)
            };
            match d {
                Decision::Allow if !n.conditional => {
                    found.allowed = Some(reached(s, i));
                    return true;
                }
                Decision::Allow | Decision::Indeterminate
                    if found.conditional.is_none() && !n.is_start() =>
                {
                    found.conditional = Some(reached(s, i));
                    has_conditional.set(true);
                }
                _ => {}
            }
            false
        });
        (found.nodes, found.capped, found.deeper) = walked;
        found
    }

    /// Every principal reachable from `start` (the start first), shortest paths first. A path
    /// whose last hop is a dead end (`dead_end`: a compute whose role the world does not name)
    /// is listed too, conditional, with the principal it started from as `caller`: what it
    /// leads to is unknown.
    pub fn reachable(
        &self,
        start: &Caller,
        context: &Context,
        limits: Limits,
    ) -> (Vec<Reached>, Option<String>) {
        self.reachable_within(start, context, limits, &Reach::every())
    }

    /// [`PathSearch::reachable`], taking no hop to a principal of an account `reach` rules out.
    pub(crate) fn reachable_within(
        &self,
        start: &Caller,
        context: &Context,
        limits: Limits,
        reach: &Reach,
    ) -> (Vec<Reached>, Option<String>) {
        let mut out = Vec::new();
        let (_, capped, _) = self.walk(start, context, limits, None, reach, &mut |s, i| {
            out.push(reached(s, i));
            false
        });
        (out, capped)
    }

    /// Breadth-first from `start`, calling `visit` on each principal reached (the start
    /// first) until it says stop; the number visited, the cap hit (if any), and whether a path
    /// went on past the hop bound. The search is the kept one of `start` and `context` when
    /// the limits allow (taken further as needed), else one of its own.
    fn walk(
        &self,
        start: &Caller,
        context: &Context,
        limits: Limits,
        prune: Prune<'_>,
        reach: &Reach,
        visit: &mut dyn FnMut(&Search, u32) -> bool,
    ) -> WalkEnd {
        let world = self.world;
        // A hop into an account that cannot reach the goal is not even tried: the path would
        // end there.
        let hops_of = |c: &Caller| self.memo.hops(self.index(), c, context, reach);
        with_search(
            &self.searches,
            &self.memo,
            start,
            context,
            (MAX_CHAIN, MAX_NODES),
            (limits.max_hops, limits.max_nodes),
            prune.is_some() || !reach.is_every(),
            &mut |s| s.walk(world, &hops_of, &node_key, limits.max_nodes, visit, prune),
        )
    }
}

/// Node `i` of a search as a [`Reached`], its path written out.
fn reached(s: &Search, i: u32) -> Reached {
    match s.node(i) {
        Some(n) => Reached {
            caller: n.caller.clone(),
            path: s.path(i),
            conditional: n.conditional,
        },
        None => Reached {
            caller: Caller::Anonymous,
            path: Vec::new(),
            conditional: true,
        },
    }
}

/// A principal with its changes, as the visited set keys it.
pub(crate) fn node_key(world: &World, caller: &Caller) -> String {
    let mut key = caller.arn(world);
    if let Some(a) = caller.altered() {
        let mut changes = a.changes.clone();
        changes.sort();
        key.push_str(&format!(" {changes:?}"));
    }
    key
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::Action;
    use crate::HopRequest;
    use std::collections::HashMap;

    fn path_of(r: &Option<Reached>) -> Option<Vec<(String, String)>> {
        r.as_ref().map(|r| {
            r.path
                .iter()
                .map(|h| (h.kind.to_string(), h.target.clone()))
                .collect()
        })
    }

    /// The law of [`PathSearch::shortest_past`]: told what earlier searches of the same question
    /// found, a search gives the answer of one told nothing. Checked on every escalation fixture
    /// world, from every user and role, for an admin-only action and a read of each bucket.
    #[test]
    fn searches_told_what_earlier_ones_found_answer_as_searches_told_nothing() {
        // A clique: 40 roles that may each assume every other, none reading b.
        let assume = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}"#;
        let roles: Vec<String> = (0..40)
            .map(|i| {
                format!(
                    r#""r{i}": {{"trust": {}, "policies": [{assume}]}}"#,
                    crate::test_world::TEST_TRUST_A
                )
            })
            .collect();
        let mut worlds = vec![(
            "clique".to_string(),
            crate::test_world::test_world(&format!(
                r#"{{"accounts": {{"111111111111": {{"users": {{"alice": {{"policies": [{assume}]}}}}, "roles": {{{}}}, "buckets": {{"b": {{}}}}}}}}}}"#,
                roles.join(",")
            )),
        )];
        for dir in crate::test_world::fixture_world_dirs("escalation") {
            worlds.push((dir.display().to_string(), World::load(&dir).unwrap()));
        }
        assert!(worlds.len() >= 6, "{}", worlds.len());
        let mut compared = 0;
        let mut fewer = 0;
        for (dir, world) in worlds {
            // Roles first: the users that reach them are then told what their searches found.
            let starts: Vec<Caller> = world
                .roles()
                .map(|r| r.arn().to_string())
                .chain(world.users().map(|u| u.arn().to_string()))
                .filter_map(|arn| Caller::parse(&world, &arn).ok())
                .collect();
            let mut goals: Vec<(String, String)> = Vec::new();
            for (id, account) in world.accounts() {
                goals.push(("iam:CreateUser".into(), format!("arn:aws:iam::{id}:user/x")));
                for b in account.buckets.keys() {
                    goals.push(("s3:GetObject".into(), format!("arn:aws:s3:::{b}/x")));
                }
            }
            for (action, resource) in &goals {
                let action = Action {
                    text: action.clone(),
                };
                let context = Context::default();
                let goal = |c: &Caller| {
                    crate::walk::decide_only(
                        &world,
                        &HopRequest {
                            caller: c,
                            action: &action,
                            resource,
                            context: &context,
                            assume: None,
                        },
                    )
                };
                let told = PathSearch::new(&world);
                let alone = PathSearch::new(&world);
                let mut earlier: HashMap<String, Searched> = HashMap::new();
                for start in &starts {
                    let known = |c: &Caller| {
                        crate::path_cache::caller_key(c).and_then(|k| earlier.get(&k).copied())
                    };
                    let a = told.shortest_past(
                        start,
                        &context,
                        &goal,
                        Limits::default(),
                        Some(&known),
                        &Reach::every(),
                    );
                    let b = alone.shortest(start, &context, &goal, Limits::default());
                    assert_eq!(
                        path_of(&a.allowed),
                        path_of(&b.allowed),
                        "{dir:?} {start:?}"
                    );
                    assert_eq!(
                        path_of(&a.conditional),
                        path_of(&b.conditional),
                        "{dir:?} {start:?}"
                    );
                    assert!(a.nodes <= b.nodes);
                    fewer += usize::from(a.nodes < b.nodes);
                    if let (Some(s), Some(k)) =
                        (Searched::of(&a), crate::path_cache::caller_key(start))
                    {
                        earlier.insert(k, s);
                    }
                    compared += 1;
                }
            }
        }
        assert!(compared > 50, "{compared}");
        // The law is not vacuous: some searches looked past fewer principals.
        assert!(fewer > 0, "{fewer} of {compared}");
    }
}
