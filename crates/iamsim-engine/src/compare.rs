//! Comparing two worlds (the base and the head of a pull request) request by request: for each
//! request the caller names, who-can ([`crate::who_can`]) is asked of both worlds and its answers
//! are diffed principal by principal. Nothing here decides a request: every decision is the
//! engine's own, with its dual readings, open keys and fail-closed rules.
//!
//! A principal of the new world has new access when the new world allows it (outright, or
//! under conditions) and the old world does not allow it under the same or weaker conditions.
//! Conditions are compared as the engine words them: a condition of the new answer that the old
//! answer does not state word for word is not proven to be covered, and is reported, never
//! passed. Answers the engine cannot decide in the new world, where the old world does not allow
//! the request, are reported as not proven.

use crate::explain::{Hop, Outcome};
use crate::open_conditions::Grant;
use crate::request::RequestError;
use crate::who_can::{who_can_with, WhoCan, WhoCanEntry, WhoCanQuery};
use iamsim_policy::{Context, Effect};
use iamsim_world::World;
use std::collections::HashMap;

/// One request to compare: an action on a resource (an ARN or `*`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Probe {
    /// The action, `service:Operation`.
    pub action: String,
    /// The resource ARN, or `*`.
    pub resource: String,
}

/// What a finding says about the request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    /// The new world allows it (under `conditions`, when any); the old one does not.
    NewAccess,
    /// Neither proven new nor proven old: the old world allows it only under other conditions,
    /// or the new world cannot decide it.
    NotProven,
}

/// A request a principal of the new world may make that the old world denies it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Difference {
    /// Whether the access is proven new, or only not proven old.
    pub change: Change,
    /// The principal that gains the access, as who-can names it.
    pub principal: String,
    /// The roles assumed, in order.
    pub via: Vec<String>,
    /// The action of the request.
    pub action: String,
    /// The resource of the request.
    pub resource: String,
    /// Conditions under which the new world allows it, in words (empty: outright).
    pub conditions: Vec<String>,
    /// The same conditions as terms (`{key, operator, values}`), when who-can gave them.
    pub terms: Vec<crate::open_conditions::Term>,
    /// The statements of the new world that grant it, hop by hop (`file:line:col statement`).
    pub path: Vec<String>,
    /// Why, in words.
    pub reason: String,
}

/// The outcome of a comparison.
#[derive(Clone, Debug, Default)]
pub struct Comparison {
    /// Requests compared (each asked of both worlds).
    pub compared: usize,
    /// The requests the new world allows and the old one does not (or that are not proven
    /// old), by principal.
    pub differences: Vec<Difference>,
    /// Why the comparison is incomplete, when it is (a who-can answer cut at its cap).
    pub incomplete: Vec<String>,
}

impl Comparison {
    /// Proven: every request compared, no difference.
    pub fn passed(&self) -> bool {
        self.differences.is_empty() && self.incomplete.is_empty()
    }
}

/// The most principal examinations a comparison makes (each request asked of both worlds costs
/// the number of principals who-can examines in each): the cost of a comparison is bounded by
/// it, whatever the size of the policies. A comparison that would need more is not made.
pub const MAX_DECISIONS: usize = 250_000;

/// Asks every probe of both worlds and diffs the answers. `context` fixes request keys for
/// both; every other key stays open, as in who-can. Past [`MAX_DECISIONS`] the comparison
/// stops and says so ([`Comparison::incomplete`]).
pub fn compare_worlds(
    old: &World,
    new: &World,
    probes: &[Probe],
    context: &Context,
) -> Result<Comparison, RequestError> {
    let mut out = Comparison::default();
    let mut decisions = 0usize;
    // One path search per world: the requests share the paths they search.
    let (old_paths, new_paths) = (crate::PathSearch::new(old), crate::PathSearch::new(new));
    for p in probes {
        if decisions > MAX_DECISIONS {
            out.incomplete.push(format!(
                "the comparison stopped after {decisions} decisions (the cap is {MAX_DECISIONS}), with {} of {} requests compared",
                out.compared,
                probes.len()
            ));
            break;
        }
        let q = WhoCanQuery {
            action: p.action.clone(),
            resource: p.resource.clone(),
            context: context.clone(),
        };
        let before = who_can_with(old, &old_paths, &q)?;
        let after = who_can_with(new, &new_paths, &q)?;
        let cost = before.stats.principals + after.stats.principals;
        decisions += cost;
        out.compared += 1;
        // The first request shows what each costs: refuse early what cannot fit.
        if out.compared == 1 && cost.saturating_mul(probes.len()) > MAX_DECISIONS {
            out.incomplete.push(format!(
                "comparing {} requests over {} principals would take about {} decisions, more than the cap of {MAX_DECISIONS}",
                probes.len(),
                cost / 2,
                cost.saturating_mul(probes.len())
            ));
            return Ok(out);
        }
        for (name, w) in [("old", &before), ("new", &after)] {
            if w.omitted > 0 {
                out.incomplete.push(format!(
                    "who-can of the {name} world for {} on {} stopped at its cap ({} principals not examined)",
                    p.action, p.resource, w.omitted
                ));
            }
        }
        let mut found = Vec::new();
        diff(&before, &after, p, &mut found);
        // One request per principal, chain, action and conditions: the first found.
        for d in found {
            let same = |e: &Difference| {
                e.principal == d.principal
                    && e.via == d.via
                    && e.action == d.action
                    && e.conditions == d.conditions
                    && e.change == d.change
            };
            if !out.differences.iter().any(same) {
                out.differences.push(d);
            }
        }
    }
    Ok(out)
}

