//! Unit tests of the checks on small documents; the fixtures (`fixtures/lint/`) test each code
//! end to end.

use super::*;

fn codes(text: &str, ty: Option<PolicyType>) -> Vec<&'static str> {
    lint_text("p.json", text, ty, &PolicyContext::default())
        .iter()
        .map(|f| f.diagnostic.code.as_str())
        .collect()
}

fn identity(statement: &str) -> String {
    format!(r#"{{"Version":"2012-10-17","Statement":[{statement}]}}"#)
}

#[test]
fn detects_policy_types() {
    let read = |t: &str| {
        detect_policy_type(&json::parse(&Source::new("x", t), Limits::default()).unwrap())
    };
    assert_eq!(
        read(
            r#"{"Statement":{"Effect":"Allow","Principal":{"AWS":"1"},"Action":"sts:AssumeRole"}}"#
        ),
        PolicyType::Trust
    );
    assert_eq!(
        read(
            r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}]}"#
        ),
        PolicyType::Resource
    );
    assert_eq!(
        read(r#"{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#),
        PolicyType::Identity
    );
}

#[test]
fn unknown_services_and_actions_with_suggestions() {
    let f = lint_text(
        "p.json",
        &identity(
            r#"{"Effect":"Allow","Action":["s33:GetObject","s3:GetObjects","s3:Gett*"],"Resource":"*"}"#,
        ),
        None,
        &PolicyContext::default(),
    );
    let got: Vec<(&str, Option<&str>)> = f
        .iter()
        .map(|f| (f.diagnostic.code.as_str(), f.diagnostic.help.as_deref()))
        .collect();
    assert!(
        got.contains(&(
            "INVALID_SERVICE_IN_ACTION",
            Some("did you mean `s3:GetObject`?")
        )),
        "{got:?}"
    );
    assert!(
        got.contains(&("INVALID_ACTION", Some("did you mean `s3:GetObject`?"))),
        "{got:?}"
    );
    assert!(
        got.iter().any(|g| g.0 == "ACTION_WILDCARD_MATCHES_NOTHING"),
        "{got:?}"
    );
}

#[test]
fn object_actions_on_a_bucket_arn() {
    let c = codes(
        &identity(r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket"}"#),
        None,
    );
    assert_eq!(c, vec!["RESOURCE_TYPE_MISMATCH"]);
    let c = codes(
        &identity(
            r#"{"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::bucket","arn:aws:s3:::bucket/*"]}"#,
        ),
        None,
    );
    assert!(c.is_empty(), "{c:?}");
}

#[test]
fn condition_typing() {
    let c = codes(
        &identity(
            r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/x"},"Bool":{"aws:SourceVpc":"true"}}}"#,
        ),
        None,
    );
    assert_eq!(
        c.iter().filter(|c| **c == "TYPE_MISMATCH").count(),
        2,
        "{c:?}"
    );
    let c = codes(
        &identity(
            r#"{"Effect":"Allow","Action":"ec2:CreateTags","Resource":"*","Condition":{"StringEquals":{"aws:TagKeys":"a"}}}"#,
        ),
        None,
    );
    assert!(c.contains(&"MISSING_QUALIFIER"), "{c:?}");
    let c = codes(
        &identity(
            r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:SourceIpp":"a","s3:prefix":"x"}}}"#,
        ),
        None,
    );
    assert!(c.contains(&"INVALID_GLOBAL_CONDITION_KEY"), "{c:?}");
    assert!(c.contains(&"CONDITION_KEY_NOT_APPLICABLE"), "{c:?}");
}

/// Every AWS managed policy, linted as the identity policy it is. Returns (policy, finding).
fn lint_managed() -> Vec<(String, Finding)> {
    let ctx = PolicyContext {
        aws_managed: true,
        ..PolicyContext::default()
    };
    let mut out = Vec::new();
    let mut names: Vec<(&str, &str)> = iamsim_engine::managed::aws_managed_policies().collect();
    names.sort();
    for (name, doc) in names {
        for f in lint_text(name, doc, Some(PolicyType::Identity), &ctx) {
            out.push((name.to_string(), f));
        }
    }
    out
}

/// AWS managed policies are live in AWS: the linter may report an error on one only where AWS's
/// own validation does too. The one known case is a typo in AWS's own policy.
const MANAGED_ERRORS_AWS_REPORTS: &[(&str, &str, &str)] = &[(
    "AmazonApplicationWizardFullaccess",
    "INVALID_ACTION",
    "`ssm:RemoveTagsToResource` is not an action of AWS Systems Manager (`ssm`)",
)];

#[test]
fn managed_policies_have_no_error_aws_would_not_report() {
    let all = lint_managed();
    let errors: Vec<(&str, &str, &str)> = all
        .iter()
        .filter(|(_, f)| f.diagnostic.severity == iamsim_policy::Severity::Error)
        .map(|(n, f)| {
            (
                n.as_str(),
                f.diagnostic.code.as_str(),
                f.diagnostic.message.as_str(),
            )
        })
        .collect();
    assert_eq!(errors, MANAGED_ERRORS_AWS_REPORTS);
}

/// Counts per code over the managed policies (`cargo test -p iamsim-lint managed -- --nocapture`;
/// `IAMSIM_SHOW=CODE` lists that code's findings).
#[test]
fn managed_policies_counts() {
    let all = lint_managed();
    let mut counts: std::collections::BTreeMap<(&str, &str), usize> = Default::default();
    for (_, f) in &all {
        *counts
            .entry((f.diagnostic.severity.as_str(), f.diagnostic.code.as_str()))
            .or_default() += 1;
    }
    for ((sev, code), n) in &counts {
        eprintln!("{n:6} {sev:10} {code}");
    }
    let show = std::env::var("IAMSIM_SHOW").unwrap_or_default();
    for (name, f) in all.iter().filter(|(_, f)| {
        f.diagnostic.severity == iamsim_policy::Severity::Error
            || f.diagnostic.code.as_str() == show
    }) {
        eprintln!(
            "{name}: {}: {} [{}]",
            f.diagnostic.code,
            f.diagnostic.message,
            f.diagnostic.help.as_deref().unwrap_or("")
        );
    }
}
