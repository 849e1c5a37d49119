//! `check no-new-access --account ID OLD NEW` on two revisions of Terraform source, a Terraform
//! plan or a CloudFormation template (fixtures/check/iac): each pair lists its new requests as
//! its expected.json says, a pure reordering passes, a grant to a value the files leave open is
//! never a pass (0.2), and a mix of kinds or IaC without an account is bad input.

use crate::support::{iamsim, root, stderr, stdout};
use serde_json::Value;

const ACCOUNT: &str = "111111111111";

fn check(args: &[&str]) -> std::process::Output {
    let mut all = vec!["check", "no-new-access"];
    all.extend_from_slice(args);
    iamsim(&all)
}

/// The new requests of a JSON report as expected.json writes them, sorted.
fn requests_of(report: &Value) -> Vec<Value> {
    let mut found: Vec<Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            serde_json::json!({
                "principal": f["principal"], "via": f["via"], "action": f["action"],
                "resource": f["resource"], "proven": f["proven"],
            })
        })
        .collect();
    found.sort_by_key(|f| f.to_string());
    found
}

fn pair(name: &str) -> (Value, String, String) {
    let dir = format!("fixtures/check/iac/{name}");
    let expected: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join(&dir).join("expected.json")).unwrap(),
    )
    .unwrap();
    let old = format!("{dir}/{}", expected["old"].as_str().unwrap());
    let new = format!("{dir}/{}", expected["new"].as_str().unwrap());
    (expected, old, new)
}

/// Each pair (Terraform folders, plans, CloudFormation templates) reports the requests its
/// expected.json lists, with exit 1 when it fails and 0 when it passes; a revision compared
/// with itself passes, unresolved values included.
#[test]
fn iac_pairs_list_their_new_requests() {
    let mut names: Vec<String> = std::fs::read_dir(root().join("fixtures/check/iac"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_str().unwrap().to_string())
        .filter(|n| root().join("fixtures/check/iac").join(n).is_dir())
        .collect();
    names.sort();
    for name in &names {
        let (expected, old, new) = pair(name);
        let account = expected["account"].as_str().unwrap();
        let o = check(&["--format", "json", "--account", account, &old, &new]);
        let report: Value = serde_json::from_str(&stdout(&o)).unwrap_or_else(|e| {
            panic!("{name}: {e}: {}{}", stdout(&o), stderr(&o));
        });
        assert_eq!(report["result"], expected["result"], "{name}");
        let pass = expected["result"] == "pass";
        assert_eq!(o.status.code(), Some(if pass { 0 } else { 1 }), "{name}");
        let mut want = expected["new_requests"].as_array().unwrap().clone();
        want.sort_by_key(|f| f.to_string());
        assert_eq!(requests_of(&report), want, "{name}");
        assert_eq!(
            pass,
            want.is_empty(),
            "{name}: a failing pair lists its requests"
        );
        let same = check(&["--account", account, &new, &new]);
        assert_eq!(same.status.code(), Some(0), "{name}: {}", stdout(&same));
    }
    assert_eq!(names.len(), 6, "six pairs: {names:?}");
}

/// A bucket grant to the account a CloudFormation parameter gives (no default) is not proven
/// harmless: every request it may grant is a finding, none of them proven, none a pass.
#[test]
fn a_grant_to_an_unresolved_value_is_never_a_pass() {
    let (_, old, new) = pair("cloudformation-unresolved");
    let o = check(&["--format", "json", "--account", ACCOUNT, &old, &new]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let report: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let findings = report["findings"].as_array().unwrap();
    assert!(!findings.is_empty());
    for f in findings {
        assert_eq!(f["proven"], false, "{f}");
        assert_eq!(f["action"], "s3:GetObject", "{f}");
    }
}

/// The pairs report in SARIF and JUnit as the world pair does: the new request is in both.
#[test]
fn iac_pairs_report_in_sarif_and_junit() {
    let (_, old, new) = pair("terraform-new-access");
    let o = check(&["--format", "sarif", "--account", ACCOUNT, &old, &new]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let sarif: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 3, "{sarif}");
    assert!(
        stdout(&o).contains("account:333333333333"),
        "{}",
        stdout(&o)
    );
    let o = check(&["--format", "junit", "--account", ACCOUNT, &old, &new]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stdout(&o).contains("<failure"), "{}", stdout(&o));
    assert!(stdout(&o).contains("sts:AssumeRole"), "{}", stdout(&o));
}

/// Bad input (exit 2, with the reason): IaC without --account or with a malformed one, IaC
/// against policy files or a world, a plan against a template, Terraform source against a
/// template, and --account on two policy files.
#[test]
fn mixes_and_a_missing_account_are_bad_input() {
    let tf = "fixtures/check/iac/terraform-new-access";
    let (tf_old, tf_new) = (format!("{tf}/old"), format!("{tf}/new"));
    let plan = "fixtures/check/iac/plan-new-access/new.json";
    let cfn = "fixtures/check/iac/cloudformation-new-access/new.yaml";
    let policy = "fixtures/check/new-access/new.json";
    let world = "fixtures/check/worlds/reordered/new";
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec![&tf_old, &tf_new], "--account"),
        (vec!["--account", "12345", &tf_old, &tf_new], "12-digit"),
        (vec!["--account", ACCOUNT, &tf_old, policy], "policy files"),
        (vec!["--account", ACCOUNT, world, &tf_new], "a world"),
        (vec!["--account", ACCOUNT, plan, cfn], "CloudFormation"),
        (vec!["--account", ACCOUNT, &tf_old, cfn], "Terraform source"),
        (
            vec![
                "--account",
                ACCOUNT,
                "fixtures/check/new-access/old.json",
                policy,
            ],
            "--account applies",
        ),
    ];
    for (args, why) in cases {
        let o = check(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stdout(&o));
        assert!(stderr(&o).contains(why), "{args:?}: {}", stderr(&o));
        assert!(stdout(&o).is_empty(), "{args:?}: {}", stdout(&o));
    }
}

