//! Runs every fixture world's tests.json: the semantics of iamsim, as data (fixtures/README.md).

use iamsim_engine::{compare_paths, load_tests, run_tests, World};
use std::path::{Path, PathBuf};

fn worlds(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            if path.join("world.json").is_file() && path.join("tests.json").is_file() {
                out.push(path.clone());
            }
            worlds(&path, out);
        }
    }
}

pub(crate) fn fixture_worlds() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut out = Vec::new();
    worlds(&root, &mut out);
    out
}

#[test]
fn every_fixture_world_passes_its_tests() {
    let worlds = fixture_worlds();
    assert!(
        worlds.len() > 60,
        "found only {} fixture worlds",
        worlds.len()
    );
    let mut failures = Vec::new();
    let mut total = 0;
    for dir in &worlds {
        let world = match World::load(dir) {
            Ok(w) => w,
            Err(e) => {
                let msgs: Vec<String> = e.diagnostics.iter().map(|d| d.to_string()).collect();
                failures.push(format!(
                    "{}: does not load:\n    {}",
                    dir.display(),
                    msgs.join("\n    ")
                ));
                continue;
            }
        };
        let cases = match load_tests(&world, &dir.join("tests.json")) {
            Ok(c) => c,
            Err(e) => {
                let msgs: Vec<String> = e.diagnostics.iter().map(|d| d.to_string()).collect();
                failures.push(format!(
                    "{}: tests.json does not load:\n    {}",
                    dir.display(),
                    msgs.join("\n    ")
                ));
                continue;
            }
        };
        assert!(!cases.is_empty(), "{} has no tests", dir.display());
        for outcome in run_tests(&world, &cases) {
            total += 1;
            if let Some(f) = &outcome.failure {
                failures.push(format!("{}: {}: {f}", dir.display(), outcome.case.name));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {total} fixture tests failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The decision-only path agrees with the explained path on every hop of every fixture request
/// (role chains, AssumeRole parameters, session policies and contexts included).
#[test]
fn the_decision_only_path_agrees_on_every_fixture_request() {
    let mut mismatches = Vec::new();
    let mut compared = 0;
    for dir in fixture_worlds() {
        let Ok(world) = World::load(&dir) else {
            continue; // reported by every_fixture_world_passes_its_tests
        };
        let Ok(cases) = load_tests(&world, &dir.join("tests.json")) else {
            continue;
        };
        for case in &cases {
            match compare_paths(&world, &case.query) {
                Ok(m) => {
                    compared += 1;
                    mismatches.extend(
                        m.into_iter()
                            .map(|m| format!("{}: {}: {m}", dir.display(), case.name)),
                    );
                }
                Err(e) => {
                    if iamsim_engine::decide(&world, &case.query).is_ok() {
                        mismatches.push(format!(
                            "{}: {}: ask refuses ({e}) but decide answers",
                            dir.display(),
                            case.name
                        ));
                    }
                }
            }
        }
    }
    assert!(compared > 300, "only {compared} fixture requests compared");
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

#[test]
fn all_46_worked_examples_are_fixtures() {
    let mut rules = String::new();
    for dir in fixture_worlds() {
        rules.push_str(&std::fs::read_to_string(dir.join("tests.json")).unwrap_or_default());
    }
    let missing: Vec<String> = (1..=46)
        .map(|n| format!("W{n}"))
        .filter(|w| {
            // `W1` must not be satisfied by `W14`: look for the id followed by a non-digit.
            !rules
                .match_indices(w.as_str())
                .any(|(i, _)| !rules[i + w.len()..].starts_with(|c: char| c.is_ascii_digit()))
        })
        .collect();
    assert!(
        missing.is_empty(),
        "worked examples without a fixture test: {missing:?}"
    );
}

/// Rule numbers (`4.10`) cited in a `rule` field.
pub(crate) fn cited_rules(rule: &str) -> Vec<String> {
    let bytes: Vec<char> = rule.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let starts = bytes[i].is_ascii_digit()
            && (i == 0 || !(bytes[i - 1].is_alphanumeric() || bytes[i - 1] == '.'));
        if starts {
            let mut j = i;
            while j < bytes.len() && (bytes[j].is_ascii_digit() || bytes[j] == '.') {
                j += 1;
            }
            let token: String = bytes[i..j].iter().collect();
            let token = token.trim_end_matches('.');
            if token.matches('.').count() == 1 {
                out.push(token.to_string());
            }
            i = j;
        } else {
            i += 1;
        }
    }
    out
}

#[test]
fn every_rule_of_sections_4_to_6_has_a_fixture_test() {
    let mut cited = std::collections::HashSet::new();
    for dir in fixture_worlds() {
        let text = std::fs::read_to_string(dir.join("tests.json")).unwrap();
        let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
        for t in doc["tests"].as_array().unwrap() {
            if let Some(rule) = t["rule"].as_str() {
                cited.extend(cited_rules(rule));
            }
        }
    }
    let required = (1..=16)
        .map(|i| format!("4.{i}"))
        .chain((1..=8).map(|i| format!("5.{i}")))
        .chain((1..=16).map(|i| format!("6.{i}")));
    let missing: Vec<String> = required.filter(|r| !cited.contains(r)).collect();
    assert!(
        missing.is_empty(),
        "rules without a fixture test: {missing:?}"
    );
    assert_eq!(cited_rules("W27(b); 4.10, 6.3"), vec!["4.10", "6.3"]);
}
