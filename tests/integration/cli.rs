//! The command line contract of docs/command-line.md: exit statuses, text and JSON output, golden files.

use crate::support::{golden, iamsim, root, stderr, stdout};

const USER_A: &str = "arn:aws:iam::111111111111:user/accounta-user";
const ROLE_B: &str = "arn:aws:iam::222222222222:role/role-in-accountb";
const OBJECT: &str = "arn:aws:s3:::cross-account-bucket/test.txt";

#[test]
fn can_explains_the_published_tutorial_denial() {
    let o = iamsim(&[
        "can",
        "--world",
        "fixtures/aws-cli-role-profile",
        "--via",
        ROLE_B,
        USER_A,
        "s3:PutObject",
        OBJECT,
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    golden("can-aws-cli-role-profile.txt", &stdout(&o));
}

#[test]
fn can_allows_the_corrected_tutorial() {
    let o = iamsim(&[
        "can",
        "--world",
        "fixtures/aws-cli-role-profile-corrected",
        "--via",
        ROLE_B,
        USER_A,
        "s3:PutObject",
        OBJECT,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).starts_with("ALLOW"));
}

#[test]
fn can_json_has_the_contract_fields() {
    let o = iamsim(&[
        "can",
        "--world",
        "fixtures/aws-cli-role-profile",
        "--via",
        ROLE_B,
        "--format",
        "json",
        USER_A,
        "s3:PutObject",
        OBJECT,
    ]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["decision"], "implicit-deny");
    assert_eq!(v["principal"], USER_A);
    assert_eq!(v["action"], "s3:PutObject");
    assert_eq!(v["resource"], OBJECT);
    let path = v["path"].as_array().unwrap();
    assert_eq!(path.len(), 2);
    assert_eq!(path[0]["decision"], "allow");
    assert_eq!(path[1]["decision"], "implicit-deny");
    let reason = &path[1]["reasons"][0];
    assert_eq!(reason["policy"], "policies/role-in-accountb-s3.json");
    assert_eq!(reason["statement"], "statement 0");
    assert_eq!(reason["line"], 4);
    assert_eq!(reason["column"], 5);
    assert!(reason["did"].as_str().unwrap().contains("does not match"));
    golden("can-aws-cli-role-profile.json", &stdout(&o));
}

#[test]
fn can_any_path_finds_the_role() {
    let o = iamsim(&[
        "can",
        "--world",
        "fixtures/aws-cli-role-profile-corrected",
        "--any-path",
        USER_A,
        "s3:PutObject",
        OBJECT,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(
        stdout(&o).contains(&format!("via {ROLE_B}")),
        "{}",
        stdout(&o)
    );
}

#[test]
fn can_context_reaches_conditions() {
    let world = "fixtures/worked-examples/w41-tls-only-bucket";
    let alice = "arn:aws:iam::111111111111:user/alice";
    let obj = "arn:aws:s3:::acme-data/q1.csv";
    let http = iamsim(&[
        "can",
        "--world",
        world,
        "--context",
        "aws:SecureTransport=false",
        alice,
        "s3:GetObject",
        obj,
    ]);
    assert_eq!(http.status.code(), Some(1));
    assert!(stdout(&http).contains("explicit"), "{}", stdout(&http));
    let https = iamsim(&[
        "can",
        "--world",
        world,
        "--context",
        "aws:SecureTransport=true",
        alice,
        "s3:GetObject",
        obj,
    ]);
    assert_eq!(https.status.code(), Some(0), "{}", stdout(&https));
}

#[test]
fn bad_input_exits_2_with_positions() {
    let o = iamsim(&[
        "can",
        "--world",
        "tests/data/broken-world",
        USER_A,
        "s3:GetObject",
        OBJECT,
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("world.json:3:5: error[INVALID_ARN_ACCOUNT]"),
        "{err}"
    );
    assert!(
        err.contains("error[UNKNOWN_FIELD]: user `alice` has no field `polices`"),
        "{err}"
    );
    assert!(err.contains("help: did you mean `policies`?"), "{err}");
    assert!(err.contains("bob.json:8:7: error[DUPLICATE_KEY]"), "{err}");
    assert!(err.contains("error[FILE_NOT_FOUND]"), "{err}");
    assert!(
        stdout(&o).is_empty(),
        "nothing is evaluated: {}",
        stdout(&o)
    );

    let o = iamsim(&[
        "can",
        "--world",
        "fixtures/aws-cli-role-profile",
        "arn:aws:iam::111111111111:user/nobody",
        "s3:GetObject",
        OBJECT,
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no user"), "{}", stderr(&o));

    let o = iamsim(&[
        "can",
        "--world",
        "fixtures/aws-cli-role-profile",
        USER_A,
        "GetObject",
        OBJECT,
    ]);
    assert_eq!(o.status.code(), Some(2));
    let o = iamsim(&[
        "can",
        "--world",
        "no/such/world",
        USER_A,
        "s3:GetObject",
        OBJECT,
    ]);
    assert_eq!(o.status.code(), Some(2));
    let o = iamsim(&["can", "--world"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn test_command_counts_and_exit_statuses() {
    let o = iamsim(&["test", "fixtures/aws-cli-role-profile"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let out = stdout(&o);
    let last = out.lines().last().unwrap();
    assert!(last.ends_with(" passed, 0 failed"), "{last}");

    let failing = root().join("tests/data/failing-tests.json");
    let f = failing.to_str().unwrap();
    let o = iamsim(&["test", "fixtures/aws-cli-role-profile", f]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(
        out.contains("FAIL expects the published upload to be allowed (it is not)"),
        "{out}"
    );
    assert!(out.contains("expected allow, got implicit-deny"), "{out}");
    assert_eq!(out.lines().last(), Some("2 passed, 1 failed"));
}

#[test]
fn test_junit_and_json_formats() {
    let failing = root().join("tests/data/failing-tests.json");
    let f = failing.to_str().unwrap();
    let o = iamsim(&[
        "test",
        "--format",
        "junit",
        "fixtures/aws-cli-role-profile",
        f,
    ]);
    assert_eq!(o.status.code(), Some(1));
    let xml = stdout(&o);
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
    assert!(
        xml.contains("<testsuites tests=\"3\" failures=\"1\">"),
        "{xml}"
    );
    assert_eq!(xml.matches("<testcase ").count(), 3);
    assert_eq!(xml.matches("<failure ").count(), 1);
    assert!(xml.trim_end().ends_with("</testsuites>"));

    let o = iamsim(&[
        "test",
        "--format",
        "json",
        "fixtures/aws-cli-role-profile",
        f,
    ]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["passed"], 2);
    assert_eq!(v["failed"], 1);
    assert_eq!(v["tests"][0]["decision"], "implicit-deny");
}

#[test]
fn readme_documents_every_diagnostic_code() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let missing: Vec<&str> = iamsim_policy::Code::ALL
        .iter()
        .map(|c| c.as_str())
        .filter(|c| !readme.contains(&format!("| `{c}` |")))
        .collect();
    assert!(
        missing.is_empty(),
        "codes missing from the README table: {missing:?}"
    );
}
