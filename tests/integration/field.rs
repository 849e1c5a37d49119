//! Questions as people ask them (formats.md 5 and 6): open keys with their conditions in JSON,
//! questions checked against the catalog with a did-you-mean (exit status 2), leniency flags.

use crate::support::{iamsim, stderr, stdout};

const WORLD: &str = "fixtures/field/open-keys";
const TESS: &str = "arn:aws:iam::111111111111:user/tess";
const ERIN: &str = "arn:aws:iam::111111111111:user/erin";
const OBJECT: &str = "arn:aws:s3:::reports/q1.csv";

fn can(extra: &[&str]) -> std::process::Output {
    let mut args = vec!["can", "--world", WORLD];
    args.extend_from_slice(extra);
    iamsim(&args)
}

#[test]
fn an_answer_that_depends_on_an_open_key_lists_its_conditions_in_json() {
    let o = can(&["--format", "json", ERIN, "ec2:DescribeInstances", "*"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["decision"], "indeterminate");
    assert_eq!(
        v["conditions"],
        serde_json::json!([[{
            "key": "aws:RequestedRegion",
            "operator": "StringEquals",
            "values": ["eu-west-1"]
        }]])
    );
    // Given the key, the answer is exact and has no conditions.
    let o = can(&[
        "--format",
        "json",
        "--context",
        "aws:RequestedRegion=eu-west-1",
        ERIN,
        "ec2:DescribeInstances",
        "*",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["decision"], "allow");
    assert!(v.get("conditions").is_none());
}

#[test]
fn a_misspelt_action_is_refused_with_the_near_miss() {
    let o = can(&[TESS, "s3:GetObjcet", OBJECT]);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    let err = stderr(&o);
    assert!(err.contains("UNKNOWN_REQUEST_ACTION"), "{err}");
    assert!(err.contains("did you mean `s3:GetObject`?"), "{err}");
    assert!(stdout(&o).is_empty());
    let o = iamsim(&["who-can", "--world", WORLD, "s3:GetObjcet", "*"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("did you mean `s3:GetObject`?"));
    // --allow-unknown-actions: a warning, and the question is answered.
    let o = can(&["--allow-unknown-actions", TESS, "s3:GetObjcet", OBJECT]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("warning[UNKNOWN_REQUEST_ACTION]"));
    assert!(stdout(&o).starts_with("DENY (implicit"));
}

#[test]
fn context_keys_and_values_are_checked() {
    let refused = |kv: &str, want: &str| {
        let o = can(&["--context", kv, TESS, "s3:GetObject", OBJECT]);
        assert_eq!(o.status.code(), Some(2), "{kv}: {}", stdout(&o));
        assert!(stderr(&o).contains(want), "{kv}: {}", stderr(&o));
    };
    refused(
        "aws:SecureTransprot=false",
        "did you mean `aws:SecureTransport`?",
    );
    refused("aws:SecureTransport=maybe", "INVALID_CONTEXT_VALUE");
    refused("aws:SourceIp=999.1.1.1", "INVALID_CONTEXT_VALUE");
    refused("aws:CurrentTime=yesterday", "INVALID_CONTEXT_VALUE");
    let o = can(&[
        "--allow-unknown-keys",
        "--context",
        "aws:SecureTransprot=false",
        "--context",
        "aws:SecureTransport=true",
        TESS,
        "s3:GetObject",
        OBJECT,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("warning[UNKNOWN_CONTEXT_KEY]"));
}

/// `--context KEY=null` is the key's absence, as `null` is in a tests file (formats.md 5, rule
/// 3.21a): without aws:SourceIp (a call through a VPC endpoint) the office grant does not apply;
/// with an office address it does; and `null` for a key AWS puts in every request is refused.
#[test]
fn a_null_context_value_on_the_command_line_is_the_key_absent() {
    const OMAR: &str = "arn:aws:iam::111111111111:user/omar";
    let ask = |ip: &str| {
        let ip = format!("aws:SourceIp={ip}");
        can(&[
            "--format",
            "json",
            "--context",
            "aws:SecureTransport=true",
            "--context",
            ip.as_str(),
            OMAR,
            "s3:GetObject",
            OBJECT,
        ])
    };
    let o = ask("null");
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["decision"], "implicit-deny");
    assert!(v.get("conditions").is_none(), "{v}");
    let o = ask("203.0.113.7");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = can(&[
        "--context",
        "aws:SecureTransport=null",
        OMAR,
        "s3:GetObject",
        OBJECT,
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    assert!(stderr(&o).contains("cannot be null"), "{}", stderr(&o));
    // who-can reads it the same way: omar is conditional on the address, and absent without one.
    let omar_in = |extra: &[&str]| {
        let mut args = vec![
            "who-can",
            "--world",
            WORLD,
            "--format",
            "json",
            "--context",
            "aws:SecureTransport=true",
        ];
        args.extend_from_slice(extra);
        args.extend(["s3:GetObject", OBJECT]);
        let o = iamsim(&args);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
        v["principals"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["principal"] == OMAR)
            .map(|e| e["decision"].clone())
    };
    assert_eq!(omar_in(&[]), Some("conditional".into()));
    assert_eq!(omar_in(&["--context", "aws:SourceIp=null"]), None);
}

#[test]
fn a_tests_file_with_a_misspelt_question_points_at_it() {
    let o = iamsim(&["test", WORLD, "fixtures/field/open-keys/bad-questions.json"]);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    let err = stderr(&o);
    for want in [
        "bad-questions.json:7:17: error[UNKNOWN_REQUEST_ACTION]",
        "did you mean `s3:GetObject`?",
        "bad-questions.json:18:9: error[UNKNOWN_CONTEXT_KEY]",
        "did you mean `aws:SecureTransport`?",
        "bad-questions.json:19:25: error[INVALID_CONTEXT_VALUE]",
        "bad-questions.json:20:28: error[INVALID_CONTEXT_VALUE]",
    ] {
        assert!(err.contains(want), "{want}\n{err}");
    }
}

#[test]
fn a_set_request_is_decided_for_every_member() {
    let o = iamsim(&[
        "can",
        "--world",
        "fixtures/field/resource-sets",
        "arn:aws:sts::111111111111:assumed-role/Deployer/ci",
        "s3:DeleteObject",
        "arn:aws:s3:::prod-artifacts/*",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(out.starts_with("DENY (indeterminate"), "{out}");
    assert!(out.contains("`KeepReleases`"), "{out}");
}

#[test]
fn check_refuses_a_misspelt_action() {
    let o = iamsim(&[
        "check",
        "access-not-granted",
        "--action",
        "iam:CreateUsr",
        "fixtures/field/open-keys",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    assert!(stderr(&o).contains("did you mean `iam:CreateUser`?"));
}

/// The laws of open keys (3.21a), on every question of the open-keys world's users: an answer
/// with keys left open is `allow` only if every concrete value allows, `explicit-deny` only if
/// every one denies explicitly, `implicit-deny` only if none allows; and a concrete value that
/// meets one alternative of its `conditions` is allowed.
#[test]
fn open_answers_hold_for_every_value() {
    use iamsim_engine::{ask, Decision, Query, Via, World};
    use iamsim_policy::Context;
    let world = World::load(std::path::Path::new(WORLD)).unwrap();
    let questions = [
        ("dana", "s3:GetObject", OBJECT),
        ("tess", "s3:GetObject", OBJECT),
        ("omar", "s3:GetObject", OBJECT),
        ("erin", "ec2:DescribeInstances", "*"),
        ("erin", "s3:GetObject", OBJECT),
    ];
    let values: [(&str, &[&str]); 4] = [
        ("aws:SecureTransport", &["true", "false"]),
        (
            "aws:CurrentTime",
            &["2023-06-01T00:00:00Z", "2026-12-02T09:00:00Z"],
        ),
        ("aws:RequestedRegion", &["eu-west-1", "us-east-1"]),
        ("aws:SourceIp", &["203.0.113.7", "198.51.100.9"]),
    ];
    let ask_with = |user: &str, action: &str, resource: &str, context: Context| {
        ask(
            &world,
            &Query {
                principal: format!("arn:aws:iam::111111111111:user/{user}"),
                action: action.into(),
                resource: resource.into(),
                via: Via::Direct,
                context,
                session_policies: Vec::new(),
            },
        )
        .unwrap()
    };
    let mut checked = 0;
    for (user, action, resource) in questions {
        let open = ask_with(user, action, resource, Context::new());
        // Every combination of concrete values (epoch time given with the time).
        for n in 0..(1 << values.len()) {
            let mut ctx = Context::new();
            for (i, (k, vs)) in values.iter().enumerate() {
                ctx.set(k, vs[(n >> i) & 1]);
            }
            let epoch = if (n >> 1) & 1 == 0 {
                "1685577600"
            } else {
                "1764666000"
            };
            ctx.set("aws:EpochTime", epoch);
            let concrete = ask_with(user, action, resource, ctx.clone()).decision;
            let law = match open.decision {
                Decision::Allow => concrete == Decision::Allow,
                Decision::ExplicitDeny => concrete == Decision::ExplicitDeny,
                Decision::ImplicitDeny => concrete != Decision::Allow,
                _ => true,
            };
            assert!(
                law,
                "{user} {action}: open {}, with {ctx:?} {concrete}",
                open.decision
            );
            // An alternative the concrete values meet (checked on the conditions this world's
            // policies write: equality, Bool, IpAddress, ordered dates) allows.
            let meets = |t: &iamsim_engine::ConditionTerm| {
                let v = ctx
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(&t.key))
                    .and_then(|(_, v)| v.values().next().map(str::to_string))
                    .unwrap_or_default();
                match t.operator.as_str() {
                    "StringEquals" | "Bool" => t.values.contains(&v),
                    "StringNotEquals" => t.values.iter().all(|x| *x != v),
                    "IpAddress" => v.starts_with("203.0.113."),
                    "NotIpAddress" => !v.starts_with("203.0.113."),
                    "DateLessThanEquals" => v.as_str() <= t.values[0].as_str(),
                    "DateGreaterThan" => v.as_str() > t.values[0].as_str(),
                    other => panic!("operator {other} not handled by this test"),
                }
            };
            if open.conditions.iter().any(|alt| alt.iter().all(meets)) {
                assert_eq!(concrete, Decision::Allow, "{user} {action} {ctx:?}");
            }
            checked += 1;
        }
    }
    assert_eq!(checked, questions.len() * 16);
}

/// The laws of sets (2.7a) on the resource-sets world: a set answer agrees with its members.
#[test]
fn set_answers_agree_with_their_members() {
    use iamsim_engine::{ask, Decision, Query, Via, World};
    let world = World::load(std::path::Path::new("fixtures/field/resource-sets")).unwrap();
    let decide = |principal: &str, action: &str, resource: &str| {
        ask(
            &world,
            &Query {
                principal: principal.into(),
                action: action.into(),
                resource: resource.into(),
                via: Via::Direct,
                context: iamsim_policy::Context::new(),
                session_policies: Vec::new(),
            },
        )
        .unwrap()
        .decision
    };
    let principals = [
        "arn:aws:sts::111111111111:assumed-role/Deployer/ci",
        "arn:aws:iam::111111111111:user/rita",
    ];
    let sets = [
        "prod-artifacts/*",
        "prod-artifacts/release/*",
        "prod-artifacts/b?ild/*",
    ];
    let keys = [
        "a",
        "release/v1/a",
        "build/1.zip",
        "bild/x",
        "release/",
        "r/x",
    ];
    for p in principals {
        for action in ["s3:GetObject", "s3:DeleteObject"] {
            for set in sets {
                let whole = decide(p, action, &format!("arn:aws:s3:::{set}"));
                let glob = iamsim_policy::glob::Glob::from_text(set, false);
                let members: Vec<Decision> = keys
                    .iter()
                    .map(|k| format!("prod-artifacts/{k}"))
                    .filter(|m| glob.matches(m))
                    .map(|m| decide(p, action, &format!("arn:aws:s3:::{m}")))
                    .collect();
                assert!(!members.is_empty(), "{set}");
                let law = match whole {
                    Decision::Allow => members.iter().all(|d| *d == Decision::Allow),
                    Decision::ExplicitDeny => members.iter().all(|d| *d == Decision::ExplicitDeny),
                    Decision::ImplicitDeny => members.iter().all(|d| *d != Decision::Allow),
                    Decision::Indeterminate => true,
                };
                assert!(law, "{p} {action} {set}: {whole}, members {members:?}");
            }
        }
    }
}
