//! Breadth-first search over escalation paths (docs/rules.md 10.4): from a principal, the
//! principals it can act as — changed or not — through the hops of [`crate::escalation_hops`],
//! shortest first, each principal (with its changes) visited once, at most [`MAX_CHAIN`] hops
//! deep and [`MAX_NODES`] principals in all. Hops are decided by the decision-only path while
//! searching; [`crate::chain`] explains the hops of the path it answers with.
//!
//! A hop that is not surely allowed (a request indeterminate, or a fact the world does not
//! state) is followed too, but what it leads to is conditional: never an allowed path.

use crate::chain::MAX_CHAIN;
use crate::escalation_hops::{hops_from, PathHop, PathIndex};
use crate::explain::Decision;
use crate::request::Caller;
use iamsim_policy::Context;
use iamsim_world::World;
use std::collections::HashMap;

/// The most principals (changed ones counted apart) one search visits.
pub const MAX_NODES: usize = 20_000;

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

/// The path search of one world: its candidate index is built once and serves every search.
pub struct PathSearch<'w> {
    index: PathIndex<'w>,
}

impl<'w> PathSearch<'w> {
    /// Builds the world's candidate index (role trust, managed policies, compute) once.
    pub fn new(world: &'w World) -> PathSearch<'w> {
        PathSearch {
            index: PathIndex::new(world),
        }
    }

    /// The world searched.
    pub fn world(&self) -> &'w World {
        self.index.world()
    }

    /// The hops from one principal (see [`hops_from`]).
    pub fn hops_from(&self, caller: &Caller, context: &Context) -> Vec<Vec<PathHop>> {
        hops_from(&self.index, caller, context)
    }

    /// The shortest path from `start` after which `goal` is allowed; stops at the first.
    pub fn shortest(
        &self,
        start: &Caller,
        context: &Context,
        goal: &dyn Fn(&Caller) -> Decision,
        limits: Limits,
    ) -> Found {
        let mut found = Found::default();
        let (nodes, capped, deeper) = self.walk(start, context, limits, &mut |r: &Reached| {
            // A hop that leads nowhere known (the role of a compute the world does not name)
            // leaves the goal unknown.
            let dead_end = r.path.last().is_some_and(|h| h.dead_end);
            let d = if dead_end {
                Decision::Indeterminate
            } else {
                goal(&r.caller)
            };
            match d {
                Decision::Allow if !r.conditional => {
                    found.allowed = Some(r.clone());
                    return true;
                }
                Decision::Allow | Decision::Indeterminate
                    if found.conditional.is_none() && !r.path.is_empty() =>
                {
                    found.conditional = Some(r.clone());
                }
                _ => {}
            }
            false
        });
        found.nodes = nodes;
        found.capped = capped;
        found.deeper = deeper;
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
        let mut out = Vec::new();
        let (_, capped, _) = self.walk(start, context, limits, &mut |r: &Reached| {
            out.push(r.clone());
            false
        });
        (out, capped)
    }

    /// Breadth-first from `start`, calling `visit` on each principal reached (the start
    /// first) until it says stop; the number visited, the cap hit (if any), and whether a path
    /// went on past the hop bound.
    fn walk(
        &self,
        start: &Caller,
        context: &Context,
        limits: Limits,
        visit: &mut dyn FnMut(&Reached) -> bool,
    ) -> (usize, Option<String>, bool) {
        let world = self.world();
        // Per principal key: whether it was reached with every hop allowed.
        let mut seen: HashMap<String, bool> = HashMap::new();
        let mut levels: Vec<Vec<Reached>> = vec![Vec::new(); limits.max_hops + 2];
        if let Some(l) = levels.get_mut(0) {
            l.push(Reached {
                caller: start.clone(),
                path: Vec::new(),
                conditional: false,
            });
        }
        let mut visited = 0usize;
        let mut deeper_left = false;
        for depth in 0..=limits.max_hops {
            let level = std::mem::take(levels.get_mut(depth).map_or(&mut Vec::new(), |l| l));
            for r in level {
                let key = node_key(world, &r.caller);
                match seen.get(&key) {
                    Some(true) => continue,
                    Some(false) if r.conditional => continue,
                    _ => {}
                }
                seen.insert(key, !r.conditional);
                visited += 1;
                if visit(&r) {
                    return (visited, None, deeper_left);
                }
                if visited >= limits.max_nodes {
                    return (
                        visited,
                        Some(format!(
                            "the search stopped after {visited} principals (at most {})",
                            limits.max_nodes
                        )),
                        deeper_left,
                    );
                }
                for hops in self.hops_from(&r.caller, context) {
                    let next_depth = depth + hops.len();
                    let Some(last) = hops.last() else { continue };
                    if next_depth > limits.max_hops {
                        deeper_left = true;
                        continue;
                    }
                    let conditional = r.conditional || hops.iter().any(|h| !h.decision.is_allow());
                    // A hop to a principal the world does not name is seen, not followed.
                    if last.dead_end {
                        let mut path = r.path.clone();
                        path.extend(hops);
                        let end = Reached {
                            caller: r.caller.clone(),
                            path,
                            conditional: true,
                        };
                        if visit(&end) {
                            return (visited, None, deeper_left);
                        }
                        continue;
                    }
                    let key = node_key(world, &last.to);
                    if seen.get(&key).is_some_and(|all| *all || conditional) {
                        continue;
                    }
                    let mut path = r.path.clone();
                    let caller = last.to.clone();
                    path.extend(hops);
                    if let Some(l) = levels.get_mut(next_depth) {
                        l.push(Reached {
                            caller,
                            path,
                            conditional,
                        });
                    }
                }
            }
        }
        (visited, None, deeper_left)
    }
}

/// A principal with its changes, as the visited set keys it.
fn node_key(world: &World, caller: &Caller) -> String {
    let mut key = caller.arn(world);
    if let Some(a) = caller.altered() {
        let mut changes = a.changes.clone();
        changes.sort();
        key.push_str(&format!(" {changes:?}"));
    }
    key
}
