//! Unit tests of the policy grammar, one per rule of docs/rules.md section 1 (named by rule).

use super::*;
use crate::model::PolicyType::*;

fn parse(ty: PolicyType, text: &str) -> Parsed {
    parse_policy(&Source::new("p.json", text), ty)
}

/// (code, line, column) of every diagnostic.
fn found(p: &Parsed) -> Vec<(Code, u32, u32)> {
    p.diagnostics
        .iter()
        .map(|d| {
            let loc = d.location().unwrap();
            (d.code, loc.line, loc.column)
        })
        .collect()
}

fn codes(ty: PolicyType, text: &str) -> Vec<Code> {
    parse(ty, text).diagnostics.iter().map(|d| d.code).collect()
}

/// Parses without a single diagnostic and returns the policy.
fn clean(ty: PolicyType, text: &str) -> Policy {
    let p = parse(ty, text);
    assert!(
        p.diagnostics.is_empty(),
        "unexpected diagnostics for {ty:?}: {:#?}",
        p.diagnostics
            .iter()
            .map(|d| d.to_string())
            .collect::<Vec<_>>()
    );
    p.policy.unwrap()
}

/// The one diagnostic with `code`; the policy must be rejected when it is an error.
fn one(ty: PolicyType, text: &str, code: Code) -> Diagnostic {
    let p = parse(ty, text);
    let hits: Vec<&Diagnostic> = p.diagnostics.iter().filter(|d| d.code == code).collect();
    assert_eq!(
        hits.len(),
        1,
        "expected one {code} in {:#?}",
        p.diagnostics
            .iter()
            .map(|d| d.to_string())
            .collect::<Vec<_>>()
    );
    if hits[0].is_error() {
        assert!(p.policy.is_none());
    }
    hits[0].clone()
}

/// An identity policy around one statement body.
fn identity(stmt: &str) -> String {
    format!(r#"{{"Version": "2012-10-17", "Statement": [{{{stmt}}}]}}"#)
}

/// A policy of any type around one statement body.
fn doc(stmt: &str) -> String {
    identity(stmt)
}

const ALLOW_S3: &str = r#""Effect": "Allow", "Action": "s3:GetObject", "Resource": "*""#;

// ---- valid policies of every type ------------------------------------------------------------

#[test]
fn valid_identity_policy_string_and_list_forms() {
    let p = clean(
        Identity,
        r#"{
          "Version": "2012-10-17",
          "Statement": [
            {"Sid": "Read1", "Effect": "Allow", "Action": ["s3:GetObject", "s3:List*"],
             "Resource": ["arn:aws:s3:::bkt", "arn:aws:s3:::bkt/${aws:username}/*"]},
            {"Effect": "Deny", "NotAction": "iam:*", "NotResource": "arn:aws:iam::111111111111:user/*",
             "Condition": {"Bool": {"aws:MultiFactorAuthPresent": false},
                           "NumericLessThan": {"s3:max-keys": 10},
                           "StringEquals": {"aws:PrincipalTag/team": ["a", "b"]}}}
          ]
        }"#,
    );
    assert!(p.variables_enabled());
    assert_eq!(p.statements.len(), 2);
    let s0 = &p.statements[0];
    assert_eq!(s0.sid.as_ref().unwrap().value, "Read1");
    assert_eq!(s0.effect.value, Effect::Allow);
    assert_eq!(s0.action.kind, ActionKind::Action);
    assert_eq!(s0.action.patterns.len(), 2);
    assert_eq!(s0.resource.as_ref().unwrap().patterns.len(), 2);
    assert!(s0.principal.is_none());
    let s1 = &p.statements[1];
    assert_eq!(s1.index, 1);
    assert_eq!(s1.action.kind, ActionKind::NotAction);
    assert_eq!(
        s1.resource.as_ref().unwrap().kind,
        ResourceKind::NotResource
    );
    // 1.4: JSON booleans and numbers become their string form; one entry per (operator, key).
    assert_eq!(s1.conditions.len(), 3);
    assert_eq!(s1.conditions[0].values[0].text, "false");
    assert_eq!(s1.conditions[1].values[0].text, "10");
    assert_eq!(s1.conditions[2].values.len(), 2);
    assert_eq!(s1.conditions[2].key.value, "aws:PrincipalTag/team");
}

#[test]
fn rule_1_2_statement_may_be_a_single_object() {
    let p = clean(
        Identity,
        r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}"#,
    );
    assert_eq!(p.statements.len(), 1);
}