/// What the old world grants one principal, over every way it reaches the request.
#[derive(Default)]
struct OldGrant {
    allow: bool,
    alternatives: Vec<Vec<String>>,
}

/// The account of an outside principal (`account:<id>` or an ARN), for falling back from a
/// principal the old world's policies do not name to its account.
fn account_of(principal: &str) -> Option<&str> {
    if let Some(id) = principal.strip_prefix("account:") {
        return Some(id);
    }
    principal.split(':').nth(4).filter(|a| !a.is_empty())
}

fn diff(old: &WhoCan, new: &WhoCan, p: &Probe, out: &mut Vec<Difference>) {
    let mut grants: HashMap<&str, OldGrant> = HashMap::new();
    for e in &old.principals {
        let g = grants.entry(e.principal.as_str()).or_default();
        match &e.grant {
            Grant::Allow => g.allow = true,
            Grant::Conditional(alts) => g.alternatives.extend(alts.iter().cloned()),
            _ => {}
        }
    }
    let lookup = |principal: &str| -> Vec<&OldGrant> {
        let mut v: Vec<&OldGrant> = grants.get(principal).into_iter().collect();
        if let Some(acct) = account_of(principal) {
            if let Some(g) = grants.get(format!("account:{acct}").as_str()) {
                if !principal.starts_with("account:") {
                    v.push(g);
                }
            }
        }
        v
    };
    let mut seen: Vec<(String, Vec<String>)> = Vec::new();
    for e in &new.principals {
        let old_grants = lookup(&e.principal);
        if old_grants.iter().any(|g| g.allow) {
            continue;
        }
        let old_alts: Vec<&Vec<String>> = old_grants
            .iter()
            .flat_map(|g| g.alternatives.iter())
            .collect();
        // An alternative of the new answer is covered when an old alternative asks no more.
        let covered =
            |alt: &Vec<String>| old_alts.iter().any(|o| o.iter().all(|c| alt.contains(c)));
        let uncovered: Option<(Vec<String>, Vec<crate::open_conditions::Term>)> = match &e.grant {
            Grant::Allow => Some((Vec::new(), Vec::new())),
            Grant::Conditional(alts) => alts.iter().position(|a| !covered(a)).map(|i| {
                (
                    alts.get(i).cloned().unwrap_or_default(),
                    e.terms.get(i).cloned().unwrap_or_default(),
                )
            }),
            _ => None,
        };
        let Some((conditions, terms)) = uncovered else {
            continue;
        };
        // One finding per principal and conditions: the shortest chain is listed first.
        if seen.contains(&(e.principal.clone(), conditions.clone())) {
            continue;
        }
        seen.push((e.principal.clone(), conditions.clone()));
        let (change, reason) = if old_alts.is_empty() {
            (
                Change::NewAccess,
                "the new world allows it; the old world does not".to_string(),
            )
        } else {
            (
                Change::NotProven,
                format!(
                    "the old world allows it only when {}; not proven to cover the new conditions",
                    old_alts
                        .iter()
                        .map(|a| a.join(" and "))
                        .collect::<Vec<_>>()
                        .join(", or when ")
                ),
            )
        };
        out.push(difference(e, p, change, (conditions, terms), reason));
    }
    for e in &new.undecided {
        if lookup(&e.principal).iter().any(|g| g.allow) {
            continue;
        }
        // Undecided in the old world too, for the same reason and on the same statements: the
        // answer rests on the same unknown and the same grants in both, so nothing changed.
        let same = old
            .undecided
            .iter()
            .any(|o| o.principal == e.principal && o.via == e.via && signature(o) == signature(e));
        if same {
            continue;
        }
        let why = e
            .path
            .last()
            .and_then(|h| h.summary.first().cloned())
            .unwrap_or_else(|| "the new world cannot decide it".into());
        out.push(difference(
            e,
            p,
            Change::NotProven,
            (Vec::new(), Vec::new()),
            format!("the new world cannot decide it ({why}); the old world does not allow it"),
        ));
    }
}

fn difference(
    e: &WhoCanEntry,
    p: &Probe,
    change: Change,
    (conditions, terms): (Vec<String>, Vec<crate::open_conditions::Term>),
    reason: String,
) -> Difference {
    Difference {
        change,
        principal: e.principal.clone(),
        via: e.via.clone(),
        action: p.action.clone(),
        resource: p.resource.clone(),
        conditions,
        terms,
        path: e.path.iter().flat_map(|h| granting(h)).collect(),
        reason,
    }
}

/// One hop's reasons, and its statements as (label, role, what it did).
type HopSignature = (Vec<String>, Vec<(String, String, String)>);

/// What an undecided answer rests on, hop by hop: the reason and the statements (by label and
/// role, not file, so that the same statement of two worlds compares equal).
fn signature(e: &WhoCanEntry) -> Vec<HopSignature> {
    e.path
        .iter()
        .map(|h| {
            (
                h.summary.clone(),
                h.reasons
                    .iter()
                    .map(|r| (r.statement.clone(), r.role.clone(), r.did()))
                    .collect(),
            )
        })
        .collect()
}

/// The Allow statements that applied in one hop, as `file:line:col statement (role)`.
fn granting(h: &Hop) -> Vec<String> {
    h.reasons
        .iter()
        .filter(|r| r.effect == Some(Effect::Allow) && matches!(r.outcome, Outcome::Applied))
        .map(|r| format!("{} {} ({})", r.location, r.statement, r.role))
        .collect()
}
