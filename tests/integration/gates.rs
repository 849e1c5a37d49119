//! `iamsim check` as a pull-request gate: every wrong PASS a reviewer found is a case here that
//! must fail, each decided by the engine's own rules (the rule numbers of docs/rules.md).

use crate::support::{iamsim, stderr, stdout};

const REGRESS: &str = "fixtures/check/regress";

fn no_new_access(case: &str) -> std::process::Output {
    iamsim(&[
        "check",
        "no-new-access",
        &format!("{REGRESS}/{case}/old.json"),
        &format!("{REGRESS}/{case}/new.json"),
    ])
}

fn assert_fails(o: &std::process::Output, needle: &str) {
    assert_eq!(
        o.status.code(),
        Some(1),
        "expected FAIL\n{}{}",
        stdout(o),
        stderr(o)
    );
    assert!(
        stdout(o).contains(needle),
        "`{needle}` not in\n{}",
        stdout(o)
    );
}

/// Adding `"Version": "2012-10-17"` makes `${aws:username}` a variable (2.20, 2.21): every user
/// now reads their own home folder.
#[test]
fn version_added_makes_variables_live() {
    assert_fails(
        &no_new_access("version-added"),
        "arn:aws:s3:::home-bucket/home/",
    );
}

/// A negated operator's list shrinking from `[contractors, interns]` to `[contractors,
/// contractors]` lets interns in (3.3): not proven, so not a pass.
#[test]
fn negated_operator_values_narrowed() {
    assert_fails(&no_new_access("negated-values"), "aws:PrincipalTag/team");
}

/// `?` is one character, not one byte (2.7): `a??b` does not cover `aéb`.
#[test]
fn question_mark_is_one_character() {
    assert_fails(
        &no_new_access("question-mark-character"),
        "arn:aws:s3:::names/aéb",
    );
}

/// A mid-segment `*` that would have to cross a segment colon is read two ways (2.8): the old
/// Allow holds under one reading only, so it never allowed the new request.
#[test]
fn mid_segment_star_crossing_a_colon() {
    assert_fails(
        &no_new_access("mid-segment-colon"),
        "arn:aws:sns:us-east-1:111111111111:111111111111:topic",
    );
}

/// A wildcard in the service prefix is read two ways (2.2): `s3*:GetObject` in an Allow never
/// allowed `s3:GetObject`.
#[test]
fn service_prefix_wildcard() {
    assert_fails(&no_new_access("service-prefix-wildcard"), "s3:GetObject");
}

/// `Allow s3:* NotResource public/*` allows `s3:GetObject` on every other object (2.9).
#[test]
fn access_not_granted_reads_not_resource_as_the_complement() {
    let o = iamsim(&[
        "check",
        "access-not-granted",
        "--action",
        "s3:GetObject",
        &format!("{REGRESS}/not-resource/policy.json"),
    ]);
    assert_fails(&o, "s3:GetObject");
}

/// `--action 's3:*'` and `'s3:Get*'` are sets of catalog actions (2.1), not literal names.
#[test]
fn access_not_granted_actions_are_sets() {
    let policy = format!("{REGRESS}/not-resource/read-reports.json");
    for pattern in ["s3:*", "s3:Get*", "S3:GETOBJ*"] {
        let o = iamsim(&["check", "access-not-granted", "--action", pattern, &policy]);
        assert_fails(&o, "s3:GetObject");
    }
    let o = iamsim(&[
        "check",
        "access-not-granted",
        "--action",
        "s3:Put*",
        &policy,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
}

/// An action that is not in the catalog cannot be checked: bad input, never a pass.
#[test]
fn access_not_granted_unknown_action_is_bad_input() {
    let policy = format!("{REGRESS}/not-resource/read-reports.json");
    for action in ["garbage", "s3:NoSuchAction", "nosuchservice:*"] {
        let o = iamsim(&["check", "access-not-granted", "--action", action, &policy]);
        assert_eq!(o.status.code(), Some(2), "{action}: {}", stdout(&o));
        assert!(stderr(&o).contains(action), "{}", stderr(&o));
    }
}

/// `Principal "*"` narrowed by `aws:PrincipalAccount` to an outside account is as public as
/// naming the account (7.11).
#[test]
fn no_public_access_principal_account() {
    let o = iamsim(&[
        "check",
        "no-public-access",
        &format!("{REGRESS}/public-principal-account/bucket-policy.json"),
    ]);
    assert_fails(&o, "aws:PrincipalAccount");
}