#[test]
fn valid_trust_policy_with_every_principal_form() {
    let p = clean(
        Trust,
        r#"{"Version": "2012-10-17", "Statement": [
          {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:root"}, "Action": "sts:AssumeRole"},
          {"Effect": "Allow", "Principal": {"AWS": ["222222222222", "arn:aws:iam::222222222222:user/alice",
             "arn:aws:iam::222222222222:role/team/Deploy", "arn:aws:sts::222222222222:assumed-role/Deploy/s1",
             "arn:aws:sts::222222222222:federated-user/bob", "AIDAJQABLZS4A3QDU576Q"]},
           "Action": ["sts:AssumeRole", "sts:TagSession"]},
          {"Effect": "Allow", "Principal": {"Service": ["ec2.amazonaws.com", "lambda.amazonaws.com"]}, "Action": "sts:AssumeRole"},
          {"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::111111111111:saml-provider/Okta"},
           "Action": "sts:AssumeRoleWithSAML", "Condition": {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}}},
          {"Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRole",
           "Condition": {"StringNotEquals": {"aws:PrincipalOrgID": "o-exampleorg"}}},
          {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole",
           "Condition": {"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "2001:db8::/32"]}}}
        ]}"#,
    );
    let entries: Vec<&PrincipalValue> = p
        .statements
        .iter()
        .flat_map(|s| {
            s.principal
                .as_ref()
                .unwrap()
                .entries
                .iter()
                .map(|e| &e.value)
        })
        .collect();
    assert_eq!(entries.len(), 12);
    assert!(p.statements.iter().all(|s| s.resource.is_none()));
    assert!(entries.contains(&&PrincipalValue::Aws(AwsPrincipal::Everyone)));
    assert!(entries.contains(&&PrincipalValue::Service("lambda.amazonaws.com".into())));
    assert!(entries.contains(&&PrincipalValue::Aws(AwsPrincipal::Role {
        partition: "aws".into(),
        account: "222222222222".into(),
        path: "/team/".into(),
        name: "Deploy".into()
    })));
    let star = &p.statements[4].principal.as_ref().unwrap().entries[0];
    assert_eq!(star.text, "*");
}

#[test]
fn valid_bucket_policy_with_not_principal_and_canonical_user() {
    let p = clean(
        Resource,
        r#"{"Version": "2012-10-17", "Id": "BucketPolicy1", "Statement": [
          {"Sid": "Public read", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
           "Resource": "arn:aws:s3:::bkt/*"},
          {"Effect": "Allow", "Principal": {"CanonicalUser": "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"},
           "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::bkt"},
          {"Effect": "Deny", "NotPrincipal": {"AWS": ["arn:aws:iam::111111111111:root",
             "arn:aws:iam::111111111111:role/Admin"]}, "Action": "s3:*",
           "Resource": ["arn:aws:s3:::bkt", "arn:aws:s3:::bkt/*"]}
        ]}"#,
    );
    assert_eq!(p.id.as_ref().unwrap().value, "BucketPolicy1");
    let np = p.statements[2].principal.as_ref().unwrap();
    assert_eq!(np.kind, PrincipalKind::NotPrincipal);
    assert_eq!(np.entries.len(), 2);
}

#[test]
fn valid_boundary_session_scp_and_rcp() {
    clean(
        Boundary,
        &doc(r#""Effect": "Allow", "Action": ["s3:*", "cloudwatch:*"], "Resource": "*""#),
    );
    clean(Session, &doc(ALLOW_S3));
    clean(
        Scp,
        r#"{"Version": "2012-10-17", "Statement": [
          {"Effect": "Allow", "Action": "*", "Resource": "*"},
          {"Sid": "deny-leave", "Effect": "Deny", "Action": ["organizations:LeaveOrganization", "ec2:Describe*"],
           "Resource": "*", "Condition": {"StringNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/Admin"}}}
        ]}"#,
    );
    clean(
        Rcp,
        r#"{"Version": "2012-10-17", "Statement": [
          {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"},
          {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*",
           "Condition": {"BoolIfExists": {"aws:SecureTransport": "false"}}}
        ]}"#,
    );
}

// ---- 1.A document shape ----------------------------------------------------------------------

#[test]
fn rule_1_1_document_must_be_an_object() {
    let d = one(Identity, "[1, 2]", Code::InvalidType);
    assert!(d.message.contains("an array"), "{}", d.message);
    one(Identity, "\"text\"", Code::InvalidType);
}

#[test]
fn rule_1_1_unknown_top_level_keys_are_errors() {
    let text = r#"{"Version": "2012-10-17", "Statement": [], "Comment": "x"}"#;
    let p = parse(Identity, text);
    assert!(found(&p).contains(&(Code::UnknownElement, 1, 44)));
    // A misspelt Statement gets a hint and no extra "missing Statement".
    let d = one(
        Identity,
        r#"{"Version": "2012-10-17", "statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}"#,
        Code::UnknownElement,
    );
    assert!(d.help.unwrap().contains("`Statement`"));
    assert_eq!(
        codes(
            Identity,
            r#"{"Version": "2012-10-17", "statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}"#
        ),
        vec![Code::UnknownElement]
    );
}

#[test]
fn rule_1_1_statement_is_required() {
    let d = one(
        Identity,
        r#"{"Version": "2012-10-17"}"#,
        Code::MissingStatement,
    );
    assert_eq!(d.location().unwrap().column, 1);
}

#[test]
fn rule_1_2_empty_statement_list_is_an_error() {
    one(
        Identity,
        r#"{"Version": "2012-10-17", "Statement": []}"#,
        Code::EmptyList,
    );
}

#[test]
fn rule_1_2_statement_entries_must_be_objects() {
    one(
        Identity,
        r#"{"Version": "2012-10-17", "Statement": "Allow"}"#,
        Code::InvalidType,
    );
    one(
        Identity,
        r#"{"Version": "2012-10-17", "Statement": [["Allow"]]}"#,
        Code::InvalidType,
    );
}

