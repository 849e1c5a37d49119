//! Escalation paths per kind of step (docs/rules.md 10.4): each world is decided by the one
//! evaluator through `ask` with `via: "*"`, and each test has a twin that looks alike and must
//! not escalate (a boundary, an SCP, a missing service trust, an unknown fact).

use crate::chain::{ask, Query, Via};
use crate::explain::Decision;
use crate::test_world::test_world;
use crate::Answer;

const A: &str = "111111111111";

fn allow(actions: &str, resource: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":{actions},"Resource":"{resource}"}}]}}"#
    )
}

fn service_trust(service: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Service":"{service}"}},"Action":"sts:AssumeRole"}}]}}"#
    )
}

/// A world of one account: `users` and `roles` are the JSON members, `extra` more members of the
/// account; a bucket `payroll`; `org` the organization member (or empty).
fn world(users: &str, roles: &str, extra: &str, org: &str) -> crate::World {
    let extra = if extra.is_empty() {
        String::new()
    } else {
        format!(", {extra}")
    };
    let org = if org.is_empty() {
        String::new()
    } else {
        format!(r#", "organization": {org}"#)
    };
    test_world(&format!(
        r#"{{"accounts": {{"{A}": {{"users": {{{users}}}, "roles": {{{roles}}}, "buckets": {{"payroll": {{}}}}{extra}}}}}{org}}}"#
    ))
}

fn any_path(world: &crate::World, user: &str) -> Answer {
    ask(
        world,
        &Query {
            principal: format!("arn:aws:iam::{A}:user/{user}"),
            action: "s3:GetObject".into(),
            resource: "arn:aws:s3:::payroll/salaries.csv".into(),
            via: Via::Any,
            context: Default::default(),
            session_policies: Vec::new(),
        },
    )
    .unwrap()
}

fn kinds(a: &Answer) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for h in &a.path {
        if let Some(s) = &h.step {
            if out.last() != Some(&s.kind) || s.number > out.len() {
                out.push(s.kind.clone());
            }
        }
    }
    out
}

fn s3_admin_role(name: &str, trust: &str) -> String {
    format!(
        r#""{name}": {{"trust": {trust}, "policies": [{}]}}"#,
        allow(r#""s3:*""#, "*")
    )
}

/// lambda-create-invoke: PassRole with iam:PassedToService, CreateFunction and InvokeFunction on
/// a function the caller names; the role must trust lambda.amazonaws.com.
#[test]
fn pass_role_to_lambda() {
    let pass = format!(
        r#"{{"Version":"2012-10-17","Statement":[
            {{"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::{A}:role/Fn","Condition":{{"StringEquals":{{"iam:PassedToService":"lambda.amazonaws.com"}}}}}},
            {{"Effect":"Allow","Action":["lambda:CreateFunction","lambda:InvokeFunction"],"Resource":"arn:aws:lambda:*:{A}:function:tools-*"}}]}}"#
    );
    let users = format!(r#""alice": {{"policies": [{pass}]}}"#);
    let w = world(
        &users,
        &s3_admin_role("Fn", &service_trust("lambda.amazonaws.com")),
        "",
        "",
    );
    let a = any_path(&w, "alice");
    assert_eq!(a.decision, Decision::Allow, "{}", a.render_text());
    assert_eq!(kinds(&a), ["lambda-create-invoke"]);
    assert_eq!(a.via, [format!("arn:aws:iam::{A}:role/Fn")]);
    // The function's name is the caller's pick, within what its policy allows.
    assert!(a
        .path
        .iter()
        .any(|h| h.action == "lambda:CreateFunction" && h.resource.contains(":function:tools-")));
    // The same role trusting EC2 only cannot be handed to Lambda.
    let w = world(
        &users,
        &s3_admin_role("Fn", &service_trust("ec2.amazonaws.com")),
        "",
        "",
    );
    assert_ne!(any_path(&w, "alice").decision, Decision::Allow);
    // PassRole allowed only to another service.
    let other = pass.replace("\"lambda.amazonaws.com\"}", "\"glue.amazonaws.com\"}");
    let w = world(
        &format!(r#""alice": {{"policies": [{other}]}}"#),
        &s3_admin_role("Fn", &service_trust("lambda.amazonaws.com")),
        "",
        "",
    );
    assert_ne!(any_path(&w, "alice").decision, Decision::Allow);
}

/// A service trust with a condition on the service's own request (aws:SourceAccount) cannot be
/// decided by the world: the path is at most indeterminate.
#[test]
fn service_trust_with_a_condition_is_not_known() {
    let trust = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Service":"lambda.amazonaws.com"}},"Action":"sts:AssumeRole","Condition":{{"StringEquals":{{"aws:SourceAccount":"{A}"}}}}}}]}}"#
    );
    let users = format!(
        r#""alice": {{"policies": [{}]}}"#,
        allow(
            r#"["iam:PassRole","lambda:CreateFunction","lambda:InvokeFunction"]"#,
            "*"
        )
    );
    let w = world(&users, &s3_admin_role("Fn", &trust), "", "");
    let a = any_path(&w, "alice");
    assert_eq!(a.decision, Decision::Indeterminate, "{}", a.render_text());
    assert!(a.path.iter().any(|h| h.step.as_ref().is_some_and(|s| s
        .unknown
        .as_deref()
        .is_some_and(|u| u.contains("lets lambda.amazonaws.com")))));
}

