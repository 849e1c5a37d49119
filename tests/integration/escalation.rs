//! Paths beyond AssumeRole: `who-can --admin` on the fixture world `fixtures/escalation/admin`,
//! the `path` field of tests files (the kinds of the hops an answer takes), and who-can across
//! accounts on `fixtures/escalation/cross-account-reach`.

use crate::support::{iamsim, root, stderr, stdout};
use iamsim_engine::{load_tests, run_tests, who_is_admin, AdminQuery, World};
use serde_json::Value;

fn admin_world() -> World {
    World::load(&root().join("fixtures/escalation/admin")).unwrap()
}

/// (principal, via, decision) of every entry, sorted.
fn rows(answer: &iamsim_engine::WhoCan) -> Vec<(String, Vec<String>, String)> {
    let mut rows: Vec<_> = answer
        .principals
        .iter()
        .map(|e| (e.principal.clone(), e.via.clone(), e.decision().to_string()))
        .collect();
    rows.sort();
    rows
}

fn row(principal: &str, via: &[&str], decision: &str) -> (String, Vec<String>, String) {
    (
        format!("arn:aws:iam::{principal}"),
        via.iter()
            .map(|r| format!("arn:aws:iam::111111111111:role/{r}"))
            .collect(),
        decision.to_string(),
    )
}

#[test]
fn admin_is_every_action_on_every_resource() {
    let world = admin_world();
    let answer = who_is_admin(&world, &AdminQuery::default()).unwrap();
    let mut want = vec![
        // AdministratorAccess, the account's root user, and the role holding it.
        row("111111111111:user/ada", &[], "allow"),
        row("111111111111:root", &[], "allow"),
        row("111111111111:role/Admin", &[], "allow"),
        // An Allow of `*` that needs MFA.
        row("111111111111:user/mo", &[], "conditional"),
        // Through the Admin role: dan leaves his Deny behind, pat his NotAction.
        row("111111111111:user/ada", &["Admin"], "allow"),
        row("111111111111:user/dan", &["Admin"], "allow"),
        row("111111111111:user/pat", &["Admin"], "allow"),
        row("111111111111:user/otto", &["Admin"], "allow"),
        row("111111111111:user/mo", &["Admin"], "conditional"),
        // A policy of her writing attached to herself (attach-policy): via is ivy herself.
        (
            "arn:aws:iam::111111111111:user/ivy".to_string(),
            vec!["arn:aws:iam::111111111111:user/ivy".to_string()],
            "allow".to_string(),
        ),
        // The sandbox account (no organization): its root user, and dora, allowed `*` outright
        // but denied its instances until she deletes the Deny (remove-deny): each request of
        // the question is allowed along that one path, though the first is allowed directly.
        row("333333333333:root", &[], "allow"),
        (
            "arn:aws:iam::333333333333:user/dora".to_string(),
            vec!["arn:aws:iam::333333333333:user/dora".to_string()],
            "allow".to_string(),
        ),
    ];
    want.sort();
    // Not admin: pat (PowerUserAccess: NotAction iam:*), dan (a Deny of s3:* on a bucket),
    // bea (a boundary of s3 and ec2), eve and the dev account's root (an SCP denying iam:*), ike
    // (what he attaches is capped by a boundary allowing only iam:AttachUserPolicy).
    assert_eq!(rows(&answer), want);
    assert!(answer.undecided.is_empty());
    let mo = answer
        .principals
        .iter()
        .find(|e| e.principal.ends_with("user/mo") && e.via.is_empty())
        .unwrap();
    assert_eq!(mo.conditions(), ["aws:MultiFactorAuthPresent is true"]);
    assert_eq!(mo.terms.len(), 1);
}

#[test]
fn admin_of_one_account() {
    let world = admin_world();
    let dev = AdminQuery {
        account: Some("222222222222".into()),
        ..AdminQuery::default()
    };
    let answer = who_is_admin(&world, &dev).unwrap();
    assert!(answer.principals.is_empty() && answer.undecided.is_empty());
    let prod = AdminQuery {
        account: Some("111111111111".into()),
        ..AdminQuery::default()
    };
    let in_prod: Vec<_> = rows(&who_is_admin(&world, &AdminQuery::default()).unwrap())
        .into_iter()
        .filter(|(p, ..)| p.contains(":111111111111:"))
        .collect();
    assert_eq!(rows(&who_is_admin(&world, &prod).unwrap()), in_prod);
    let unknown = AdminQuery {
        account: Some("444444444444".into()),
        ..AdminQuery::default()
    };
    assert!(who_is_admin(&world, &unknown).is_err());
}

