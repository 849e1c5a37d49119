//! Tests of the walk's parts: the keys each filter lets through, decisions of small worlds.

use super::*;
use crate::request::Action;

/// The decision-only context looks resource keys up only where `is_resource_key` says they
/// may be: every key `add_resource_context` writes must pass it.
#[test]
fn every_resource_key_passes_its_filter() {
    let trust = crate::test_world::TEST_TRUST_A;
    let world = crate::test_world::test_world(&format!(
        r#"{{"accounts": {{"111111111111": {{
            "roles": {{"R": {{"trust": {trust}, "tags": {{"team": "blue", "Env": "prod"}}}}}},
            "buckets": {{"b": {{"tags": {{"k": "v"}}}}}}}}}},
          "organization": {{"id": "o-test", "root": {{"accounts": ["111111111111"]}}}}}}"#
    ));
    let caller = Caller::Root {
        account: "111111111111".into(),
    };
    let action = Action::parse("sts:AssumeRole").unwrap();
    let context = Context::new();
    for resource in ["arn:aws:iam::111111111111:role/R", "arn:aws:s3:::b/k"] {
        let req = HopRequest {
            caller: &caller,
            action: &action,
            resource,
            context: &context,
            assume: None,
        };
        let arn = parse_arn(resource).ok();
        let scope = scope(&world, &req, arn.as_ref(), "sts");
        let mut ctx = Context::new();
        add_resource_context(&world, &scope, &mut ctx);
        assert!(ctx.iter().count() >= 3, "{resource}");
        for (k, _) in ctx.iter() {
            assert!(is_resource_key(k), "{k}");
            assert!(
                !Caller::may_derive(k) && !AssumeRoleParams::may_set(k),
                "{k}"
            );
        }
    }
}

/// formats.md 6, 2.7a: a resource with `*` or `?` in its resource part is a set, allowed only
/// when every member is, on both paths.
#[test]
fn a_set_of_resources_is_decided_for_every_member() {
    let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"},{"Effect":"Deny","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/logs/secret/*"}]}"#;
    let world = crate::test_world::test_world(&format!(
        r#"{{"accounts": {{"111111111111": {{"users": {{"alice": {{"policies": [{policy}]}}}}, "buckets": {{"b": {{}}, "c": {{}}}}}}}}}}"#
    ));
    let caller = Caller::parse(&world, "arn:aws:iam::111111111111:user/alice").unwrap();
    let action = Action::parse("s3:GetObject").unwrap();
    let mut context = Context::new();
    context.set("aws:SecureTransport", "true");
    let decide = |resource: &str| {
        let req = HopRequest {
            caller: &caller,
            action: &action,
            resource,
            context: &context,
            assume: None,
        };
        let hop = crate::evaluate_hop(&world, &req);
        assert_eq!(decide_only(&world, &req), hop.decision, "{resource}");
        hop
    };
    assert_eq!(decide("arn:aws:s3:::b/k").decision, Decision::Allow);
    assert_eq!(decide("arn:aws:s3:::b/docs/*").decision, Decision::Allow);
    assert_eq!(decide("arn:aws:s3:::b/k?").decision, Decision::Allow);
    let hop = decide("arn:aws:s3:::b/logs/*");
    assert_eq!(hop.decision, Decision::Indeterminate);
    assert!(
        hop.summary[0].contains("for example `arn:aws:s3:::b/logs/secret/"),
        "{:?}",
        hop.summary
    );
    assert_eq!(
        decide("arn:aws:s3:::b/logs/secret/2026/*").decision,
        Decision::ExplicitDeny
    );
    // A set nothing allows stays denied.
    assert_eq!(decide("arn:aws:s3:::c/*").decision, Decision::ImplicitDeny);
}

/// A principal's merged index is not used once its policies change: the decision follows the
/// world as it is.
#[test]
fn a_changed_world_does_not_use_a_stale_merged_index() {
    let allow = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#;
    let other = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:RunInstances","Resource":"*"}]}"#;
    let mut list = vec![allow];
    list.extend([other; 9]);
    let mut world = crate::test_world::test_world(&format!(
        r#"{{"accounts": {{"111111111111": {{"users": {{"alice": {{"policies": [{}]}}}}, "buckets": {{"b": {{}}}}}}}}}}"#,
        list.join(",")
    ));
    let caller = Caller::parse(&world, "arn:aws:iam::111111111111:user/alice").unwrap();
    let action = Action::parse("s3:GetObject").unwrap();
    let context = Context::new();
    let decide = |w: &World| {
        let req = HopRequest {
            caller: &caller,
            action: &action,
            resource: "arn:aws:s3:::b/k",
            context: &context,
            assume: None,
        };
        (decide_only(w, &req), crate::evaluate_hop(w, &req).decision)
    };
    assert_eq!(decide(&world), (Decision::Allow, Decision::Allow));
    assert_eq!(world.cached_identity_indexes(), 1);
    // Drop the one policy that allows it.
    let user = world
        .accounts_mut()
        .get_mut("111111111111")
        .unwrap()
        .users
        .get_mut("alice")
        .unwrap();
    user.policies.remove(0);
    assert_eq!(
        decide(&world),
        (Decision::ImplicitDeny, Decision::ImplicitDeny)
    );
}
