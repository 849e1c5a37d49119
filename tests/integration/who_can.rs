//! `who-can` on the fixture worlds: each world's `who-can.json` lists, per question, exactly the
//! principals and chains expected (docs/world-format.md), and the command line keeps the
//! contract of docs/command-line.md.

use crate::support::{iamsim, root};

use iamsim_engine::{who_can, WhoCanEntry, WhoCanQuery, World};
use iamsim_policy::{Context, ContextValue};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn worlds_with_who_can(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            if path.join("who-can.json").is_file() {
                out.push(path.clone());
            }
            worlds_with_who_can(&path, out);
        }
    }
}

/// (principal, via, decision, conditions sorted): what an entry must match.
type Row = (String, Vec<String>, String, Vec<String>);

fn row(e: &WhoCanEntry) -> Row {
    let mut c = e.conditions().to_vec();
    c.sort();
    (
        e.principal.clone(),
        e.via.clone(),
        e.decision().to_string(),
        c,
    )
}

fn expected_rows(list: Option<&Value>) -> Vec<Row> {
    let strings = |v: &Value| -> Vec<String> {
        v.as_array()
            .map(|a| a.iter().map(|s| s.as_str().unwrap().to_string()).collect())
            .unwrap_or_default()
    };
    let mut rows: Vec<Row> = list
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .map(|e| {
                    let mut c = strings(&e["conditions"]);
                    c.sort();
                    (
                        e["principal"].as_str().unwrap().to_string(),
                        strings(&e["via"]),
                        e["decision"].as_str().unwrap().to_string(),
                        c,
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    rows.sort();
    rows
}

#[test]
fn every_who_can_fixture_lists_exactly_the_expected_principals_and_chains() {
    let mut worlds = Vec::new();
    worlds_with_who_can(&root().join("fixtures"), &mut worlds);
    assert!(
        worlds.len() >= 9,
        "found only {} who-can worlds",
        worlds.len()
    );
    let mut failures = Vec::new();
    let mut questions = 0;
    for dir in &worlds {
        let world = World::load(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        let text = std::fs::read_to_string(dir.join("who-can.json")).unwrap();
        let doc: Value = serde_json::from_str(&text).unwrap();
        for q in doc["queries"].as_array().unwrap() {
            questions += 1;
            let mut context = Context::new();
            if let Some(m) = q["context"].as_object() {
                for (k, v) in m {
                    context.insert(k, ContextValue::Single(v.as_str().unwrap().to_string()));
                }
            }
            let query = WhoCanQuery {
                action: q["action"].as_str().unwrap().into(),
                resource: q["resource"].as_str().unwrap().into(),
                context,
            };
            let answer = who_can(&world, &query).unwrap();
            let mut got: Vec<Row> = answer.principals.iter().map(row).collect();
            got.sort();
            let mut got_undecided: Vec<Row> = answer.undecided.iter().map(row).collect();
            got_undecided.sort();
            let name = q["name"].as_str().unwrap();
            for (what, got, want) in [
                ("principals", got, expected_rows(q.get("principals"))),
                (
                    "undecided",
                    got_undecided,
                    expected_rows(q.get("undecided")),
                ),
            ] {
                if got != want {
                    let missing: Vec<_> = want.iter().filter(|r| !got.contains(r)).collect();
                    let extra: Vec<_> = got.iter().filter(|r| !want.contains(r)).collect();
                    failures.push(format!(
                        "{}: {name}: {what}: missing {missing:?}, unexpected {extra:?}",
                        dir.display()
                    ));
                }
            }
            // Every entry is explained hop by hop: one AssumeRole per role, then the request.
            for e in &answer.principals {
                assert_eq!(e.path.len(), e.via.len() + 1, "{name}: {}", e.principal);
                assert!(e.path.iter().all(|h| h.decision.is_allow()), "{name}");
            }
        }
    }
    assert!(questions >= 15, "only {questions} who-can questions");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn who_can_json_has_the_contract_fields() {
    let o = iamsim(&[
        "who-can",
        "--world",
        "fixtures/who-can/partners",
        "--format",
        "json",
        "--explain",
        "s3:GetObject",
        "arn:aws:s3:::data-lake/shared/report.csv",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    // Without --explain the entries are the same, without their paths (formats.md 4).
    let short = iamsim(&[
        "who-can",
        "--world",
        "fixtures/who-can/partners",
        "--format",
        "json",
        "s3:GetObject",
        "arn:aws:s3:::data-lake/shared/report.csv",
    ]);
    let s: Value = serde_json::from_slice(&short.stdout).unwrap();
    let entries = s["principals"].as_array().unwrap();
    assert_eq!(entries.len(), v["principals"].as_array().unwrap().len());
    assert!(entries.iter().all(|e| e.get("path").is_none()));
    assert!(s.get("omitted").is_none());
    assert_eq!(v["action"], "s3:GetObject");
    assert_eq!(v["resource"], "arn:aws:s3:::data-lake/shared/report.csv");
    let principals = v["principals"].as_array().unwrap();
    assert!(!principals.is_empty());
    for p in principals {
        for field in ["principal", "via", "decision", "conditions", "path"] {
            assert!(p.get(field).is_some(), "missing `{field}` in {p}");
        }
        assert!(["allow", "conditional"].contains(&p["decision"].as_str().unwrap()));
        for hop in p["path"].as_array().unwrap() {
            assert!(hop.get("decision").is_some() && hop.get("reasons").is_some());
        }
    }
    let vendor = principals
        .iter()
        .find(|p| {
            p["principal"] == "account:444444444444" && !p["via"].as_array().unwrap().is_empty()
        })
        .expect("the vendor account reaches the bucket through its role");
    assert_eq!(vendor["decision"], "conditional");
    // formats.md 5: alternatives, each a list of `{"key", "operator", "values"}`.
    let external_id = serde_json::json!({
        "key": "sts:ExternalId",
        "operator": "StringEquals",
        "values": ["vendor-7c1e"]
    });
    let ways = vendor["conditions"].as_array().unwrap();
    assert!(!ways.is_empty());
    for way in ways {
        let terms = way.as_array().unwrap();
        for t in terms {
            let keys: Vec<&String> = t.as_object().unwrap().keys().collect();
            assert_eq!(keys, ["key", "operator", "values"], "{t}");
        }
    }
    assert!(
        ways[0].as_array().unwrap().contains(&external_id),
        "{ways:?}"
    );
    // The same conditions in words, way by way.
    assert_eq!(vendor["alternatives"].as_array().unwrap().len(), ways.len());
    assert!(vendor["alternatives"][0]
        .as_array()
        .unwrap()
        .contains(&Value::from("sts:ExternalId is vendor-7c1e")));
}

#[test]
fn who_can_text_on_the_corrected_tutorial() {
    let o = iamsim(&[
        "who-can",
        "--world",
        "fixtures/aws-cli-role-profile-corrected",
        "s3:PutObject",
        "arn:aws:s3:::cross-account-bucket/test.txt",
    ]);
    assert_eq!(o.status.code(), Some(0));
    crate::support::golden(
        "who-can-aws-cli-role-profile-corrected.txt",
        &String::from_utf8_lossy(&o.stdout),
    );
}

#[test]
fn who_can_with_nobody_allowed_exits_1_and_bad_input_exits_2() {
    let o = iamsim(&[
        "who-can",
        "--world",
        "fixtures/aws-cli-role-profile",
        "s3:DeleteBucket",
        "arn:aws:s3:::no-such-bucket",
    ]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    let o = iamsim(&[
        "who-can",
        "--world",
        "fixtures/aws-cli-role-profile",
        "not-an-action",
        "*",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let o = iamsim(&[
        "who-can",
        "--world",
        "fixtures/aws-cli-role-profile",
        "--context",
        "nokey",
        "s3:GetObject",
        "*",
    ]);
    assert_eq!(o.status.code(), Some(2));
}

/// The hand-made export (AWS CLI output shapes) imports to a world that answers as its
/// hand-written world.json twin: every test of the twin, and who-can on the same questions.
#[test]
fn the_export_fixture_answers_as_its_world_json_twin() {
    let export = root().join("fixtures/export/aws");
    let twin_dir = root().join("fixtures/export/twin");
    let out = std::env::temp_dir().join(format!("iamsim-import-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let summary = iamsim_engine::export::import(&export, &out).unwrap();
    assert_eq!(
        (
            summary.accounts,
            summary.users,
            summary.roles,
            summary.buckets
        ),
        (2, 3, 2, 2)
    );
    assert!(summary.organization);
    let imported = World::load(&out).unwrap_or_else(|e| panic!("{:?}", e.diagnostics));
    let twin = World::load(&twin_dir).unwrap();
    let tests = twin_dir.join("tests.json");
    for (name, world) in [("twin", &twin), ("imported", &imported)] {
        let cases = iamsim_engine::load_tests(world, &tests).unwrap();
        assert!(cases.len() >= 9);
        for o in iamsim_engine::run_tests(world, &cases) {
            assert!(o.passed(), "{name}: {}: {:?}", o.case.name, o.failure);
        }
    }
    let questions = [
        ("s3:GetObject", "arn:aws:s3:::app-data/a.csv"),
        ("s3:PutObject", "arn:aws:s3:::app-data/b.csv"),
        ("s3:GetObject", "arn:aws:s3:::app-logs/x"),
        (
            "sts:AssumeRole",
            "arn:aws:iam::222222222222:role/audit/Auditor",
        ),
        ("iam:CreateUser", "arn:aws:iam::111111111111:user/x"),
    ];
    for (action, resource) in questions {
        let q = WhoCanQuery {
            action: action.into(),
            resource: resource.into(),
            context: Context::new(),
        };
        let rows = |w: &World| {
            let a = who_can(w, &q).unwrap();
            let mut r: Vec<Row> = a.principals.iter().chain(&a.undecided).map(row).collect();
            r.sort();
            r
        };
        let (t, i) = (rows(&twin), rows(&imported));
        assert!(!t.is_empty(), "{action} {resource}");
        assert_eq!(t, i, "{action} {resource}");
    }
    std::fs::remove_dir_all(&out).unwrap();
}

#[test]
fn import_refuses_an_export_without_accounts() {
    let empty = std::env::temp_dir().join(format!("iamsim-import-empty-{}", std::process::id()));
    std::fs::create_dir_all(&empty).unwrap();
    let o = iamsim(&[
        "import",
        "--from",
        empty.to_str().unwrap(),
        "--out",
        "/tmp/iamsim-never",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no account folders"));
    std::fs::remove_dir_all(&empty).unwrap();
}

/// A user allowed only under more open conditions than who-can enumerates (12 keys the question
/// leaves open, past the 10 whose assignments are decided) may still be allowed: who-can never
/// drops it as denied, it is listed as undecided (fail closed). With 10 conditions every
/// assignment is decided and the user is listed as allowed under them.
#[test]
fn a_principal_past_the_open_condition_bound_is_undecided_not_dropped() {
    let keys: Vec<(&str, &str, &str)> = vec![
        ("IpAddress", "aws:SourceIp", "203.0.113.0/24"),
        ("Bool", "aws:SecureTransport", "true"),
        ("Bool", "aws:MultiFactorAuthPresent", "true"),
        ("Bool", "aws:ViaAWSService", "false"),
        ("StringLike", "aws:UserAgent", "ci/*"),
        ("StringLike", "aws:Referer", "https://example.com/*"),
        ("StringLike", "aws:SourceVpce", "vpce-1*"),
        ("StringLike", "aws:SourceVpc", "vpc-1*"),
        ("StringEquals", "aws:RequestedRegion", "eu-west-1"),
        ("StringEquals", "s3:ExistingObjectTag/team", "a"),
        ("DateLessThan", "aws:CurrentTime", "2030-01-01T00:00:00Z"),
        ("NumericLessThan", "s3:signatureAge", "600000"),
    ];
    let answer = |n: usize| {
        let mut cond = serde_json::Map::new();
        for (op, key, value) in keys.iter().take(n) {
            let block = cond
                .entry(op.to_string())
                .or_insert_with(|| serde_json::json!({}));
            block[*key] = serde_json::json!(value);
        }
        let policy = serde_json::json!({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": cond}]});
        let world = serde_json::json!({"accounts": {"111111111111": {
            "users": {"u": {"policies": ["p.json"]}}, "buckets": {"b": {}}}}});
        let files = iamsim_engine::MemoryFiles::new("open")
            .with("p.json", policy.to_string())
            .with("world.json", world.to_string());
        let world = World::load_from(&files).unwrap();
        let q = WhoCanQuery {
            action: "s3:GetObject".into(),
            resource: "arn:aws:s3:::b/x".into(),
            context: Context::default(),
        };
        let a = who_can(&world, &q).unwrap();
        let user = "arn:aws:iam::111111111111:user/u";
        (
            a.principals.iter().any(|e| e.principal == user),
            a.undecided.iter().any(|e| e.principal == user),
        )
    };
    assert_eq!(answer(10), (true, false));
    assert_eq!(answer(12), (false, true));
}
