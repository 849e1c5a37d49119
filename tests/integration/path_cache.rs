//! The path search's kept work (one `PathSearch` per world, shared by the tests of a run, the
//! searches of a who-can answer and the requests of a comparison) never changes an answer: every
//! `via: "*"` question and every who-can question answers the same through one shared search, in
//! any order, as asked alone.

use crate::fixtures::fixture_worlds;
use crate::support::{iamsim, root};
use iamsim_engine::{
    ask, ask_with, decide, decide_with, load_tests, who_can, who_can_with, PathSearch, Query, Via,
    WhoCan, WhoCanQuery, World,
};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// A generated organization with escalation chains (small enough for a debug build).
fn generated() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("iamsim-path-cache-{}", std::process::id()));
    if !dir.join("world.json").is_file() {
        let out = iamsim(&[
            "gen",
            "--seed",
            "3",
            "--accounts",
            "5",
            "--roles-per-account",
            "3",
            "--escalation",
            "60",
            "--out",
            dir.to_str().unwrap(),
        ]);
        assert!(out.status.success(), "{out:?}");
    }
    dir
}

/// Questions on the generated world: every user and role of its accounts, to each bucket and to
/// an IAM action only an administrator has, through any path.
fn generated_queries(dir: &Path) -> Vec<Query> {
    let text = std::fs::read_to_string(dir.join("world.json")).unwrap();
    let world: Value = serde_json::from_str(&text).unwrap();
    let accounts = world["accounts"].as_object().unwrap();
    let mut principals = Vec::new();
    let mut targets = vec![("iam:CreateUser".to_string(), "*".to_string())];
    for (id, a) in accounts {
        for kind in ["users", "roles"] {
            for name in a[kind].as_object().into_iter().flatten().map(|(n, _)| n) {
                let path = a[kind][name]["path"].as_str().unwrap_or("/");
                let kind = &kind[..kind.len() - 1];
                principals.push(format!("arn:aws:iam::{id}:{kind}{path}{name}"));
            }
        }
        for bucket in a["buckets"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(n, _)| n)
        {
            targets.push(("s3:GetObject".into(), format!("arn:aws:s3:::{bucket}/k")));
        }
    }
    let mut out = Vec::new();
    for p in &principals {
        for (action, resource) in &targets {
            out.push(query(p, action, resource));
        }
    }
    out
}

fn query(principal: &str, action: &str, resource: &str) -> Query {
    Query {
        principal: principal.into(),
        action: action.into(),
        resource: resource.into(),
        via: Via::Any,
        context: Default::default(),
        session_policies: Vec::new(),
    }
}

/// Every question asked alone, then through one shared search forwards and backwards: the same
/// answers (decision, path and notes, as rendered) and the same decisions.
fn same_answers(world: &World, queries: &[Query], what: &str) -> usize {
    let alone: Vec<String> = queries
        .iter()
        .map(|q| {
            ask(world, q)
                .map(|a| a.render_text())
                .unwrap_or_else(|e| e.message)
        })
        .collect();
    let shared = PathSearch::new(world);
    let order: Vec<usize> = (0..queries.len()).chain((0..queries.len()).rev()).collect();
    for i in order {
        let q = &queries[i];
        let through = ask_with(world, Some(&shared), q)
            .map(|a| a.render_text())
            .unwrap_or_else(|e| e.message);
        assert_eq!(
            through, alone[i],
            "{what}: {} {} {}",
            q.principal, q.action, q.resource
        );
        assert_eq!(
            decide_with(world, Some(&shared), q).ok(),
            decide(world, q).ok(),
            "{what}: {} {} {}",
            q.principal,
            q.action,
            q.resource
        );
    }
    queries.len()
}

#[test]
fn via_star_questions_answer_the_same_through_one_shared_search() {
    let mut asked = 0;
    for dir in fixture_worlds() {
        let file = dir.join("tests.json");
        let Ok(world) = World::load(&dir) else {
            continue;
        };
        let Ok(cases) = load_tests(&world, &file) else {
            continue;
        };
        let queries: Vec<Query> = cases
            .into_iter()
            .map(|c| c.query)
            .filter(|q| matches!(q.via, Via::Any))
            .collect();
        if !queries.is_empty() {
            asked += same_answers(&world, &queries, &dir.display().to_string());
        }
    }
    assert!(
        asked >= 20,
        "only {asked} via \"*\" tests in the fixture worlds"
    );
    let dir = generated();
    let world = World::load(&dir).unwrap();
    let queries = generated_queries(&dir);
    assert!(queries.len() >= 100, "{}", queries.len());
    same_answers(&world, &queries, "generated");
}

/// A who-can answer in words: each entry's principal, chain, decision, conditions and path.
fn words(w: &WhoCan) -> Vec<String> {
    let entry = |e: &iamsim_engine::WhoCanEntry| {
        format!(
            "{} via {:?}: {} {:?} [{}]",
            e.principal,
            e.via,
            e.decision(),
            e.alternatives(),
            e.path
                .iter()
                .map(|h| format!("{} {} {} {}", h.principal, h.action, h.resource, h.decision))
                .collect::<Vec<_>>()
                .join("; ")
        )
    };
    let mut out: Vec<String> = w.principals.iter().map(entry).collect();
    out.extend(
        w.undecided
            .iter()
            .map(|e| format!("undecided {}", entry(e))),
    );
    out.push(format!("omitted {}", w.omitted));
    out
}

/// who-can asked of one world for several requests through one shared search (as a comparison
/// asks them) answers each as who-can alone does, escalation paths included.
#[test]
fn who_can_answers_the_same_through_one_shared_search() {
    let dir = generated();
    let text = std::fs::read_to_string(dir.join("world.json")).unwrap();
    let json: Value = serde_json::from_str(&text).unwrap();
    let mut requests = vec![("iam:CreateUser".to_string(), "*".to_string())];
    for (id, a) in json["accounts"].as_object().unwrap() {
        requests.push(("iam:CreateUser".into(), format!("arn:aws:iam::{id}:user/x")));
        for bucket in a["buckets"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(n, _)| n)
        {
            requests.push(("s3:GetObject".into(), format!("arn:aws:s3:::{bucket}/k")));
        }
    }
    let mut worlds = vec![(World::load(&dir).unwrap(), requests)];
    for name in [
        "admin",
        "identity",
        "pass-role",
        "take-over",
        "cross-account",
    ] {
        let dir = root().join("fixtures/escalation").join(name);
        let reqs = vec![
            (
                "s3:GetObject".to_string(),
                "arn:aws:s3:::payroll/salaries.csv".to_string(),
            ),
            ("iam:CreateUser".to_string(), "*".to_string()),
        ];
        worlds.push((World::load(&dir).unwrap(), reqs));
    }
    let mut found = 0;
    for (world, requests) in &worlds {
        let shared = PathSearch::new(world);
        for (action, resource) in requests.iter().chain(requests.iter().rev()) {
            let q = WhoCanQuery {
                action: action.clone(),
                resource: resource.clone(),
                context: Default::default(),
            };
            let alone = who_can(world, &q).unwrap();
            let through = who_can_with(world, &shared, &q).unwrap();
            assert_eq!(words(&through), words(&alone), "{action} {resource}");
            found += alone.stats.path_starts;
        }
    }
    assert!(found > 0, "no escalation search was made");
}