/// Hostile revisions: a Terraform file that does not parse is bad input at its file:line, and a
/// symlink leading out of the revision's folder is not read.
#[test]
fn hostile_revisions_are_bad_input() {
    let dir = std::env::temp_dir().join(format!("iamsim-gates-iac-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let (old, new) = (dir.join("old"), dir.join("new"));
    std::fs::create_dir_all(&old).unwrap();
    std::fs::create_dir_all(&new).unwrap();
    let good = r#"resource "aws_iam_user" "ci" {
  name = "ci"
}
"#;
    std::fs::write(old.join("main.tf"), good).unwrap();
    std::fs::write(
        new.join("main.tf"),
        format!("{good}resource \"aws_iam_user\" {{\n"),
    )
    .unwrap();
    let o = check(&[
        "--account",
        ACCOUNT,
        old.to_str().unwrap(),
        new.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    assert!(stderr(&o).contains("main.tf:"), "{}", stderr(&o));
    #[cfg(unix)]
    {
        std::fs::write(new.join("main.tf"), good).unwrap();
        let outside = dir.join("outside.tf");
        std::fs::write(&outside, good.replace("ci", "other")).unwrap();
        std::os::unix::fs::symlink(&outside, new.join("linked.tf")).unwrap();
        let o = check(&[
            "--account",
            ACCOUNT,
            old.to_str().unwrap(),
            new.to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
        assert!(stderr(&o).contains("symlink"), "{}", stderr(&o));
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Two world folders whose account names its Terraform files under `iac` are compared over the
/// requests those files' policies name: the same new requests as the two revisions compared
/// directly.
#[test]
fn worlds_with_iac_accounts_compare_their_files_policies() {
    let dir = std::env::temp_dir().join(format!("iamsim-gates-iacw-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let (expected, old_src, new_src) = pair("terraform-new-access");
    for (side, src) in [("old", &old_src), ("new", &new_src)] {
        let d = dir.join(side);
        std::fs::create_dir_all(&d).unwrap();
        std::fs::copy(root().join(src).join("main.tf"), d.join("main.tf")).unwrap();
        std::fs::write(
            d.join("world.json"),
            format!(r#"{{"accounts": {{"{ACCOUNT}": {{"iac": ["main.tf"]}}}}}}"#),
        )
        .unwrap();
    }
    let o = check(&[
        "--format",
        "json",
        dir.join("old").to_str().unwrap(),
        dir.join("new").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}{}", stdout(&o), stderr(&o));
    let report: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let mut want = expected["new_requests"].as_array().unwrap().clone();
    want.sort_by_key(|f| f.to_string());
    assert_eq!(requests_of(&report), want);
    let _ = std::fs::remove_dir_all(&dir);
}

/// What a world built from the head revision leaves out is never passed: a module from a
/// registry (its roles are not in the world) and a bucket policy of a bucket the files leave
/// open (left out of the world) each make the check fail, not proven, naming what was left out.
#[test]
fn what_the_world_leaves_out_is_not_proven() {
    let dir = std::env::temp_dir().join(format!("iamsim-gates-iacl-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let (old, new) = (dir.join("old"), dir.join("new"));
    std::fs::create_dir_all(&old).unwrap();
    std::fs::create_dir_all(&new).unwrap();
    let base = "resource \"aws_iam_user\" \"ci\" {\n  name = \"ci\"\n}\n";
    std::fs::write(old.join("main.tf"), base).unwrap();
    let added = [
        (
            "module `admin`",
            r#"module "admin" {
  source            = "terraform-aws-modules/iam/aws//modules/iam-assumable-role"
  role_name         = "admin"
  trusted_role_arns = ["arn:aws:iam::333333333333:root"]
}
"#,
        ),
        (
            "aws_s3_bucket_policy.shared",
            r#"variable "bucket" {
  type = string
}

resource "aws_s3_bucket_policy" "shared" {
  bucket = var.bucket
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { AWS = "arn:aws:iam::333333333333:root" }, Action = "s3:GetObject", Resource = "*" }]
  })
}
"#,
        ),
    ];
    for (named, text) in added {
        std::fs::write(new.join("main.tf"), format!("{base}\n{text}")).unwrap();
        let (o, n) = (old.to_str().unwrap(), new.to_str().unwrap());
        let out = check(&["--format", "json", "--account", ACCOUNT, o, n]);
        assert_eq!(out.status.code(), Some(1), "{named}: {}", stderr(&out));
        let report: Value = serde_json::from_str(&stdout(&out)).unwrap();
        let findings = report["findings"].as_array().unwrap();
        assert!(
            findings
                .iter()
                .any(|f| f["proven"] == false && f["reason"].as_str().unwrap().contains(named)),
            "{named}: {report}"
        );
        // The head against itself: the same omission, still not a pass.
        let same = check(&["--account", ACCOUNT, n, n]);
        assert_eq!(same.status.code(), Some(1), "{named}: {}", stdout(&same));
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// A template whose head revision adds a nested stack, or a SAM transform, deploys what it does
/// not hold: not proven, never a pass.
#[test]
fn a_nested_stack_or_a_transform_is_not_proven() {
    let dir = std::env::temp_dir().join(format!("iamsim-gates-iacn-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let base = "AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n  Ci:\n    Type: AWS::IAM::User\n    Properties:\n      UserName: ci\n";
    let old = dir.join("old.yaml");
    std::fs::write(&old, base).unwrap();
    let heads = [
        (
            "resource `Roles`",
            format!("{base}  Roles:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: https://example.com/roles.yaml\n"),
        ),
        (
            "`Transform`",
            base.replace(
                "Resources:",
                "Transform: AWS::Serverless-2016-10-31\nResources:",
            ),
        ),
    ];
    for (named, text) in heads {
        let new = dir.join("new.yaml");
        std::fs::write(&new, text).unwrap();
        let (o, n) = (old.to_str().unwrap(), new.to_str().unwrap());
        let out = check(&["--format", "json", "--account", ACCOUNT, o, n]);
        assert_eq!(out.status.code(), Some(1), "{named}: {}", stderr(&out));
        let report: Value = serde_json::from_str(&stdout(&out)).unwrap();
        assert!(
            report["findings"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["proven"] == false && f["reason"].as_str().unwrap().contains(named)),
            "{named}: {report}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// A registry module the base revision calls and the head removes may have denied what the head
/// allows (a boundary, a Deny): not proven either.
#[test]
fn a_module_left_out_of_the_old_world_is_not_proven() {
    let dir = std::env::temp_dir().join(format!("iamsim-gates-iaco-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let (old, new) = (dir.join("old"), dir.join("new"));
    std::fs::create_dir_all(&old).unwrap();
    std::fs::create_dir_all(&new).unwrap();
    let base = "resource \"aws_iam_user\" \"ci\" {\n  name = \"ci\"\n}\n";
    std::fs::write(new.join("main.tf"), base).unwrap();
    let module =
        "module \"guardrails\" {\n  source = \"git::https://example.com/guardrails.git\"\n}\n";
    std::fs::write(old.join("main.tf"), format!("{base}\n{module}")).unwrap();
    let (o, n) = (old.to_str().unwrap(), new.to_str().unwrap());
    let out = check(&["--format", "json", "--account", ACCOUNT, o, n]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("the old world leaves out"),
        "{}",
        stdout(&out)
    );
    assert!(
        stdout(&out).contains("module `guardrails`"),
        "{}",
        stdout(&out)
    );
    let _ = std::fs::remove_dir_all(&dir);
}
