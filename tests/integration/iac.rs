//! Policies in Terraform source, Terraform plans and CloudFormation templates: `iamsim lint`
//! finds the seeded mistakes of fixtures/iac at the lines they are written on, names the
//! resource, and leaves values the files do not determine unknown by name.

use crate::support::{iamsim, iamsim_in, root, stderr, stdout};
use iamsim_iac::{read_cloudformation, read_plan, read_terraform, Settings, TfFile};
use serde_json::Value;
use std::path::PathBuf;

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("iamsim-iac-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(root().join(rel)).unwrap()
}

/// The 1-based line and column of the `nth` (0-based) occurrence of `needle` in the file.
fn position(rel: &str, needle: &str, nth: usize) -> (u64, u64) {
    let text = read(rel);
    let at = text.match_indices(needle).nth(nth).map(|(i, _)| i).unwrap();
    let before = &text[..at];
    let line = before.matches('\n').count() as u64 + 1;
    let col = before.rsplit('\n').next().unwrap().chars().count() as u64 + 1;
    (line, col)
}

fn lint_json(args: &[&str]) -> (Option<i32>, Value) {
    let mut all = vec!["lint", "--no-config", "--format", "json"];
    all.extend_from_slice(args);
    let o = iamsim(&all);
    let v = serde_json::from_str(&stdout(&o)).unwrap_or_else(|_| panic!("{}", stdout(&o)));
    (o.status.code(), v)
}