#[test]
fn admin_on_the_command_line() {
    let o = iamsim(&[
        "who-can",
        "--world",
        "fixtures/escalation/admin",
        "--admin",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["principals"].as_array().unwrap().len(), 12);
    let o = iamsim(&[
        "who-can",
        "--world",
        "fixtures/escalation/admin",
        "--admin",
        "--account",
        "222222222222",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let o = iamsim(&[
        "who-can",
        "--world",
        "fixtures/escalation/admin",
        "--admin",
        "--account",
        "444444444444",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("not an account of the world"));
    // An action and --admin are two questions.
    let o = iamsim(&[
        "who-can",
        "--world",
        "fixtures/escalation/admin",
        "--admin",
        "s3:GetObject",
        "*",
    ]);
    assert_eq!(o.status.code(), Some(2));
}

/// (principal, via, decision) of every entry of a who-can JSON answer, sorted; and `omitted`.
fn json_rows(args: &[&str]) -> (Vec<(String, Vec<String>, String)>, Value) {
    let mut all = vec![
        "who-can",
        "--world",
        "fixtures/escalation/cross-account-reach",
    ];
    all.extend(args);
    all.extend(["--format", "json"]);
    let o = iamsim(&all);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let strings = |v: &Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap().to_string())
            .collect()
    };
    let mut rows: Vec<_> = ["principals", "undecided"]
        .iter()
        .filter_map(|k| v.get(*k).and_then(Value::as_array))
        .flatten()
        .map(|e| {
            (
                e["principal"].as_str().unwrap().to_string(),
                strings(&e["via"]),
                e["decision"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    rows.sort();
    (rows, v.get("omitted").cloned().unwrap_or(Value::Null))
}

/// A user of account A reaches a request only principals of account C may be allowed (IAM,
/// 4.14) through a role of account B (6.5) and a function of C whose policy lets B deploy it
/// (5.2, 5.4, 10.4): who-can's search of escalation paths keeps A and B, and leaves out the
/// account that enters C only through a role that can go no further. The root users of A and B
/// are listed too: A's signs in as alice (4.3), B's deploys the function itself, as its policy
/// lets account B (5.2); neither assumes a role (6.6).
#[test]
fn who_can_follows_paths_across_three_accounts() {
    let (a, b, c) = ("111111111111", "222222222222", "333333333333");
    let provisioner = format!("arn:aws:iam::{c}:role/Provisioner");
    let relay = format!("arn:aws:iam::{b}:role/Relay");
    let allow = |p: String, via: &[&String]| {
        (
            p,
            via.iter().map(|s| (*s).clone()).collect::<Vec<_>>(),
            "allow".to_string(),
        )
    };
    let (rows, omitted) = json_rows(&["iam:CreateUser", &format!("arn:aws:iam::{c}:user/x")]);
    let mut want = vec![
        allow(format!("arn:aws:iam::{c}:root"), &[]),
        allow(provisioner.clone(), &[]),
        allow(format!("arn:aws:iam::{b}:user/bob"), &[&provisioner]),
        allow(relay.clone(), &[&provisioner]),
        allow(
            format!("arn:aws:iam::{a}:user/alice"),
            &[&relay, &provisioner],
        ),
        allow(
            format!("arn:aws:iam::{a}:root"),
            &[
                &format!("arn:aws:iam::{a}:user/alice"),
                &relay,
                &provisioner,
            ],
        ),
        allow(format!("arn:aws:iam::{b}:root"), &[&provisioner]),
    ];
    want.sort();
    assert_eq!(rows, want);
    assert_eq!(omitted, Value::Null);
    // The bucket policy names account B: Viewer of C may read as it is, so the account that
    // enters C as Viewer reaches the answer too.
    let viewer = format!("arn:aws:iam::{c}:role/Viewer");
    let (rows, _) = json_rows(&["s3:GetObject", "arn:aws:s3:::target-reports/q3.csv"]);
    let mut want = vec![
        allow(format!("arn:aws:iam::{a}:user/alice"), &[&relay]),
        allow(relay.clone(), &[]),
        allow(format!("arn:aws:iam::{b}:root"), &[]),
        allow(viewer.clone(), &[]),
        allow(format!("arn:aws:iam::{c}:root"), &[]),
        allow("arn:aws:iam::444444444444:role/Operator".into(), &[&viewer]),
        allow("arn:aws:iam::444444444444:user/dave".into(), &[&viewer]),
        allow(
            format!("arn:aws:iam::{a}:root"),
            &[&format!("arn:aws:iam::{a}:user/alice"), &relay],
        ),
        allow(
            "arn:aws:iam::444444444444:root".into(),
            &[&"arn:aws:iam::444444444444:user/dave".to_string(), &viewer],
        ),
    ];
    want.sort();
    assert_eq!(rows, want);
    // Asked about account C only, --admin lists its root: nothing else holds every action.
    let (rows, _) = json_rows(&["--admin", "--account", c]);
    assert_eq!(rows, vec![allow(format!("arn:aws:iam::{c}:root"), &[])]);
}

#[test]
fn a_path_field_checks_the_kinds_of_the_hops() {
    let world = admin_world();
    let dir = root().join("fixtures/escalation/admin");
    let cases = load_tests(&world, &dir.join("tests.json")).unwrap();
    let mut case = cases
        .into_iter()
        .find(|c| c.name == "otto reaches the Admin role and creates a user")
        .unwrap();
    assert_eq!(case.path.as_deref(), Some(&["assume-role".to_string()][..]));
    assert!(run_tests(&world, std::slice::from_ref(&case))[0].passed());
    case.path = Some(Vec::new());
    let failure = run_tests(&world, std::slice::from_ref(&case))[0]
        .failure
        .clone()
        .unwrap();
    assert_eq!(failure, "expected the path [], got [assume-role]");
    case.path = Some(vec!["assume-role".into(), "assume-role".into()]);
    assert!(!run_tests(&world, &[case])[0].passed());
}

#[test]
fn a_path_names_only_kinds_of_hops() {
    let tmp = std::env::temp_dir().join(format!("iamsim-path-kinds-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();
    let file = tmp.join("tests.json");
    // A step that gains nothing is never a hop. The file lies outside the world folder, so its
    // diagnostics give the place and the code, not the text.
    for kind in ["become-admin", "create-service-linked-role"] {
        std::fs::write(
            &file,
            format!(
                r#"{{"tests": [{{"name": "t", "principal": "arn:aws:iam::111111111111:user/otto",
                "via": "*", "action": "iam:CreateUser", "resource": "*", "expect": "allow",
                "path": ["assume-role", "{kind}"]}}]}}"#
            ),
        )
        .unwrap();
        let o = iamsim(&["test", "fixtures/escalation/admin", file.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(2), "{kind}");
        let err = stderr(&o);
        assert!(
            err.contains("INVALID_VALUE") && err.contains("line 3, column 41"),
            "{err}"
        );
    }
    std::fs::remove_dir_all(&tmp).unwrap();
}

/// The kinds of the hops of a who-can entry before its final request: each escalation step once,
/// and `assume-role` for a chain's AssumeRole hops.
fn entry_kinds(e: &iamsim_engine::WhoCanEntry) -> Vec<String> {
    let mut kinds: Vec<String> = Vec::new();
    let mut last = None;
    let n = e.path.len();
    for (i, h) in e.path.iter().enumerate() {
        match &h.step {
            Some(s) if last != Some(s.number) => {
                kinds.push(s.kind.clone());
                last = Some(s.number);
            }
            Some(_) => {}
            None if i + 1 < n => kinds.push("assume-role".into()),
            None => {}
        }
    }
    kinds
}

/// who-can and `can --any-path` agree on every `via: "*"` test of the escalation fixture worlds:
/// who-can lists an allowed entry for the principal exactly when can allows it (through a path of
/// the hops the test names, when it names them), and a conditional or undecided one when can
/// answers indeterminate.
#[test]
fn who_can_agrees_with_any_path_on_the_escalation_fixtures() {
    let mut checked = 0;
    let mut wrong = Vec::new();
    let mut worlds: Vec<_> = std::fs::read_dir(root().join("fixtures/escalation"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("tests.json").is_file())
        .collect();
    worlds.sort();
    assert!(worlds.len() >= 4, "{worlds:?}");
    for dir in &worlds {
        let world = World::load(dir).unwrap();
        let cases = load_tests(&world, &dir.join("tests.json")).unwrap();
        for (case, outcome) in cases.iter().zip(run_tests(&world, &cases)) {
            if !matches!(case.query.via, iamsim_engine::Via::Any) {
                continue;
            }
            checked += 1;
            let can = outcome.answer.unwrap().decision;
            let who = iamsim_engine::who_can(
                &world,
                &iamsim_engine::WhoCanQuery {
                    action: case.query.action.clone(),
                    resource: case.query.resource.clone(),
                    context: world.with_default_context(&case.query.context),
                },
            )
            .unwrap();
            let mine = |e: &&iamsim_engine::WhoCanEntry| e.principal == case.query.principal;
            let allowed: Vec<_> = who
                .principals
                .iter()
                .filter(mine)
                .filter(|e| e.decision() == "allow")
                .collect();
            let maybe = who
                .principals
                .iter()
                .chain(who.undecided.iter())
                .filter(mine)
                .count();
            let agrees = match can {
                iamsim_engine::Decision::Allow => {
                    !allowed.is_empty()
                        && case
                            .path
                            .as_ref()
                            .is_none_or(|p| allowed.iter().any(|e| entry_kinds(e) == *p))
                }
                iamsim_engine::Decision::Indeterminate => allowed.is_empty() && maybe > 0,
                _ => allowed.is_empty(),
            };
            if !agrees {
                let got: Vec<_> = who
                    .principals
                    .iter()
                    .chain(who.undecided.iter())
                    .filter(mine)
                    .map(|e| (e.decision(), e.via.clone(), entry_kinds(e)))
                    .collect();
                wrong.push(format!(
                    "{}: {}: can {can}, who-can {got:?}",
                    dir.display(),
                    case.name
                ));
            }
        }
    }
    assert!(checked >= 40, "only {checked} tests checked");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