#[test]
fn rule_1_2_empty_statement_object_is_rejected() {
    let c = codes(Identity, r#"{"Version": "2012-10-17", "Statement": {}}"#);
    assert!(c.contains(&Code::MissingEffect));
    assert!(c.contains(&Code::MissingAction));
    assert!(c.contains(&Code::MissingResource));
}

#[test]
fn rule_1_3_duplicate_keys_are_rejected_and_do_not_turn_deny_into_allow() {
    let text = "{\"Version\": \"2012-10-17\", \"Statement\": [{\n  \"Effect\": \"Deny\",\n  \"Action\": \"*\", \"Resource\": \"*\",\n  \"Effect\": \"Allow\"}]}";
    let p = parse(Identity, text);
    assert!(p.policy.is_none());
    assert_eq!(found(&p), vec![(Code::DuplicateKey, 4, 3)]);
}

#[test]
fn rule_1_4_lists_take_one_or_more_values() {
    one(
        Identity,
        &identity(r#""Effect": "Allow", "Action": [], "Resource": "*""#),
        Code::EmptyList,
    );
    one(
        Identity,
        &identity(r#""Effect": "Allow", "Action": "s3:GetObject", "Resource": []"#),
        Code::EmptyList,
    );
    one(
        Identity,
        &identity(r#""Effect": "Allow", "Action": 42, "Resource": "*""#),
        Code::InvalidType,
    );
    one(
        Identity,
        &identity(r#""Effect": "Allow", "Action": ["s3:GetObject", null], "Resource": "*""#),
        Code::InvalidType,
    );
    one(
        Identity,
        &identity(
            r#""Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {"StringEquals": {"aws:username": []}}"#,
        ),
        Code::EmptyList,
    );
    one(
        Identity,
        &identity(
            r#""Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {"StringEquals": {"aws:username": {"a": 1}}}"#,
        ),
        Code::InvalidType,
    );
}

#[test]
fn rule_1_5_characters_outside_latin1_are_rejected() {
    // A typographic quote inside a string value is a character error, not a JSON error.
    let text = "{\"Version\": \"2012-10-17\", \"Statement\": [{\"Sid\": \"Don’t\", \"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\"}]}";
    let d = one(Identity, text, Code::InvalidCharacter);
    assert_eq!(d.location().unwrap().column, 53);
    // Latin-1 characters are fine (in a bucket policy Sid, where spaces and punctuation are too).
    clean(
        Resource,
        r#"{"Version": "2012-10-17", "Statement": [{"Sid": "café é", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]}"#,
    );
    // An escape cannot smuggle one in.
    one(
        Resource,
        r#"{"Version": "2012-10-17", "Statement": [{"Sid": "\u2603", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]}"#,
        Code::InvalidCharacter,
    );
    // Nor a short escape (`\b` is U+0008).
    one(
        Resource,
        r#"{"Version": "2012-10-17", "Statement": [{"Sid": "a\bb", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]}"#,
        Code::InvalidCharacter,
    );
}

#[test]
fn rule_1_28_sizes_count_characters_not_bytes() {
    // 2,100 two-byte characters and some whitespace: the counts are in characters.
    let sid = "é".repeat(2_100);
    let text = format!(
        "{{\"Version\": \"2012-10-17\",\n\t\"Statement\": {{\"Sid\": \"{sid}\", \"Effect\": \"Deny\", \"Action\": \"*\", \"Resource\": \"*\"}}}}"
    );
    let all = text.chars().count();
    let d = one(Session, &text, Code::PolicySizeExceeded);
    assert!(
        d.message.contains(&format!(" {all} characters")),
        "{}",
        d.message
    );
    let big = format!("{text:<7000}");
    let non_ws = big.chars().filter(|c| !c.is_ascii_whitespace()).count();
    let d = one(
        Identity,
        &big.replace(&sid, &"é".repeat(6_100)),
        Code::PolicySizeExceedsIdentityPolicyQuota,
    );
    let non_ws = non_ws + 4_000;
    assert!(
        d.message.contains(&format!(" {non_ws} characters")),
        "{}",
        d.message
    );
}

// ---- 1.B Version -----------------------------------------------------------------------------

#[test]
fn rule_1_6_version_must_be_one_of_two_dates() {
    let text = r#"{"Version": "2012-02-02", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}"#;
    let d = one(Identity, text, Code::InvalidVersion);
    assert_eq!(d.location().unwrap().column, 13);
    assert_eq!(d.help.as_deref(), Some("use `2012-10-17`"));
    one(
        Identity,
        r#"{"Version": 2012, "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}"#,
        Code::InvalidVersion,
    );
    let p = clean(
        Identity,
        r#"{"Version": "2008-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}"#,
    );
    assert!(!p.variables_enabled());
}

#[test]
fn rule_1_7_missing_version_is_a_warning_and_disables_variables() {
    let p = parse(
        Identity,
        r#"{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "arn:aws:s3:::b/${aws:username}"}}"#,
    );
    assert_eq!(found(&p), vec![(Code::MissingVersion, 1, 1)]);
    assert_eq!(p.diagnostics[0].severity, Severity::Warning);
    assert!(!p.policy.unwrap().variables_enabled());
}

#[test]
fn rule_1_26_scp_and_rcp_require_version_2012() {
    let d = one(
        Scp,
        r#"{"Statement": {"Effect": "Deny", "Action": "*", "Resource": "*"}}"#,
        Code::MissingVersion,
    );
    assert!(d.is_error());
    one(
        Rcp,
        r#"{"Version": "2008-10-17", "Statement": {"Effect": "Deny", "Principal": "*", "Action": "*", "Resource": "*"}}"#,
        Code::InvalidVersion,
    );
}

// ---- 1.C Id and Sid --------------------------------------------------------------------------

#[test]
fn rule_1_8_id_is_warned_in_identity_policies_only() {
    let text = r#"{"Version": "2012-10-17", "Id": "x", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}"#;
    let d = one(Identity, text, Code::UnsupportedId);
    assert_eq!(d.severity, Severity::Warning);
    assert!(parse(Identity, text).policy.is_some());
    one(
        Identity,
        r#"{"Version": "2012-10-17", "Id": 7, "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}"#,
        Code::InvalidType,
    );
}

#[test]
fn rule_1_9_iam_sids_are_alphanumeric() {
    let text = identity(&format!(r#""Sid": "read-only", {ALLOW_S3}"#));
    let d = one(Identity, &text, Code::InvalidSid);
    assert!(d.message.contains("`read-only`"));
    one(
        Trust,
        r#"{"Version": "2012-10-17", "Statement": {"Sid": "a b", "Effect": "Allow", "Principal": {"AWS": "111111111111"}, "Action": "sts:AssumeRole"}}"#,
        Code::InvalidSid,
    );
    clean(
        Identity,
        &identity(&format!(r#""Sid": "ReadOnly1", {ALLOW_S3}"#)),
    );
    clean(Identity, &identity(&format!(r#""Sid": "", {ALLOW_S3}"#)));
}

#[test]
fn rule_1_9_sids_are_unique_within_a_policy() {
    let text = format!(
        r#"{{"Version": "2012-10-17", "Statement": [{{"Sid": "A", {ALLOW_S3}}}, {{"Sid": "A", {ALLOW_S3}}}]}}"#
    );
    let d = one(Identity, &text, Code::InvalidSid);
    assert!(d.message.contains("first used at line 1"), "{}", d.message);
}

// ---- 1.D Effect ------------------------------------------------------------------------------

#[test]
fn rule_1_10_effect_is_required() {
    one(
        Identity,
        &identity(r#""Action": "*", "Resource": "*""#),
        Code::MissingEffect,
    );
}

#[test]
fn rule_1_10_effect_is_case_sensitive() {
    let d = one(
        Identity,
        &identity(r#""Effect": "allow", "Action": "*", "Resource": "*""#),
        Code::InvalidEffect,
    );
    assert!(d.help.unwrap().contains("did you mean `Allow`?"));
    one(
        Identity,
        &identity(r#""Effect": true, "Action": "*", "Resource": "*""#),
        Code::InvalidEffect,
    );
}

// ---- 1.E Principal / NotPrincipal ------------------------------------------------------------

fn bucket(principal: &str) -> String {
    format!(
        r#"{{"Version": "2012-10-17", "Statement": {{"Effect": "Allow", "Principal": {principal}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}}}}"#
    )
}

#[test]
fn rule_1_11_principal_map_keys_are_a_closed_exact_set() {
    let d = one(
        Resource,
        &bucket(r#"{"aws": "111111111111"}"#),
        Code::InvalidPrincipalKey,
    );
    assert!(d.help.unwrap().contains("`AWS`"));
    one(
        Resource,
        &bucket(r#"{"User": "x"}"#),
        Code::InvalidPrincipalKey,
    );
    one(Resource, &bucket("{}"), Code::EmptyList);
    one(Resource, &bucket(r#"{"AWS": []}"#), Code::EmptyList);
    one(Resource, &bucket(r#"["*"]"#), Code::InvalidType);
    one(
        Resource,
        &bucket(r#""111111111111""#),
        Code::InvalidPrincipal,
    );
}

#[test]
fn rule_1_12_aws_principal_values_are_read() {
    let p = clean(
        Resource,
        &bucket(
            r#"{"AWS": ["arn:aws:iam::111111111111:user/division/alice", "AROAJQABLZS4A3QDU576Q"]}"#,
        ),
    );
    let e = &p.statements[0].principal.as_ref().unwrap().entries;
    assert_eq!(
        e[0].value,
        PrincipalValue::Aws(AwsPrincipal::User {
            partition: "aws".into(),
            account: "111111111111".into(),
            path: "/division/".into(),
            name: "alice".into()
        })
    );
    assert_eq!(
        e[1].value,
        PrincipalValue::Aws(AwsPrincipal::UniqueId("AROAJQABLZS4A3QDU576Q".into()))
    );
    one(
        Resource,
        &bucket(r#"{"AWS": "arn:aws:iam::111111111111:group/devs"}"#),
        Code::InvalidPrincipal,
    );
    one(
        Resource,
        &bucket(r#"{"AWS": "alice"}"#),
        Code::InvalidPrincipal,
    );
}

#[test]
fn rule_1_12_account_ids_must_have_12_digits() {
    let d = one(
        Resource,
        &bucket(r#"{"AWS": "arn:aws:iam::1234567890:user/test.user"}"#),
        Code::InvalidAccountId,
    );
    assert!(d.message.contains("`1234567890`"));
    one(
        Resource,
        &bucket(r#"{"AWS": "1234567890123"}"#),
        Code::InvalidAccountId,
    );
}

#[test]
fn rule_1_13_partial_wildcards_in_principals_are_rejected() {
    for v in [
        "arn:aws:iam::123456789012:role/*",
        "arn:aws:iam::*:root",
        "arn:aws:sts::111111111111:assumed-role/Role/*",
    ] {
        let d = one(
            Resource,
            &bucket(&format!(r#"{{"AWS": "{v}"}}"#)),
            Code::PrincipalPartialWildcard,
        );
        assert!(d.help.is_some());
    }
    one(
        Resource,
        &bucket(r#"{"Service": "*.amazonaws.com"}"#),
        Code::PrincipalPartialWildcard,
    );
    clean(Resource, &bucket(r#"{"AWS": "*"}"#));
}

#[test]
fn rule_1_14_canonical_user_only_in_bucket_policies() {
    one(
        Trust,
        r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": {"CanonicalUser": "abc123"}, "Action": "sts:AssumeRole"}}"#,
        Code::InvalidPrincipalKey,
    );
}

#[test]
fn rule_1_16_allow_with_not_principal_is_an_error() {
    let text = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "NotPrincipal": {"AWS": "111111111111"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}}"#;
    let d = one(Resource, text, Code::AllowWithNotPrincipal);
    assert_eq!(d.location().unwrap().column, 60);
}

#[test]
fn rule_1_16_principal_and_not_principal_conflict() {
    let text = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Principal": "*", "NotPrincipal": {"AWS": "111111111111"}, "Action": "s3:*", "Resource": "*"}}"#;
    let d = one(Resource, text, Code::ConflictingElements);
    assert_eq!(d.location().unwrap().column, 77);
}

#[test]
fn rule_1_17_principal_is_prohibited_in_identity_side_policies() {
    let stmt = r#""Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*""#;
    for ty in [Identity, Boundary, Session, Scp] {
        let d = one(ty, &identity(stmt), Code::ProhibitedElement);
        assert!(d.message.contains("`Principal`"), "{}", d.message);
    }
    let not =
        r#""Effect": "Deny", "NotPrincipal": {"AWS": "111111111111"}, "Action": "sts:AssumeRole""#;
    one(Trust, &identity(not), Code::ProhibitedElement);
}

#[test]
fn rule_1_17_principal_is_required_in_resource_trust_and_rcp() {
    one(Resource, &identity(ALLOW_S3), Code::MissingPrincipal);
    one(
        Trust,
        &identity(r#""Effect": "Allow", "Action": "sts:AssumeRole""#),
        Code::MissingPrincipal,
    );
    one(
        Rcp,
        &identity(r#""Effect": "Deny", "Action": "s3:*", "Resource": "*""#),
        Code::MissingPrincipal,
    );
}

#[test]
fn rule_1_17_rcp_principal_must_be_star() {
    one(
        Rcp,
        &identity(
            r#""Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "s3:*", "Resource": "*""#,
        ),
        Code::InvalidPrincipal,
    );
}

// ---- 1.F Action / NotAction ------------------------------------------------------------------

#[test]
fn rule_1_19_action_or_not_action_is_required() {
    let d = one(
        Identity,
        &identity(r#""Effect": "Allow", "Resource": "*""#),
        Code::MissingAction,
    );
    // Points at the statement's opening brace.
    assert_eq!(d.location().unwrap().column, 41);
}

#[test]
fn rule_1_19_action_and_not_action_conflict() {
    let d = one(
        Identity,
        &identity(
            r#""Effect": "Allow", "Action": "s3:*", "NotAction": "s3:Delete*", "Resource": "*""#,
        ),
        Code::ConflictingElements,
    );
    assert!(d.message.contains("`Action` and `NotAction`"));
}

#[test]
fn rule_1_19_actions_are_service_colon_name_or_star() {
    for bad in [
        "s3GetObject",
        ":GetObject",
        "s3:",
        "s 3:Get",
        "s3:Get Object",
        "s3:a:b",
    ] {
        let text = identity(&format!(
            r#""Effect": "Allow", "Action": "{bad}", "Resource": "*""#
        ));
        one(Identity, &text, Code::InvalidAction);
    }
    one(
        Identity,
        &identity(r#""Effect": "Allow", "Action": "s3:${aws:username}", "Resource": "*""#),
        Code::InvalidPolicyVariable,
    );
    clean(
        Identity,
        &identity(
            r#""Effect": "Allow", "Action": ["iam:*AccessKey*", "s3:Get?bject", "IAM:listusers"], "Resource": "*""#,
        ),
    );
}

#[test]
fn rule_1_20_scp_wildcards_anywhere_since_september_2025() {
    let scp = |body: &str| {
        let p = parse(Scp, &identity(body));
        assert!(
            p.diagnostics.iter().all(|d| !d.is_error()),
            "{:?}",
            p.diagnostics
        );
        p.policy.unwrap()
    };
    let p =
        scp(r#""Effect": "Deny", "Action": ["ec2:*Instances", "s3:Get?bject"], "Resource": "*""#);
    let patterns = &p.statements[0].action.patterns;
    let matches = |a: &str| {
        patterns
            .iter()
            .any(|x| x.matcher.matches(a) == crate::Truth::True)
    };
    assert!(matches("ec2:TerminateInstances"));
    assert!(matches("EC2:runinstances"));
    assert!(!matches("ec2:DescribeImages"));
    assert!(matches("s3:GetObject"));
    // NotAction and a condition in Allow, NotResource: read as written.
    scp(
        r#""Effect": "Allow", "NotAction": "iam:*", "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalAccount": "111111111111"}}"#,
    );
    scp(r#""Effect": "Allow", "Action": "iam:*", "NotResource": "arn:aws:iam::*:role/Admin""#);
}

#[test]
fn rule_2_2_service_prefix_wildcard_warns_or_errors_by_type() {
    let stmt = r#""Effect": "Allow", "Action": "s*:GetObject", "Resource": "*""#;
    let d = one(Identity, &identity(stmt), Code::ServiceWildcard);
    assert_eq!(d.severity, Severity::Warning);
    assert!(parse(Identity, &identity(stmt)).policy.is_some());
    for ty in [Boundary, Session, Scp] {
        let d = one(ty, &identity(stmt), Code::ServiceWildcard);
        assert!(d.is_error(), "{ty:?}");
    }
}

#[test]
fn rule_1_26_trust_policies_take_only_action() {
    one(
        Trust,
        &identity(
            r#""Effect": "Allow", "Principal": {"AWS": "111111111111"}, "NotAction": "s3:*""#,
        ),
        Code::ProhibitedElement,
    );
    // A non-STS action in a trust policy is only a warning.
    let d = one(
        Trust,
        &identity(
            r#""Effect": "Allow", "Principal": {"AWS": "111111111111"}, "Action": "s3:GetObject""#,
        ),
        Code::InvalidAction,
    );
    assert_eq!(d.severity, Severity::Warning);
}

// ---- 1.G Resource / NotResource --------------------------------------------------------------

#[test]
fn rule_1_21_resource_is_required_except_in_trust_policies() {
    for ty in [Identity, Boundary, Session, Scp] {
        one(
            ty,
            &identity(r#""Effect": "Deny", "Action": "s3:*""#),
            Code::MissingResource,
        );
    }
    one(
        Resource,
        &identity(r#""Effect": "Deny", "Principal": "*", "Action": "s3:*""#),
        Code::MissingResource,
    );
}

#[test]
fn rule_1_21_resource_is_prohibited_in_trust_policies() {
    let d = one(
        Trust,
        &identity(
            r#""Effect": "Allow", "Principal": {"AWS": "111111111111"}, "Action": "sts:AssumeRole", "Resource": "*""#,
        ),
        Code::ProhibitedElement,
    );
    assert!(d.message.contains("`Resource`"));
}

#[test]
fn rule_1_21_resource_and_not_resource_conflict() {
    one(
        Identity,
        &identity(
            r#""Effect": "Allow", "Action": "s3:*", "Resource": "*", "NotResource": "arn:aws:s3:::b""#,
        ),
        Code::ConflictingElements,
    );
}

#[test]
fn rule_2_6_resources_must_be_arns() {
    for bad in [
        "my-bucket",
        "arn:aws",
        "arn:aws:",
        "arn::s3",
        "arn::s3:::b",
        "arn:aws::::x",
        "arn:aws:s3:::",
    ] {
        let text = identity(&format!(
            r#""Effect": "Allow", "Action": "s3:*", "Resource": "{bad}""#
        ));
        one(Identity, &text, Code::InvalidArn);
    }
    let d = one(
        Identity,
        &identity(
            r#""Effect": "Allow", "Action": "iam:*", "Resource": "arn:aws:iam::1234567890:user/x""#,
        ),
        Code::InvalidAccountId,
    );
    assert!(d.message.contains("`1234567890`"));
    // 2.8: patterns of fewer than six parts are valid, read by the matcher (a trailing `*`
    // crosses the missing colons; without one, both readings are kept).
    for short in [
        "arn:aws:ec2:*",
        "arn:aws:iam::*",
        "arn:aws:sqs:us-east-1:*",
        "arn:aws:sqs:us-east-1",
        "arn:aws:s3",
        // AWS managed policies live in the account `aws`.
        "arn:aws:iam::aws:policy/*",
    ] {
        clean(
            Identity,
            &identity(&format!(
                r#""Effect": "Allow", "Action": "*", "Resource": "{short}""#
            )),
        );
    }
    // 2.21: variables only in the resource part.
    one(
        Identity,
        &identity(
            r#""Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3::${aws:PrincipalAccount}:b""#,
        ),
        Code::InvalidPolicyVariable,
    );
    clean(
        Identity,
        &identity(
            r#""Effect": "Allow", "Action": "*", "Resource": ["arn:aws:iam::*:role/x", "arn:aws:ec2:*:111111111111:instance/*", "arn:aws:s3:::b"]"#,
        ),
    );
}

// ---- 1.I RCP specifics -----------------------------------------------------------------------

#[test]
fn rule_1_23_custom_rcps_are_deny_only_without_not_action() {
    one(
        Rcp,
        &identity(
            r#""Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*""#,
        ),
        Code::ProhibitedElement,
    );
    one(
        Rcp,
        &identity(
            r#""Effect": "Deny", "Principal": "*", "NotAction": "s3:GetObject", "Resource": "*""#,
        ),
        Code::ProhibitedElement,
    );
    one(
        Rcp,
        &identity(
            r#""Effect": "Deny", "NotPrincipal": {"AWS": "111111111111"}, "Action": "s3:*", "Resource": "*""#,
        ),
        Code::ProhibitedElement,
    );
}

// ---- 1.H Condition ---------------------------------------------------------------------------

fn with_condition(cond: &str) -> String {
    identity(&format!(
        r#""Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {cond}"#
    ))
}

#[test]
fn rule_1_24_condition_shape() {
    // An empty block tests nothing: the statement applies unconditionally, with a suggestion.
    let p = parse(Identity, &with_condition("{}"));
    assert_eq!(
        p.diagnostics.iter().map(|d| d.code).collect::<Vec<_>>(),
        vec![Code::EmptyObjectCondition]
    );
    assert!(p.policy.unwrap().statements[0].conditions.is_empty());
    one(Identity, &with_condition(r#"[]"#), Code::InvalidType);
    one(
        Identity,
        &with_condition(r#"{"StringEquals": "x"}"#),
        Code::InvalidType,
    );
    one(
        Identity,
        &with_condition(r#"{"StringEquals": {}}"#),
        Code::EmptyList,
    );
    one(
        Identity,
        &with_condition(r#"{"StringEquals": {"aws:username": null}}"#),
        Code::InvalidType,
    );
    let p = clean(
        Identity,
        &with_condition(
            r#"{"StringEquals": {"aws:username": "a", "aws:PrincipalTag/x": ["b", "c"]}, "Bool": {"aws:SecureTransport": true}}"#,
        ),
    );
    let c = &p.statements[0].conditions;
    assert_eq!(c.len(), 3);
    assert_eq!(c[0].operator.value.name(), "StringEquals");
    assert_eq!(c[2].values[0].text, "true");
}

#[test]
fn rule_1_25_unknown_operators_are_errors_with_a_suggestion() {
    let d = one(
        Identity,
        &with_condition(r#"{"StringEqual": {"aws:username": "a"}}"#),
        Code::UnknownOperator,
    );
    assert_eq!(d.help.as_deref(), Some("did you mean `StringEquals`?"));
    assert_eq!(d.location().unwrap().column, 107);
    one(
        Identity,
        &with_condition(r#"{"stringequals": {"aws:username": "a"}}"#),
        Code::UnknownOperator,
    );
}

#[test]
fn rule_3_condition_values_are_checked_for_their_operator() {
    one(
        Identity,
        &with_condition(r#"{"IpAddress": {"aws:SourceIp": "10.0.0.300/8"}}"#),
        Code::InvalidIpAddress,
    );
    one(
        Identity,
        &with_condition(r#"{"DateGreaterThan": {"aws:CurrentTime": "next tuesday"}}"#),
        Code::InvalidDate,
    );
    one(
        Identity,
        &with_condition(r#"{"NumericLessThan": {"s3:max-keys": "ten"}}"#),
        Code::InvalidConditionValue,
    );
}

// ---- 1.J element names -----------------------------------------------------------------------

#[test]
fn rule_1_27_element_names_are_case_sensitive() {
    let text = identity(r#""effect": "Allow", "Action": "*", "Resource": "*""#);
    let d = one(Identity, &text, Code::UnknownElement);
    assert!(d.help.unwrap().contains("did you mean `Effect`?"));
    // The near miss stands in for the element: no extra MissingEffect.
    assert_eq!(codes(Identity, &text), vec![Code::UnknownElement]);
    let d = one(
        Identity,
        &identity(r#""Effect": "Allow", "Actions": "*", "Resource": "*""#),
        Code::UnknownElement,
    );
    assert!(d.help.unwrap().contains("`Action`"));
    one(
        Identity,
        &identity(r#""Effect": "Allow", "Action": "*", "Resource": "*", "Comment": "x""#),
        Code::UnknownElement,
    );
}

// ---- 1.K size limits -------------------------------------------------------------------------

fn sized(ty: PolicyType, actions: usize, pad: usize) -> String {
    let list = vec!["\"s3:GetObject\""; actions].join(",");
    let ws = " ".repeat(pad);
    match ty {
        Trust => format!(
            r#"{{"Version":"2012-10-17",{ws}"Statement":{{"Effect":"Allow","Principal":{{"AWS":"111111111111"}},"Action":[{}]}}}}"#,
            vec!["\"sts:AssumeRole\""; actions].join(",")
        ),
        Resource | Rcp => format!(
            r#"{{"Version":"2012-10-17",{ws}"Statement":{{"Effect":"Deny","Principal":"*","Action":[{list}],"Resource":"*"}}}}"#
        ),
        _ => format!(
            r#"{{"Version":"2012-10-17",{ws}"Statement":{{"Effect":"Deny","Action":[{list}],"Resource":"*"}}}}"#
        ),
    }
}

#[test]
fn rule_1_28_size_limits_per_type() {
    // Identity and boundary: 6,144 characters, whitespace not counted; Access Analyzer's code
    // and grade (a warning).
    for ty in [Identity, Boundary] {
        clean(ty, &sized(ty, 380, 10_000));
        let d = one(
            ty,
            &sized(ty, 420, 0),
            Code::PolicySizeExceedsIdentityPolicyQuota,
        );
        assert_eq!(d.severity, Severity::Warning);
        assert_eq!(d.location().unwrap().column, 1);
    }
    // Session: 2,048 characters.
    clean(Session, &sized(Session, 120, 0));
    one(Session, &sized(Session, 120, 200), Code::PolicySizeExceeded);
    // SCP and RCP: 5,120 characters, whitespace counted (the SCP under Access Analyzer's code).
    for (ty, code) in [
        (Scp, Code::PolicySizeExceedsScpQuota),
        (Rcp, Code::PolicySizeExceeded),
    ] {
        clean(ty, &sized(ty, 300, 0));
        assert!(one(ty, &sized(ty, 300, 1_000), code).is_error());
    }
    // Trust: a warning above the 2,048 default quota, an error above 4,096.
    clean(Trust, &sized(Trust, 100, 10_000));
    let d = one(Trust, &sized(Trust, 150, 0), Code::PolicySizeExceeded);
    assert_eq!(d.severity, Severity::Warning);
    let d = one(Trust, &sized(Trust, 300, 0), Code::PolicySizeExceeded);
    assert!(d.is_error());
    // Bucket policy: 20,480 bytes, whitespace counted.
    clean(Resource, &sized(Resource, 1_000, 0));
    one(
        Resource,
        &sized(Resource, 1_000, 10_000),
        Code::PolicySizeExceeded,
    );
}

#[test]
fn rule_1_28_an_oversize_policy_is_not_read_further() {
    // Hostile input: statements of a document AWS would refuse are not compiled (a 50 MB policy
    // took 5 GB); the size error is the one diagnostic.
    let bad = sized(Scp, 420, 0).replace("\"Deny\"", "\"Denied\"");
    let p = parse(Scp, &bad);
    assert_eq!(found(&p).len(), 1, "{:?}", found(&p));
    assert_eq!(p.diagnostics[0].code, Code::PolicySizeExceedsScpQuota);
    assert!(p.policy.is_none());
    // A warning-graded excess (an identity policy, a trust policy over the default quota) is
    // read on, so its statements are checked too, up to four times the quota.
    let p = parse(Trust, &sized(Trust, 150, 0));
    assert!(p.policy.is_some());
    let p = parse(Identity, &sized(Identity, 420, 0));
    assert!(p.policy.is_some());
    let far = sized(Identity, 2_000, 0).replace("\"Deny\"", "\"Denied\"");
    let p = parse(Identity, &far);
    assert_eq!(found(&p).len(), 1, "{:?}", found(&p));
    assert_eq!(
        p.diagnostics[0].code,
        Code::PolicySizeExceedsIdentityPolicyQuota
    );
    assert!(p.policy.is_none());
}

// ---- collecting every diagnostic -------------------------------------------------------------

#[test]
fn every_problem_is_reported_in_one_run() {
    let text = r#"{
  "Version": "2012-02-02",
  "Statement": [
    {"Effect": "allow", "Action": "s3GetObject", "Resource": "bucket"},
    {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "NotAction": "iam:*"}
  ]
}"#;
    let p = parse(Identity, text);
    let f = found(&p);
    for expected in [
        (Code::InvalidVersion, 2, 14),
        (Code::InvalidEffect, 4, 16),
        (Code::InvalidAction, 4, 35),
        (Code::InvalidArn, 4, 62),
        (Code::ProhibitedElement, 5, 24),
        (Code::ConflictingElements, 5, 60),
        (Code::MissingResource, 5, 5),
    ] {
        assert!(f.contains(&expected), "{expected:?} not in {f:?}");
    }
    assert_eq!(f.len(), 7, "{f:?}");
    assert!(p.policy.is_none());
}

#[test]
fn parse_policy_bytes_reports_invalid_utf8_and_reads_valid_files() {
    let p = parse_policy_bytes("p.json", b"{\"Version\": \"2012-10-17\xe9\"}", Identity);
    assert_eq!(p.diagnostics.len(), 1);
    assert_eq!(p.diagnostics[0].code, Code::InvalidEncoding);
    assert_eq!(p.diagnostics[0].location().unwrap().column, 24);
    let p = parse_policy_bytes("p.json", identity(ALLOW_S3).as_bytes(), Identity);
    assert!(p.diagnostics.is_empty());
    assert!(p.policy.is_some());
}

#[test]
fn did_you_mean_prefers_case_then_small_edits() {
    assert_eq!(did_you_mean("effect", STATEMENT_KEYS), Some("Effect"));
    assert_eq!(did_you_mean("Efect", STATEMENT_KEYS), Some("Effect"));
    assert_eq!(
        did_you_mean("NotActions", STATEMENT_KEYS),
        Some("NotAction")
    );
    assert_eq!(did_you_mean("Comment", STATEMENT_KEYS), None);
    assert_eq!(did_you_mean(&"x".repeat(1000), STATEMENT_KEYS), None);
}

#[test]
fn rule_1_18_a_resource_policy_statement_without_principal_is_an_error_not_everyone() {
    let d = one(
        Resource,
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}"#,
        Code::MissingPrincipal,
    );
    assert!(d.is_error());
}

#[test]
fn rule_1_22_scp_allow_statements_keep_conditions_and_not_resource() {
    let p = clean(
        Scp,
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","NotResource":"arn:aws:s3:::secret/*","Condition":{"StringEquals":{"aws:RequestedRegion":"eu-west-1"}}}]}"#,
    );
    let s = &p.statements[0];
    assert_eq!(s.conditions.len(), 1);
    assert_eq!(
        s.resource.as_ref().map(|r| r.kind),
        Some(crate::model::ResourceKind::NotResource)
    );
}