/// (file, line, column, code, resource) of every finding.
fn findings(v: &Value) -> Vec<(String, u64, u64, String, String)> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["file"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
                f["code"].as_str().unwrap().to_string(),
                f["resource"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

/// Each seeded mistake: file, the text the finding points at (and which occurrence), code,
/// resource.
const SEEDED: &[(&str, &str, usize, &str, &str)] = &[
    (
        "fixtures/iac/terraform/main.tf",
        "\"s3:GetObjects\"",
        0,
        "INVALID_ACTION",
        "aws_iam_role_policy.deploy",
    ),
    (
        "fixtures/iac/terraform/main.tf",
        "\"iam:PassRole\"",
        0,
        "PASS_ROLE_WITH_STAR_IN_RESOURCE",
        "aws_iam_role_policy.deploy",
    ),
    (
        "fixtures/iac/terraform/main.tf",
        "\"*\"]\n    resources",
        0,
        "SERVICE_WILDCARD_ON_ALL_RESOURCES",
        "aws_iam_policy.break_glass",
    ),
    (
        "fixtures/iac/terraform/modules/app/main.tf",
        "principals {",
        0,
        "PUBLIC_ACCESS",
        "module.app.aws_s3_bucket_policy.site",
    ),
    (
        "fixtures/iac/plan/plan.json",
        "\\\"s3:GetObjects\\\"",
        0,
        "INVALID_ACTION",
        "aws_iam_role_policy.deploy",
    ),
    (
        "fixtures/iac/plan/plan.json",
        "\\\"iam:PassRole\\\"",
        0,
        "PASS_ROLE_WITH_STAR_IN_RESOURCE",
        "aws_iam_role_policy.deploy",
    ),
    (
        "fixtures/iac/plan/plan.json",
        "\\\"*\\\",\\n      \\\"Resource",
        0,
        "SERVICE_WILDCARD_ON_ALL_RESOURCES",
        "aws_iam_policy.admin",
    ),
    (
        "fixtures/iac/plan/plan.json",
        "\\\"*\\\",\\\"Resource\\\":\\\"arn:aws:s3:::example-site-assets",
        0,
        "PUBLIC_ACCESS",
        "aws_s3_bucket_policy.site",
    ),
    (
        "fixtures/iac/cloudformation/template.yaml",
        "s3:GetObjects",
        0,
        "INVALID_ACTION",
        "DeployRole",
    ),
    (
        "fixtures/iac/cloudformation/template.yaml",
        "iam:PassRole",
        0,
        "PASS_ROLE_WITH_STAR_IN_RESOURCE",
        "DeployRole",
    ),
    (
        "fixtures/iac/cloudformation/template.yaml",
        "\"*\"\n            Resource: !If",
        0,
        "SERVICE_WILDCARD_ON_ALL_RESOURCES",
        "BreakGlassPolicy",
    ),
    (
        "fixtures/iac/cloudformation/template.yaml",
        "\"*\"\n            Action: s3:GetObject",
        0,
        "PUBLIC_ACCESS",
        "SiteBucketPolicy",
    ),
    (
        "fixtures/iac/cloudformation/template.json",
        "\"ec2:RunInstance\"",
        0,
        "INVALID_ACTION",
        "Builders",
    ),
    (
        "fixtures/iac/cloudformation/template.json",
        "\"iam:PassRole\"",
        0,
        "PASS_ROLE_WITH_STAR_IN_RESOURCE",
        "Builders",
    ),
    (
        "fixtures/iac/cloudformation/template.json",
        "\"*\",\n                  \"Resource\": \"*\"",
        0,
        "SERVICE_WILDCARD_ON_ALL_RESOURCES",
        "Admins",
    ),
    (
        "fixtures/iac/cloudformation/template.json",
        "\"*\",\n              \"Action\": \"sqs:SendMessage\"",
        0,
        "PUBLIC_ACCESS",
        "EventsQueuePolicy",
    ),
];

#[test]
fn lint_finds_each_seeded_mistake_at_its_line_and_column_with_the_resource() {
    let (status, v) = lint_json(&["fixtures/iac"]);
    assert_eq!(status, Some(1));
    let got = findings(&v);
    for (file, needle, nth, code, resource) in SEEDED {
        let (line, col) = position(file, needle, *nth);
        assert!(
            got.iter().any(|f| f.0 == *file
                && f.1 == line
                && f.2 == col
                && f.3 == *code
                && f.4 == *resource),
            "no {code} at {file}:{line}:{col} ({resource}); got {got:#?}"
        );
    }
    // Nothing is reported that was not seeded: the only other findings are the companions
    // of a seeded `"Action": "*"` (a wildcard action includes iam:PassRole).
    for f in &got {
        let seeded = SEEDED.iter().any(|s| s.0 == f.0 && s.4 == f.4);
        assert!(seeded, "unexpected finding {f:?}");
    }
    // The five IaC files and the world.json files that make the Terraform tree, the plan and
    // the templates worlds (their tests.json of decisions are no policies), each counted once.
    assert_eq!(v["files"], 8, "each of the 8 files counted once");
}

#[test]
fn lint_dot_on_a_plan_and_a_template_finds_all_four_mistakes() {
    let dir = scratch("dot");
    std::fs::copy(
        root().join("fixtures/iac/plan/plan.json"),
        dir.join("plan.json"),
    )
    .unwrap();
    std::fs::copy(
        root().join("fixtures/iac/cloudformation/template.yaml"),
        dir.join("template.yaml"),
    )
    .unwrap();
    let o = iamsim_in(&dir, &["lint", "--no-config", "--format", "json", "."]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let got = findings(&v);
    for file in ["plan.json", "template.yaml"] {
        for code in [
            "PUBLIC_ACCESS",
            "PASS_ROLE_WITH_STAR_IN_RESOURCE",
            "SERVICE_WILDCARD_ON_ALL_RESOURCES",
            "INVALID_ACTION",
        ] {
            assert!(
                got.iter().any(|f| f.0 == file && f.3 == code),
                "{code} missing in {file}: {got:?}"
            );
        }
    }
    // Text output names the place and the resource.
    let o = iamsim_in(&dir, &["lint", "--no-config", "."]);
    let text = stdout(&o);
    assert!(
        text.contains("plan.json:48:104: security[PUBLIC_ACCESS]"),
        "{text}"
    );
    assert!(text.contains("(in the bucket policy of `aws_s3_bucket_policy.site`)"));
}

#[test]
fn sarif_names_the_resource_as_a_logical_location() {
    let o = iamsim(&[
        "lint",
        "--no-config",
        "--format",
        "sarif",
        "fixtures/iac/cloudformation/template.yaml",
    ]);
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let results = v["runs"][0]["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for r in results {
        let loc = &r["locations"][0];
        let name = loc["logicalLocations"][0]["fullyQualifiedName"]
            .as_str()
            .unwrap();
        assert_eq!(r["properties"]["resource"].as_str(), Some(name));
        assert_eq!(
            loc["physicalLocation"]["artifactLocation"]["uri"],
            "fixtures/iac/cloudformation/template.yaml"
        );
    }
}

#[test]
fn a_named_file_with_no_policy_is_reported_or_skipped_with_a_note() {
    let dir = scratch("nopolicy");
    std::fs::write(
        dir.join("vars.tf"),
        "variable \"region\" {\n  default = \"eu-west-1\"\n}\n",
    )
    .unwrap();
    std::fs::write(dir.join("ci.yml"), "on: push\njobs: {}\n").unwrap();
    let o = iamsim_in(&dir, &["lint", "--no-config", "vars.tf", "ci.yml"]);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("vars.tf: error[NO_POLICY_FOUND]"),
        "{}",
        stdout(&o)
    );
    assert!(stdout(&o).contains("ci.yml: error[NO_POLICY_FOUND]"));
    // As the pre-commit hook runs it: skipped with a note, not an error.
    let o = iamsim_in(
        &dir,
        &[
            "lint",
            "--no-config",
            "--skip-non-policy",
            "vars.tf",
            "ci.yml",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(stderr(&o).contains("note: `vars.tf` holds no IAM policy: skipped"));
    // The hook's file pattern covers every IaC extension.
    let hooks = read(".pre-commit-hooks.yaml");
    for ext in ["tf", "json", "ya?ml", "template"] {
        assert!(
            hooks.contains(ext),
            "{ext} missing from .pre-commit-hooks.yaml"
        );
    }
}

#[test]
fn a_file_that_cannot_be_read_is_exit_2_at_its_position() {
    let dir = scratch("syntax");
    std::fs::write(
        dir.join("main.tf"),
        "resource \"aws_iam_policy\" \"p\" {\n  policy = \n}\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("t.yaml"),
        "AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n  A: [unclosed\n",
    )
    .unwrap();
    let o = iamsim_in(&dir, &["lint", "--no-config", "main.tf", "t.yaml"]);
    assert_eq!(o.status.code(), Some(2));
    let text = stdout(&o);
    assert!(
        text.contains("main.tf:2:12: error[IAC_SYNTAX_ERROR]"),
        "{text}"
    );
    assert!(
        text.contains("t.yaml:4:1: error[IAC_SYNTAX_ERROR]"),
        "{text}"
    );
    // A heredoc that is not JSON: the JSON error at its place in the .tf file.
    std::fs::write(
        dir.join("bad.tf"),
        "resource \"aws_iam_policy\" \"p\" {\n  policy = <<EOF\n{\"Version\": \"2012-10-17\",\n \"Statement\": [}\nEOF\n}\n",
    )
    .unwrap();
    let o = iamsim_in(&dir, &["lint", "--no-config", "bad.tf"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stdout(&o).contains("bad.tf:4:15: error[JSON_SYNTAX_ERROR]"),
        "{}",
        stdout(&o)
    );
}

fn tf_tree() -> Vec<(String, String)> {
    ["main.tf", "modules/app/main.tf"]
        .iter()
        .map(|p| (p.to_string(), read(&format!("fixtures/iac/terraform/{p}"))))
        .collect()
}

fn unknown_names(docs: &[iamsim_iac::Policy], address: &str) -> Vec<String> {
    docs.iter()
        .filter(|p| p.address == address)
        .flat_map(|p| p.unknowns.iter().map(|u| u.name.clone()))
        .collect()
}

#[test]
fn a_variable_without_default_stays_unknown_by_name() {
    let tree = tf_tree();
    let files: Vec<TfFile> = tree
        .iter()
        .map(|(p, t)| TfFile { path: p, text: t })
        .collect();
    let read = read_terraform(&files, &Settings::default());
    assert!(read.problems.is_empty(), "{:?}", read.problems);
    assert_eq!(
        unknown_names(&read.policies, "aws_iam_role.deploy"),
        ["var.ci_account_id"]
    );
    let trust = read
        .policies
        .iter()
        .find(|p| p.address == "aws_iam_role.deploy")
        .unwrap();
    assert_eq!(trust.kind.as_str(), "trust");
    assert!(
        !trust.document.contains("\"*\""),
        "an unknown is never a wildcard"
    );
    // The module's variable is given by the module block: resolved.
    let site = read
        .policies
        .iter()
        .find(|p| p.address == "module.app.aws_s3_bucket_policy.site")
        .unwrap();
    assert!(
        site.document.contains("arn:aws:s3:::example-site-assets/*"),
        "{}",
        site.document
    );
    assert!(site.unknowns.is_empty());
    // With the account known, a role's ARN is resolved too.
    let settings = Settings {
        account: Some("111122223333".into()),
    };
    let tf = "resource \"aws_iam_role\" \"r\" {\n  name = \"app\"\n  assume_role_policy = \"{}\"\n}\nresource \"aws_iam_policy\" \"p\" {\n  policy = jsonencode({Version = \"2012-10-17\", Statement = [{Effect = \"Allow\", Action = \"iam:PassRole\", Resource = aws_iam_role.r.arn}]})\n}\n";
    let read = read_terraform(
        &[TfFile {
            path: "m.tf",
            text: tf,
        }],
        &settings,
    );
    let p = read
        .policies
        .iter()
        .find(|p| p.address == "aws_iam_policy.p")
        .unwrap();
    assert!(
        p.document.contains("arn:aws:iam::111122223333:role/app"),
        "{}",
        p.document
    );
}

#[test]
fn a_computed_attribute_stays_unknown_by_name() {
    let tree = tf_tree();
    let files: Vec<TfFile> = tree
        .iter()
        .map(|(p, t)| TfFile { path: p, text: t })
        .collect();
    let read = read_terraform(&files, &Settings::default());
    assert_eq!(
        unknown_names(&read.policies, "aws_sqs_queue_policy.events"),
        ["aws_sqs_queue.events.arn"]
    );
    // In a plan: a policy known only after apply.
    let read = read_plan(
        "plan.json",
        &read_text_of("fixtures/iac/plan/plan.json"),
        &Settings::default(),
    )
    .unwrap();
    assert_eq!(
        unknown_names(&read.policies, "aws_sqs_queue_policy.events"),
        ["aws_sqs_queue_policy.events.policy (known after apply)"]
    );
}

fn read_text_of(rel: &str) -> String {
    read(rel)
}

#[test]
fn import_value_and_parameters_without_default_stay_unknown_by_name() {
    let text = read("fixtures/iac/cloudformation/template.yaml");
    let read = read_cloudformation("template.yaml", &text, &Settings::default()).unwrap();
    assert_eq!(
        unknown_names(&read.policies, "SharedKeyPolicy"),
        ["Fn::ImportValue SharedKeyArn"]
    );
    let names = unknown_names(&read.policies, "DeployRole");
    assert_eq!(
        names,
        ["parameter CiAccountId"],
        "AWS::Partition is resolved, CiAccountId is not"
    );
    // Conditions the template determines choose their branch; the bucket ARN comes from its name.
    let site = read
        .policies
        .iter()
        .find(|p| p.address == "SiteBucketPolicy")
        .unwrap();
    assert!(
        site.document.contains("arn:aws:s3:::example-site-prod/*"),
        "{}",
        site.document
    );
    let json = read_text_of("fixtures/iac/cloudformation/template.json");
    let read = read_cloudformation("template.json", &json, &Settings::default()).unwrap();
    assert_eq!(
        unknown_names(&read.policies, "Builders"),
        ["AWS::AccountId, parameter Env"]
    );
    // An unknown resource is not `*`: the statement with one is not reported as on every resource.
    let (_, v) = lint_json(&["fixtures/iac/cloudformation/template.json"]);
    assert!(!findings(&v)
        .iter()
        .any(|f| f.4 == "Builders" && f.3 == "SERVICE_WILDCARD_ON_ALL_RESOURCES"));
}

#[cfg(unix)]
#[test]
fn a_folder_is_walked_once_for_both_lints_and_a_file_symlinked_out_is_said() {
    let dir = scratch("walk-once");
    let repo = dir.join("repo");
    std::fs::create_dir_all(&repo).unwrap();
    // Outside the folder linted: an admin grant that must not be read.
    std::fs::write(
        dir.join("admin.tf"),
        "resource \"aws_iam_user_policy\" \"p\" {\n  user   = \"u\"\n  policy = jsonencode({Version = \"2012-10-17\", Statement = [{Effect = \"Allow\", Action = \"*\", Resource = \"*\"}]})\n}\n",
    )
    .unwrap();
    std::os::unix::fs::symlink("../admin.tf", repo.join("main.tf")).unwrap();
    std::fs::copy(
        root().join("fixtures/iac/cloudformation/template.json"),
        repo.join("template.json"),
    )
    .unwrap();
    std::fs::write(
        repo.join("policy.json"),
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObjekt", "Resource": "*"}]}"#,
    )
    .unwrap();
    let (_, v) = lint_json(&[repo.to_str().unwrap()]);
    let found = findings(&v);
    let of = |name: &str| -> Vec<String> {
        found
            .iter()
            .filter(|f| f.0.ends_with(name))
            .map(|f| f.3.clone())
            .collect()
    };
    // The symlink is named, and nothing of what it leads to is linted.
    assert_eq!(of("main.tf"), ["PATH_OUTSIDE_ROOT"], "{found:?}");
    assert!(
        !found.iter().any(|f| f.0.ends_with("admin.tf")),
        "{found:?}"
    );
    // The template is linted as a template (not as a policy) and the policy as a policy, each
    // counted once.
    assert!(
        of("template.json").contains(&"PUBLIC_ACCESS".to_string()),
        "{found:?}"
    );
    assert_eq!(of("policy.json"), ["INVALID_ACTION"], "{found:?}");
    assert_eq!(v["files"], 2, "{v}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// The templates of fixtures/iac/cloudformation are a world because they name their IAM
/// entities. Without the name CloudFormation makes one up at deployment
/// (`{stack}-{logicalId}-{random}`): a world cannot hold an entity it cannot name, so loading
/// refuses, at the resource, and nothing is decided (no guessed ARN can match).
#[test]
fn a_template_entity_named_by_cloudformation_refuses_the_world_at_its_resource() {
    // (file, the line naming the entity, the resource, where its error is: YAML at the
    // resource's `Type`, JSON at the `{` of its object)
    for (file, name_line, resource, at) in [
        (
            "template.yaml",
            "      RoleName: deploy\n",
            "DeployRole",
            "Type: AWS::IAM::Role",
        ),
        (
            "template.json",
            "        \"GroupName\": \"admins\",\n",
            "Admins",
            "{\n      \"Type\": \"AWS::IAM::Group\"",
        ),
    ] {
        let dir = scratch(&format!("unnamed-{resource}"));
        for f in ["template.yaml", "template.json", "world.json", "tests.json"] {
            let text = read(&format!("fixtures/iac/cloudformation/{f}"));
            let text = if f == file {
                assert!(text.contains(name_line), "{name_line} not in {f}");
                text.replacen(name_line, "", 1)
            } else {
                text
            };
            std::fs::write(dir.join(f), text).unwrap();
        }
        let (line, col) = position(&format!("fixtures/iac/cloudformation/{file}"), at, 0);
        let o = iamsim_in(&dir, &["test", "--world", ".", "tests.json"]);
        let out = format!("{}{}", stdout(&o), stderr(&o));
        assert_eq!(o.status.code(), Some(2), "{out}");
        assert!(
            out.contains(&format!("{file}:{line}:{col}: error[UNKNOWN_REFERENCE]"))
                && out.contains("error[UNKNOWN_REFERENCE]")
                && out.contains(&format!("`{resource}`"))
                && out.contains("named by CloudFormation"),
            "{out}"
        );
        assert!(!out.contains("passed"), "{out}");
        // A guess at the name CloudFormation would give is not taken either.
        let guess = format!("arn:aws:iam::111122223333:role/stack-{resource}-1A2B3C4D5E6F");
        let o = iamsim_in(
            &dir,
            &[
                "can",
                "--world",
                ".",
                &guess,
                "s3:PutObject",
                "arn:aws:s3:::example-site-prod/a",
            ],
        );
        assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
