//! The escalation fixture worlds as a whole (docs/rules.md 10.4):
//!
//! - every step that can be part of a path has a `via: "*"` test that takes it (its `path` names
//!   the step) and a look-alike that must not escalate: a test whose principal holds an Allow of
//!   an action of each request the step needs (whatever their resources and conditions) yet is
//!   not allowed, citing 10.4 and what stops it;
//! - every step of an allowed path either has an `ESCALATION_STEP_ON_EVERY_RESOURCE` finding on a
//!   policy of the principal taking it, or the finding is not expected for a reason this test
//!   checks: the grant names its targets or holds a condition (the same policies with every
//!   Allow widened to `*` and unconditioned are flagged for the step), or the grant is a policy an
//!   earlier step of the path wrote (no file holds it). `assume-role` has its own lint code.
//!
//! The agreement of who-can with `can --any-path` on the same tests (same principals, same hop
//! kinds) is `crate::escalation::who_can_agrees_with_any_path_on_the_escalation_fixtures`.

use crate::support::root;
use iamsim_engine::escalation::STEPS;
use iamsim_engine::{
    hops_from, load_tests, principal_name, run_tests, Caller, Decision, PathHop, PathIndex,
    TestCase, Via, World,
};
use iamsim_lint::escalation::steps_allowed;
use iamsim_policy::{ActionKind, Effect, Policy, PolicyType, Source};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

