//! `lint` and the path search agree on the escalation fixture worlds: every principal holding an
//! identity policy that lint flags for a step (ESCALATION_STEP_ON_EVERY_RESOURCE) can take that
//! step per the engine (`hops_from`, decided by the one evaluator), unless something outside the
//! flagged document stops it, which the test names: a permissions boundary, an SCP other than
//! FullAWSAccess, a `Deny` in another of its policies, or no target of that kind in the world
//! but the principal itself (no principal at all takes the step on another target).

use crate::support::root;
use iamsim_engine::{hops_from, Caller, PathIndex, Session, World};
use iamsim_lint::escalation::steps_allowed;
use std::collections::BTreeSet;
use std::sync::Arc;

/// The kinds and targets of every hop the engine finds from `caller` (allowed or
/// indeterminate).
fn kinds(ix: &PathIndex<'_>, world: &World, caller: &Caller) -> BTreeSet<(&'static str, String)> {
    let context = world.with_default_context(&iamsim_policy::Context::new());
    hops_from(ix, caller, &context)
        .iter()
        .flatten()
        .map(|h| (h.kind, h.target.clone()))
        .collect()
}

/// Whether a policy holds a `Deny`.
fn denies(p: &Arc<iamsim_engine::LoadedPolicy>) -> bool {
    p.policy
        .statements
        .iter()
        .any(|s| s.effect.value == iamsim_policy::Effect::Deny)
}

#[test]
fn every_principal_lint_flags_for_a_step_can_take_it() {
    let mut worlds: Vec<_> = std::fs::read_dir(root().join("fixtures/escalation"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("world.json").is_file())
        .collect();
    worlds.sort();
    assert!(worlds.len() >= 4, "{worlds:?}");
    let (mut agreed, mut stopped, mut wrong) = (0, 0, Vec::new());
    for dir in &worlds {
        let world = World::load(dir).unwrap();
        let ix = PathIndex::new(&world);
        // (caller, its identity policies, whether a guardrail outside them applies).
        let mut principals: Vec<(Caller, String, Vec<Arc<iamsim_engine::LoadedPolicy>>, bool)> =
            Vec::new();
        for account in world.accounts().values() {
            let scp = world
                .organization()
                .as_ref()
                .and_then(|o| o.paths.get(&account.id))
                .is_some_and(|levels| {
                    levels
                        .iter()
                        .flat_map(|l| l.scps.iter())
                        .any(|p| !p.name.contains("FullAWSAccess"))
                });
            for user in account.users.values() {
                let mut policies = user.policies.clone();
                for g in &user.groups {
                    if let Some(group) = account.groups.get(g) {
                        policies.extend(group.policies.iter().cloned());
                    }
                }
                let guarded = scp || user.boundary.is_some();
                principals.push((
                    Caller::user_of(user),
                    user.arn().to_string(),
                    policies,
                    guarded,
                ));
            }
            for role in account.roles.values() {
                let guarded = scp || role.boundary.is_some();
                principals.push((
                    Caller::Session(Session::new(role, "iamsim")),
                    role.arn().to_string(),
                    role.policies.clone(),
                    guarded,
                ));
            }
        }
        let taken_with_targets: Vec<BTreeSet<(&'static str, String)>> = principals
            .iter()
            .map(|(caller, ..)| kinds(&ix, &world, caller))
            .collect();
        let taken: Vec<BTreeSet<&'static str>> = taken_with_targets
            .iter()
            .map(|t| t.iter().map(|(k, _)| *k).collect())
            .collect();
        // Per step, the targets anyone's hops of it name: a principal is never its own target
        // (a role does not rewrite its own trust to assume itself).
        let mut targets: std::collections::BTreeMap<&'static str, BTreeSet<String>> =
            Default::default();
        for (k, t) in taken_with_targets.iter().flatten() {
            targets.entry(*k).or_default().insert(t.clone());
        }
        for ((_, arn, policies, guarded), taken) in principals.iter().zip(&taken) {
            for (i, p) in policies.iter().enumerate() {
                for grant in steps_allowed(&p.policy) {
                    let step = grant.step.name;
                    let other_deny = policies
                        .iter()
                        .enumerate()
                        .any(|(j, q)| j != i && denies(q));
                    if taken.contains(step) {
                        agreed += 1;
                    } else if *guarded
                        || other_deny
                        || targets.get(step).is_none_or(|t| t.iter().all(|t| t == arn))
                    {
                        stopped += 1;
                    } else {
                        wrong.push(format!(
                            "{}: {arn}: lint flags `{step}` in {} but the engine finds no such hop (it finds {taken:?})",
                            dir.display(),
                            p.name
                        ));
                    }
                }
            }
        }
    }
    eprintln!("{agreed} flagged steps taken, {stopped} stopped outside the flagged document");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert!(
        agreed >= 10,
        "only {agreed} flagged steps checked ({stopped} stopped)"
    );
}

/// The chains `iamsim gen --escalation` sprinkles are found by `can --any-path` with the steps
/// they were written for, and lint flags the one policy of theirs granted on every target of
/// its kind.
#[test]
fn generated_escalation_chains_are_found_step_by_step() {
    let dir = crate::field_aws::Scratch::new("gen-escalation");
    let out = dir.0.join("world");
    let out_s = out.to_str().unwrap();
    let o = crate::support::iamsim(&[
        "gen",
        "--seed",
        "3",
        "--accounts",
        "4",
        "--roles-per-account",
        "5",
        "--escalation",
        "100",
        "--out",
        out_s,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", crate::support::stderr(&o));
    let a = iamsim_engine::synth::account_id(3);
    let steps = |user: &str| -> Vec<String> {
        let o = crate::support::iamsim(&[
            "can",
            "--world",
            out_s,
            "--any-path",
            "--format",
            "json",
            &format!("arn:aws:iam::{a}:user/{user}"),
            "iam:CreateUser",
            &format!("arn:aws:iam::{a}:user/x"),
        ]);
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(v["decision"], "allow", "{user}: {v}");
        let mut kinds: Vec<String> = Vec::new();
        for h in v["path"].as_array().unwrap() {
            if let Some(k) = h["kind"].as_str() {
                if kinds.last().map(String::as_str) != Some(k) {
                    kinds.push(k.to_string());
                }
            }
        }
        kinds
    };
    assert_eq!(
        steps("esc-keys"),
        [
            "create-access-key",
            "lambda-create-invoke",
            "create-policy-version"
        ]
    );
    assert_eq!(steps("esc-ops"), ["ssm-start-session", "put-inline-policy"]);
    let lint = crate::support::iamsim(&[
        "lint",
        "--no-config",
        &format!("{out_s}/accounts/{a}/escalation"),
    ]);
    let text = crate::support::stdout(&lint);
    // Only esc-ops's grant is on every target of its kind (each instance of the account), and
    // the engine takes that step too; the others name their one user, role or policy.
    let flagged: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("[ESCALATION_STEP_ON_EVERY_RESOURCE]"))
        .collect();
    assert_eq!(flagged.len(), 1, "{text}");
    assert!(
        flagged[0].contains("/ops.json:") && flagged[0].contains("`ssm-start-session`"),
        "{text}"
    );
}
