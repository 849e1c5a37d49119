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