/// attach-policy on oneself: the policy of the caller's writing is still capped by the
/// permissions boundary and by SCPs.
#[test]
fn attach_policy_to_oneself_within_boundary_and_scps() {
    let own = allow(
        r#""iam:AttachUserPolicy""#,
        &format!("arn:aws:iam::{A}:user/bob"),
    );
    let w = world(&format!(r#""bob": {{"policies": [{own}]}}"#), "", "", "");
    let a = any_path(&w, "bob");
    assert_eq!(a.decision, Decision::Allow, "{}", a.render_text());
    assert_eq!(kinds(&a), ["attach-policy"]);
    // A boundary that allows only IAM keeps S3 out.
    let boundary = allow(r#""iam:*""#, "*");
    let w = world(
        &format!(r#""bob": {{"policies": [{own}], "boundary": {boundary}}}"#),
        "",
        "",
        "",
    );
    assert_ne!(any_path(&w, "bob").decision, Decision::Allow);
    // An SCP that denies S3 too.
    let deny_s3 = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*"}]}"#;
    let org = format!(
        r#"{{"id": "o-test", "root": {{"scps": ["FullAWSAccess", {deny_s3}], "accounts": ["{A}"]}}}}"#
    );
    let w = world(&format!(r#""bob": {{"policies": [{own}]}}"#), "", "", &org);
    assert_ne!(any_path(&w, "bob").decision, Decision::Allow);
}

/// An iam:PolicyARN condition that admits only one harmless policy stops attach-policy.
#[test]
fn attach_policy_limited_by_policy_arn() {
    let own = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:AttachUserPolicy","Resource":"*","Condition":{"ArnEquals":{"iam:PolicyARN":"arn:aws:iam::aws:policy/ReadOnlyAccess"}}}]}"#;
    let w = world(&format!(r#""bob": {{"policies": [{own}]}}"#), "", "", "");
    assert_ne!(any_path(&w, "bob").decision, Decision::Allow);
}

/// put-inline-policy and create-policy-version on a policy attached to the caller.
#[test]
fn put_inline_and_create_policy_version() {
    let own = allow(r#""iam:PutUserPolicy""#, "*");
    let w = world(&format!(r#""bob": {{"policies": [{own}]}}"#), "", "", "");
    assert_eq!(kinds(&any_path(&w, "bob")), ["put-inline-policy"]);
    let managed = allow(
        r#""iam:CreatePolicyVersion""#,
        &format!("arn:aws:iam::{A}:policy/self-service"),
    );
    let w = world(
        &format!(r#""bob": {{"policies": ["arn:aws:iam::{A}:policy/self-service"]}}"#),
        "",
        &format!(r#""policies": {{"self-service": {managed}}}"#),
        "",
    );
    let a = any_path(&w, "bob");
    assert_eq!(a.decision, Decision::Allow, "{}", a.render_text());
    assert_eq!(kinds(&a), ["create-policy-version"]);
    // A policy of another name is not attached to bob: nothing to rewrite.
    let other = managed.replace("policy/self-service", "policy/other");
    let w = world(
        &format!(r#""bob": {{"policies": ["arn:aws:iam::{A}:policy/self-service"]}}"#),
        "",
        &format!(
            r#""policies": {{"self-service": {other}, "other": {}}}"#,
            allow(r#""s3:*""#, "*")
        ),
        "",
    );
    assert_ne!(any_path(&w, "bob").decision, Decision::Allow);
}

/// create-access-key moves to another user; with two keys already, iam:DeleteAccessKey is
/// needed too.
#[test]
fn create_access_key_of_another_user() {
    let carol = allow(
        r#""iam:CreateAccessKey""#,
        &format!("arn:aws:iam::{A}:user/*"),
    );
    let dave = allow(r#""s3:GetObject""#, "*");
    let users = format!(r#""carol": {{"policies": [{carol}]}}, "dave": {{"policies": [{dave}]}}"#);
    let w = world(&users, "", "", "");
    let a = any_path(&w, "carol");
    assert_eq!(a.decision, Decision::Allow, "{}", a.render_text());
    assert_eq!(kinds(&a), ["create-access-key"]);
    assert_eq!(a.via, [format!("arn:aws:iam::{A}:user/dave")]);
    let users = format!(
        r#""carol": {{"policies": [{carol}]}}, "dave": {{"policies": [{dave}], "access_keys": ["AKIAIOSFODNN7EXAMPLE", "AKIAI44QH8DHBEXAMPLE"]}}"#
    );
    let w = world(&users, "", "", "");
    assert_ne!(any_path(&w, "carol").decision, Decision::Allow);
}

/// create-login-profile needs a user without a console password: unknown → indeterminate.
#[test]
fn login_profile_unknown_is_never_allowed() {
    let carol = allow(r#""iam:CreateLoginProfile""#, "*");
    let dave = allow(r#""s3:GetObject""#, "*");
    for (profile, want) in [
        ("false", Decision::Allow),
        ("null", Decision::Indeterminate),
        ("true", Decision::ImplicitDeny),
    ] {
        let users = format!(
            r#""carol": {{"policies": [{carol}]}}, "dave": {{"policies": [{dave}], "login_profile": {profile}}}"#
        );
        let w = world(&users, "", "", "");
        let a = any_path(&w, "carol");
        assert_eq!(
            a.decision,
            want,
            "login_profile {profile}: {}",
            a.render_text()
        );
    }
}

/// Taking over a Lambda function whose role the world names; one whose role it does not name
/// is at most indeterminate.
#[test]
fn take_over_lambda_function() {
    let erin = allow(
        r#"["lambda:UpdateFunctionCode","lambda:InvokeFunction"]"#,
        "*",
    );
    let users = format!(r#""erin": {{"policies": [{erin}]}}"#);
    let roles = s3_admin_role("FnRole", &service_trust("lambda.amazonaws.com"));
    let f = format!("arn:aws:lambda:us-east-1:{A}:function:payroll-export");
    let w = world(
        &users,
        &roles,
        &format!(r#""compute": {{"{f}": {{"role": "FnRole"}}}}"#),
        "",
    );
    let a = any_path(&w, "erin");
    assert_eq!(a.decision, Decision::Allow, "{}", a.render_text());
    assert_eq!(kinds(&a), ["lambda-update-code"]);
    let w = world(
        &users,
        &roles,
        &format!(
            r#""instance_profiles": {{"empty": {{"roles": []}}}}, "compute": {{"{f}": {{"instance_profile": "empty"}}}}"#
        ),
        "",
    );
    let a = any_path(&w, "erin");
    assert_eq!(a.decision, Decision::Indeterminate, "{}", a.render_text());
}

/// ssm-send-command needs an instance Systems Manager manages: unknown → indeterminate,
/// false → no path.
#[test]
fn ssm_on_an_instance() {
    let ops = allow(r#""ssm:SendCommand""#, "*");
    let users = format!(r#""ops": {{"policies": [{ops}]}}"#);
    let roles = s3_admin_role("Web", &service_trust("ec2.amazonaws.com"));
    let i = format!("arn:aws:ec2:us-east-1:{A}:instance/i-0abc");
    for (managed, want) in [
        (r#", "ssm_managed": true"#, Decision::Allow),
        ("", Decision::Indeterminate),
        (r#", "ssm_managed": false"#, Decision::ImplicitDeny),
    ] {
        let extra = format!(
            r#""instance_profiles": {{"web": {{"roles": ["Web"]}}}}, "compute": {{"{i}": {{"instance_profile": "web"{managed}}}}}"#
        );
        let w = world(&users, &roles, &extra, "");
        let a = any_path(&w, "ops");
        assert_eq!(a.decision, want, "{managed}: {}", a.render_text());
    }
}

/// add-user-to-group: joining a group whose policy allows the request.
#[test]
fn add_user_to_group() {
    let own = allow(
        r#""iam:AddUserToGroup""#,
        &format!("arn:aws:iam::{A}:group/readers"),
    );
    let users = format!(r#""frank": {{"policies": [{own}]}}"#);
    let groups = format!(
        r#""groups": {{"readers": {{"policies": [{}]}}}}"#,
        allow(r#""s3:GetObject""#, "*")
    );
    let w = world(&users, "", &groups, "");
    let a = any_path(&w, "frank");
    assert_eq!(a.decision, Decision::Allow, "{}", a.render_text());
    assert_eq!(kinds(&a), ["add-user-to-group"]);
    // Another group's ARN in the Resource: no.
    let own = own.replace("group/readers", "group/other");
    let w = world(
        &format!(r#""frank": {{"policies": [{own}]}}"#),
        "",
        &groups,
        "",
    );
    assert_ne!(any_path(&w, "frank").decision, Decision::Allow);
}

/// remove-boundary: the user's own policies without the boundary's cap.
#[test]
fn remove_boundary() {
    let own = allow(
        r#"["s3:GetObject","iam:DeleteUserPermissionsBoundary"]"#,
        "*",
    );
    let boundary = allow(r#""iam:*""#, "*");
    let w = world(
        &format!(r#""gail": {{"policies": [{own}], "boundary": {boundary}}}"#),
        "",
        "",
        "",
    );
    let a = any_path(&w, "gail");
    assert_eq!(a.decision, Decision::Allow, "{}", a.render_text());
    assert_eq!(kinds(&a), ["remove-boundary"]);
}

/// remove-deny: detaching the policy that holds the only Deny.
#[test]
fn remove_deny() {
    let own = allow(r#"["s3:GetObject","iam:DetachUserPolicy"]"#, "*");
    let deny = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*"}]}"#;
    let w = world(
        &format!(r#""hal": {{"policies": [{own}, {deny}]}}"#),
        "",
        "",
        "",
    );
    let a = any_path(&w, "hal");
    assert_eq!(a.decision, Decision::Allow, "{}", a.render_text());
    assert_eq!(kinds(&a), ["remove-deny"]);
    // The same Deny in an SCP cannot be detached by the user.
    let org = format!(
        r#"{{"id": "o-test", "root": {{"scps": ["FullAWSAccess", {deny}], "accounts": ["{A}"]}}}}"#
    );
    let w = world(&format!(r#""hal": {{"policies": [{own}]}}"#), "", "", &org);
    assert_ne!(any_path(&w, "hal").decision, Decision::Allow);
}

/// set-default-policy-version: a stored version that grants more.
#[test]
fn set_default_policy_version() {
    let v1 = allow(r#""iam:SetDefaultPolicyVersion""#, "*");
    let v2 = allow(r#""s3:GetObject""#, "*");
    let policies = format!(
        r#""policies": {{"versioned": {{"versions": {{"v1": {v1}, "v2": {v2}}}, "default": "v1"}}}}"#
    );
    let users = format!(r#""ivy": {{"policies": ["arn:aws:iam::{A}:policy/versioned"]}}"#);
    let w = world(&users, "", &policies, "");
    let a = any_path(&w, "ivy");
    assert_eq!(a.decision, Decision::Allow, "{}", a.render_text());
    assert_eq!(kinds(&a), ["set-default-policy-version"]);
}

/// Change, then move: the caller attaches a policy to a role it can assume, then assumes it.
#[test]
fn attach_to_a_role_then_assume_it() {
    let own = allow(
        r#"["iam:AttachRolePolicy","sts:AssumeRole"]"#,
        &format!("arn:aws:iam::{A}:role/Build"),
    );
    let trust = crate::test_world::TEST_TRUST_A;
    let roles = format!(r#""Build": {{"trust": {trust}}}"#);
    let w = world(&format!(r#""jo": {{"policies": [{own}]}}"#), &roles, "", "");
    let a = any_path(&w, "jo");
    assert_eq!(a.decision, Decision::Allow, "{}", a.render_text());
    assert_eq!(kinds(&a), ["attach-policy", "assume-role"]);
    // After the change jo is still itself; after the move, the changed role.
    assert_eq!(
        a.via,
        [
            format!("arn:aws:iam::{A}:user/jo"),
            format!("arn:aws:iam::{A}:role/Build")
        ]
    );
}

/// add-mfa-device, then a role whose trust requires MFA.
#[test]
fn add_mfa_then_assume() {
    let own = allow(
        r#"["iam:CreateVirtualMFADevice","iam:EnableMFADevice","sts:AssumeRole"]"#,
        "*",
    );
    let trust = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"{A}"}},"Action":"sts:AssumeRole","Condition":{{"Bool":{{"aws:MultiFactorAuthPresent":"true"}}}}}}]}}"#
    );
    let w = world(
        &format!(r#""kim": {{"policies": [{own}]}}"#),
        &s3_admin_role("Secure", &trust),
        "",
        "",
    );
    let a = any_path(&w, "kim");
    assert_eq!(a.decision, Decision::Allow, "{}", a.render_text());
    assert_eq!(kinds(&a), ["add-mfa-device", "assume-role"]);
}

/// A user with many policies has a merged identity index cached in the world; the same user
/// changed by a hop must be decided on its changed policies, not on the cached index.
#[test]
fn a_changed_principal_never_uses_the_cached_index() {
    let mut policies: Vec<String> = (0..9)
        .map(|i| allow(&format!(r#""ec2:Describe{i}""#), "*"))
        .collect();
    policies.push(allow(r#""iam:PutUserPolicy""#, "*"));
    let w = world(
        &format!(r#""lee": {{"policies": [{}]}}"#, policies.join(",")),
        "",
        "",
        "",
    );
    // Fill the cache with lee's unchanged policies first.
    let direct = ask(
        &w,
        &Query {
            principal: format!("arn:aws:iam::{A}:user/lee"),
            action: "s3:GetObject".into(),
            resource: "arn:aws:s3:::payroll/salaries.csv".into(),
            via: Via::Direct,
            context: Default::default(),
            session_policies: Vec::new(),
        },
    )
    .unwrap();
    assert_eq!(
        crate::decide(
            &w,
            &Query {
                via: Via::Direct,
                ..query_of(&direct)
            }
        )
        .unwrap(),
        Decision::ImplicitDeny
    );
    assert_eq!(w.cached_identity_indexes(), 1);
    let a = any_path(&w, "lee");
    assert_eq!(a.decision, Decision::Allow, "{}", a.render_text());
    assert_eq!(
        w.cached_identity_indexes(),
        1,
        "no entry for the changed copy"
    );
}

fn query_of(a: &Answer) -> Query {
    Query {
        principal: a.principal.clone(),
        action: a.action.clone(),
        resource: a.resource.clone(),
        via: Via::Direct,
        context: Default::default(),
        session_policies: Vec::new(),
    }
}

/// `decide` and `ask` agree on escalation paths.
#[test]
fn decide_agrees_with_ask() {
    let own = allow(r#""iam:AttachUserPolicy""#, "*");
    let w = world(&format!(r#""bob": {{"policies": [{own}]}}"#), "", "", "");
    let q = Query {
        via: Via::Any,
        ..query_of(&any_path(&w, "bob"))
    };
    assert_eq!(crate::decide(&w, &q).unwrap(), Decision::Allow);
}