fn worlds() -> Vec<PathBuf> {
    let mut worlds: Vec<_> = std::fs::read_dir(root().join("fixtures/escalation"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("tests.json").is_file())
        .collect();
    worlds.sort();
    assert!(worlds.len() >= 5, "{worlds:?}");
    worlds
}

/// The identity policies a caller's requests are decided by (its changes included): its own,
/// its groups', or its role's.
fn identity_policies(world: &World, caller: &Caller) -> Vec<Policy> {
    if let Some(u) = caller.acting_user(world) {
        let mut out: Vec<Policy> = u.policies.iter().map(|p| p.policy.clone()).collect();
        let account = &world.accounts()[u.account()];
        for g in &u.groups {
            if let Some(group) = account.groups.get(g) {
                out.extend(group.policies.iter().map(|p| p.policy.clone()));
            }
        }
        return out;
    }
    caller
        .acting_role(world)
        .map(|r| r.policies.iter().map(|p| p.policy.clone()).collect())
        .unwrap_or_default()
}

/// Every Allow of `policies` in one document, each on `*` with no condition.
fn widened(policies: &[Policy]) -> Policy {
    let mut statements = Vec::new();
    for p in policies {
        for s in p
            .statements
            .iter()
            .filter(|s| s.effect.value == Effect::Allow)
        {
            let actions: Vec<&str> = s.action.patterns.iter().map(|p| p.text.as_str()).collect();
            let key = match s.action.kind {
                ActionKind::Action => "Action",
                ActionKind::NotAction => "NotAction",
            };
            statements.push(serde_json::json!({"Effect": "Allow", key: actions, "Resource": "*"}));
        }
    }
    let text = serde_json::json!({"Version": "2012-10-17", "Statement": statements}).to_string();
    iamsim_policy::parse_policy(&Source::new("widened", text), PolicyType::Identity)
        .policy
        .unwrap()
}

/// The hops of an allowed path as the engine takes them, each with the principal acting: found
/// again hop by hop from the start, following the kinds and the principals of the answer.
fn replay(
    ix: &PathIndex<'_>,
    world: &World,
    start: Caller,
    kinds: &[String],
    via: &[String],
    context: &iamsim_policy::Context,
) -> Option<Vec<(PathHop, Caller)>> {
    let mut out: Vec<(PathHop, Caller)> = Vec::new();
    let mut current = start;
    while out.len() < kinds.len() {
        let pos = out.len();
        let group = hops_from(ix, &current, context).into_iter().find(|g| {
            g.iter().enumerate().all(|(j, h)| {
                h.decision.is_allow()
                    && kinds.get(pos + j).map(String::as_str) == Some(h.kind)
                    && via.get(pos + j) == Some(&principal_name(world, &h.to))
            })
        })?;
        let mut actor = current.clone();
        for h in &group {
            out.push((h.clone(), actor.clone()));
            // A change of the caller itself (update-trust) is the actor of the hop after it.
            actor = h.to.clone();
        }
        current = group.last()?.to.clone();
    }
    Some(out)
}

/// Kinds of the path's hops, each step once (as tests files write them).
fn kinds_of(answer: &iamsim_engine::Answer) -> Vec<String> {
    let mut kinds: Vec<String> = Vec::new();
    let mut last = None;
    for h in &answer.path {
        if let Some(s) = &h.step {
            if last != Some(s.number) {
                kinds.push(s.kind.clone());
                last = Some(s.number);
            }
        }
    }
    kinds
}

#[test]
fn every_step_escalates_in_a_fixture_and_has_a_look_alike_that_does_not() {
    let mut escalates: BTreeSet<String> = BTreeSet::new();
    let mut looks_alike: BTreeMap<&'static str, Vec<String>> = BTreeMap::new();
    let mut wrong = Vec::new();
    for dir in worlds() {
        let world = World::load(&dir).unwrap();
        let cases: Vec<TestCase> = load_tests(&world, &dir.join("tests.json")).unwrap();
        for case in cases.iter().filter(|c| matches!(c.query.via, Via::Any)) {
            let allowed = matches!(
                case.expect,
                iamsim_engine::Expect::Decision(Decision::Allow)
            );
            if allowed {
                match &case.path {
                    Some(p) => escalates.extend(p.iter().cloned()),
                    None => wrong.push(format!("{}: an allowed path without `path`", case.name)),
                }
                continue;
            }
            if case.rule.as_deref().is_none_or(|r| !r.contains("10.4")) {
                wrong.push(format!(
                    "{}: a look-alike that does not cite 10.4",
                    case.name
                ));
            }
            let caller = Caller::parse(&world, &case.query.principal).unwrap();
            let policies = identity_policies(&world, &caller);
            for step in STEPS.iter().filter(|s| s.is_path_step()) {
                // It looks like the step: for some kind of target, an Allow of one action of
                // each request the step needs (whatever its Resource and Condition).
                let allows = |a: &str| {
                    policies.iter().flat_map(|p| p.statements.iter()).any(|s| {
                        s.effect.value == Effect::Allow
                            && s.action.kind == ActionKind::Action
                            && s.action
                                .patterns
                                .iter()
                                .any(|p| p.matcher.matches(a).is_true())
                    })
                };
                let holds = step.targets.iter().any(|t| {
                    step.needs_for(*t)
                        .all(|n| n.any_of.iter().any(|a| allows(a)))
                });
                if holds {
                    looks_alike
                        .entry(step.name)
                        .or_default()
                        .push(case.name.clone());
                }
            }
        }
    }
    for step in STEPS.iter().filter(|s| s.is_path_step()) {
        if !escalates.contains(step.name) {
            wrong.push(format!(
                "`{}`: no fixture test escalates through it",
                step.name
            ));
        }
        if !looks_alike.contains_key(step.name) {
            wrong.push(format!(
                "`{}`: no look-alike that must not escalate",
                step.name
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn every_step_of_an_allowed_path_is_flagged_by_lint_or_scoped() {
    let (mut flagged, mut scoped, mut written, mut by_root) = (0, 0, 0, 0);
    let mut wrong = Vec::new();
    for dir in worlds() {
        let world = World::load(&dir).unwrap();
        let ix = PathIndex::new(&world);
        let cases = load_tests(&world, &dir.join("tests.json")).unwrap();
        for (case, outcome) in cases.iter().zip(run_tests(&world, &cases)) {
            if !matches!(case.query.via, Via::Any) {
                continue;
            }
            let Some(answer) = outcome.answer.filter(|a| a.decision.is_allow()) else {
                continue;
            };
            let kinds = kinds_of(&answer);
            let context = world.with_default_context(&case.query.context);
            let start = Caller::parse(&world, &case.query.principal).unwrap();
            let Some(hops) = replay(&ix, &world, start, &kinds, &answer.via, &context) else {
                wrong.push(format!(
                    "{}: the path {kinds:?} is not found again",
                    case.name
                ));
                continue;
            };
            let mut wrote_policy = false;
            for (hop, actor) in hops {
                if hop.kind == "assume-role" {
                    continue;
                }
                // The root user has no policy for lint to read: it may take any step in its
                // own account (4.3).
                if matches!(actor, Caller::Root { .. }) {
                    by_root += 1;
                    continue;
                }
                let policies = identity_policies(&world, &actor);
                let on_file = |p: &Policy| !p.source.name().contains("of the caller's writing");
                if policies
                    .iter()
                    .filter(|p| on_file(p))
                    .any(|p| steps_allowed(p).iter().any(|g| g.step.name == hop.kind))
                {
                    flagged += 1;
                } else if wrote_policy {
                    written += 1;
                } else if steps_allowed(&widened(&policies))
                    .iter()
                    .any(|g| g.step.name == hop.kind)
                {
                    scoped += 1;
                } else {
                    wrong.push(format!(
                        "{}: {}: `{}` is taken, but lint would not flag it even granted on every target",
                        dir.display(),
                        case.name,
                        hop.kind
                    ));
                }
                let gains = iamsim_engine::escalation::step(hop.kind).map(|s| s.gain);
                wrote_policy |= gains == Some(iamsim_engine::escalation::Gain::AnyPolicy);
            }
        }
    }
    eprintln!("steps of allowed paths: {flagged} flagged by lint, {scoped} scoped to their targets, {written} granted by a policy the path wrote, {by_root} taken by a root user");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert!(
        flagged >= 1 && scoped >= 30 && by_root >= 1,
        "{flagged} flagged, {scoped} scoped, {by_root} by a root user"
    );
}
