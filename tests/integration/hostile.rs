//! Small versions of the hostile inputs of `scripts/hostile-input.sh` (README "Hostile input"),
//! as correctness checks: each loads and decides, or stops with the stated diagnostic. No timing
//! assertions; the full-size runs and their figures are the script's.

use iamsim_engine::{load_tests, run_tests, Decision, World};
use iamsim_policy::Code;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

const A: &str = "111111111111";

struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir =
            std::env::temp_dir().join(format!("iamsim-hostile-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("policies")).unwrap();
        TempDir(dir)
    }
    fn write(&self, rel: &str, text: impl AsRef<[u8]>) {
        std::fs::write(self.0.join(rel), text).unwrap();
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn codes(dir: &Path) -> Vec<Code> {
    match World::load(dir) {
        Ok(_) => Vec::new(),
        Err(e) => e.diagnostics.iter().map(|d| d.code).collect(),
    }
}

fn decisions(dir: &Path, tests: &Value) -> Vec<Decision> {
    std::fs::write(dir.join("tests.json"), tests.to_string()).unwrap();
    let w = World::load(dir).unwrap();
    let cases = load_tests(&w, &dir.join("tests.json")).unwrap();
    run_tests(&w, &cases)
        .iter()
        .map(|o| o.answer.as_ref().unwrap().decision)
        .collect()
}

fn allow(action: &str, resource: &str) -> Value {
    json!({"Version": "2012-10-17",
           "Statement": [{"Effect": "Allow", "Action": action, "Resource": resource}]})
}

#[test]
fn deep_nesting_stops_with_nesting_too_deep() {
    let deep = format!("{}{}", "[".repeat(2_000), "]".repeat(2_000));
    let t = TempDir::new("deep");
    t.write(
        "world.json",
        json!({"accounts": {A: {"users": {"alice": {"policies": ["policies/deep.json"]}}}}})
            .to_string(),
    );
    t.write(
        "policies/deep.json",
        format!(r#"{{"Version":"2012-10-17","Statement":{deep}}}"#),
    );
    assert_eq!(codes(&t.0), vec![Code::NestingTooDeep]);
    t.write(
        "world.json",
        format!(
            r#"{{"accounts":{}1{}}}"#,
            "{\"x\":".repeat(2_000),
            "}".repeat(2_000)
        ),
    );
    assert_eq!(codes(&t.0), vec![Code::NestingTooDeep]);
}

#[test]
fn an_oversize_policy_is_refused_without_being_compiled() {
    let t = TempDir::new("big");
    let resources: Vec<String> = (0..20_000)
        .map(|i| format!("arn:aws:s3:::bucket-{i}/*"))
        .collect();
    t.write(
        "policies/big.json",
        json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": resources}]})
        .to_string(),
    );
    t.write(
        "world.json",
        json!({"accounts": {A: {"users": {"alice": {"policies": ["policies/big.json"]}}}}})
            .to_string(),
    );
    assert_eq!(
        codes(&t.0),
        vec![Code::PolicySizeExceedsIdentityPolicyQuota]
    );
}

#[test]
fn ten_thousand_statements_over_a_thousand_users_load_and_decide() {
    let t = TempDir::new("many");
    let users: serde_json::Map<String, Value> = (0..1_000)
        .map(|u| {
            let stmts: Vec<Value> = (0..10)
                .map(|i| {
                    json!({"Effect": "Allow", "Action": "s3:GetObject",
                                "Resource": format!("arn:aws:s3:::b{u}-{i}/*")})
                })
                .collect();
            (
                format!("u{u}"),
                json!({"policies": [{"Version": "2012-10-17", "Statement": stmts}]}),
            )
        })
        .collect();
    t.write(
        "world.json",
        json!({"accounts": {A: {"users": users, "buckets": {"b999-9": {}}}}}).to_string(),
    );
    let tests = json!({"tests": [
        {"name": "own", "principal": format!("arn:aws:iam::{A}:user/u999"), "action": "s3:GetObject",
         "resource": "arn:aws:s3:::b999-9/k", "expect": "allow"},
        {"name": "other", "principal": format!("arn:aws:iam::{A}:user/u998"), "action": "s3:GetObject",
         "resource": "arn:aws:s3:::b999-9/k", "expect": "deny"}]});
    assert_eq!(
        decisions(&t.0, &tests),
        vec![Decision::Allow, Decision::ImplicitDeny]
    );
}

/// 20 roles. `ring`: role i trusts role i-1 (role 0 trusts alice); otherwise every role trusts
/// the account. Every role may assume any role; only the last reads the bucket.
fn roles_world(t: &TempDir, ring: bool) {
    let roles: serde_json::Map<String, Value> = (0..20)
        .map(|i| {
            let who = if !ring {
                format!("arn:aws:iam::{A}:root")
            } else if i == 0 {
                format!("arn:aws:iam::{A}:user/alice")
            } else {
                format!("arn:aws:iam::{A}:role/r{}", i - 1)
            };
            let mut policies = vec![allow("sts:AssumeRole", "*")];
            if i == 19 {
                policies.push(allow("s3:GetObject", "arn:aws:s3:::b/*"));
            }
            (
                format!("r{i}"),
                json!({"trust": {"Version": "2012-10-17", "Statement": [
                    {"Effect": "Allow", "Principal": {"AWS": who}, "Action": "sts:AssumeRole"}]},
                       "policies": policies}),
            )
        })
        .collect();
    t.write(
        "world.json",
        json!({"accounts": {A: {
            "users": {"alice": {"policies": [allow("sts:AssumeRole", "*")]}},
            "roles": roles, "buckets": {"b": {}}}}})
        .to_string(),
    );
}

#[test]
fn roles_that_trust_each_other_in_a_cycle_end_the_search() {
    let any = json!({"tests": [{"name": "any", "principal": format!("arn:aws:iam::{A}:user/alice"),
        "via": "*", "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k", "expect": "deny"}]});
    // The ring's reader is 20 hops away, past the 8-hop bound: denied, and the search ends.
    let t = TempDir::new("ring");
    roles_world(&t, true);
    assert_eq!(decisions(&t.0, &any), vec![Decision::ImplicitDeny]);
    // Every role trusts every other: the reader is one hop away.
    let t = TempDir::new("clique");
    roles_world(&t, false);
    assert_eq!(decisions(&t.0, &any), vec![Decision::Allow]);
}

#[test]
fn a_one_line_tests_file_of_many_requests_runs() {
    // Positions of tests on one long line used to cost a scan from the line start each.
    let t = TempDir::new("tests");
    t.write(
        "world.json",
        json!({"accounts": {A: {"users": {"alice": {"policies": [allow("*", "*")]}},
                                "buckets": {"b": {}}}}})
        .to_string(),
    );
    let tests: Vec<Value> = (0..5_000)
        .map(|i| {
            json!({"name": format!("t{i}"), "principal": format!("arn:aws:iam::{A}:user/alice"),
                        "action": "s3:GetObject", "resource": format!("arn:aws:s3:::b/k{i}"),
                        "expect": "allow"})
        })
        .collect();
    let d = decisions(&t.0, &json!({ "tests": tests }));
    assert_eq!(d.len(), 5_000);
    assert!(d.iter().all(|d| *d == Decision::Allow));
}
