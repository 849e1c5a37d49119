//! Worlds from Terraform and CloudFormation (fixtures/iac-world): `import --from` writes a world
//! from each format that `iamsim test` answers as the fixture's `"iac"` world does; values the
//! files leave open give `indeterminate` naming the reference; what a world cannot leave open
//! (a name, an attached ARN) and names declared twice are input errors at their file:line:column.

use crate::support::{golden, iamsim, root, stderr, stdout};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("iamsim-iacw-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Every policy path of an imported world.json moved under `prefix/` (ARNs and names kept).
fn prefixed(v: &Value, prefix: &str, key: &str) -> Value {
    let policy_ref = matches!(key, "policies" | "trust" | "boundary" | "policy");
    match v {
        Value::String(s) if policy_ref && !s.starts_with("arn:") => {
            Value::from(format!("{prefix}/{s}"))
        }
        Value::Array(items) => {
            Value::Array(items.iter().map(|i| prefixed(i, prefix, key)).collect())
        }
        Value::Object(m) => Value::Object(
            m.iter()
                // The account's `policies` maps names to paths.
                .map(|(k, v)| {
                    let inner = if key == "policies" { key } else { k };
                    (k.clone(), prefixed(v, prefix, inner))
                })
                .collect(),
        ),
        other => other.clone(),
    }
}

fn import(from: &Path, account: &str, out: &Path) {
    let o = iamsim(&[
        "import",
        "--from",
        from.to_str().unwrap(),
        "--account",
        account,
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).starts_with("wrote "), "{}", stdout(&o));
}

/// Imports account A and account B of a fixture separately, puts the two worlds side by side
/// in one, and runs the fixture's tests on it.
fn import_and_test(fixture: &str, a: &str, b: &str) {
    let fix = root().join("fixtures/iac-world").join(fixture);
    let dir = scratch(fixture);
    let mut accounts = serde_json::Map::new();
    for (id, from, sub) in [("111111111111", a, "a"), ("222222222222", b, "b")] {
        import(&fix.join(from), id, &dir.join(sub));
        let w: Value = serde_json::from_str(
            &std::fs::read_to_string(dir.join(sub).join("world.json")).unwrap(),
        )
        .unwrap();
        accounts.insert(id.into(), prefixed(&w["accounts"][id], sub, ""));
    }
    let world = serde_json::json!({ "accounts": accounts });
    std::fs::write(dir.join("world.json"), world.to_string()).unwrap();
    std::fs::copy(fix.join("tests.json"), dir.join("tests.json")).unwrap();
    let o = iamsim(&["test", dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    let tests: Value =
        serde_json::from_str(&std::fs::read_to_string(fix.join("tests.json")).unwrap()).unwrap();
    let n = tests["tests"].as_array().unwrap().len();
    assert!(
        stdout(&o).contains(&format!("{n} passed, 0 failed")),
        "{}",
        stdout(&o)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_world_imported_from_terraform_source_answers_the_fixture_tests() {
    import_and_test("terraform", "account-a", "account-b");
}

#[test]
fn a_world_imported_from_cloudformation_answers_the_fixture_tests() {
    import_and_test("cloudformation", "account-a.yaml", "account-b.yaml");
}

#[test]
fn a_world_imported_from_terraform_plans_answers_the_fixture_tests() {
    import_and_test("plan", "account-a.plan.json", "account-b.plan.json");
}

#[test]
fn an_open_value_makes_the_decision_indeterminate_and_names_the_reference() {
    let world = root().join("fixtures/iac-world/terraform");
    let o = iamsim(&[
        "can",
        "--world",
        world.to_str().unwrap(),
        "arn:aws:sts::222222222222:assumed-role/role-in-accountb/s",
        "s3:PutObject",
        "arn:aws:s3:::cross-account-bucket/new.txt",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}{}", stdout(&o), stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("decision: indeterminate"), "{out}");
    assert!(out.contains("var.upload_bucket"), "{out}");
    // The same role's read, decided by statements the files determine, is allowed.
    let o = iamsim(&[
        "can",
        "--world",
        world.to_str().unwrap(),
        "arn:aws:sts::222222222222:assumed-role/role-in-accountb/s",
        "s3:GetObject",
        "arn:aws:s3:::cross-account-bucket/new.txt",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
}

#[test]
fn an_open_deny_is_indeterminate_never_allow() {
    let dir = scratch("open-deny");
    std::fs::write(
        dir.join("main.tf"),
        r#"variable "protected" {}
resource "aws_s3_bucket" "b" { bucket = "some-bucket" }
resource "aws_iam_user" "u" { name = "u" }
resource "aws_iam_user_policy" "p" {
  user = aws_iam_user.u.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = "s3:*", Resource = "*" },
      { Effect = "Deny", Action = "s3:DeleteObject", Resource = "arn:aws:s3:::${var.protected}/*" }
    ]
  })
}
"#,
    )
    .unwrap();
    std::fs::write(
        dir.join("world.json"),
        r#"{"accounts": {"111111111111": {"iac": ["main.tf"]}}}"#,
    )
    .unwrap();
    let ask = |action: &str| {
        iamsim(&[
            "can",
            "--world",
            dir.to_str().unwrap(),
            "arn:aws:iam::111111111111:user/u",
            action,
            "arn:aws:s3:::some-bucket/k",
        ])
    };
    // The Deny may name this bucket: not allow, and said why.
    let o = ask("s3:DeleteObject");
    assert_eq!(o.status.code(), Some(1), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("indeterminate"), "{}", stdout(&o));
    assert!(stdout(&o).contains("var.protected"), "{}", stdout(&o));
    // Its action is known and does not cover GetObject: the Allow decides.
    let o = ask("s3:GetObject");
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_name_the_files_leave_open_is_an_input_error_at_its_line() {
    let dir = scratch("open-name");
    let tf = dir.join("tf");
    std::fs::create_dir_all(&tf).unwrap();
    std::fs::write(
        tf.join("main.tf"),
        "variable \"role_name\" {}\n\nresource \"aws_iam_role\" \"r\" {\n  name = var.role_name\n  assume_role_policy = jsonencode({Version = \"2012-10-17\", Statement = [{Effect = \"Allow\", Principal = {Service = \"ec2.amazonaws.com\"}, Action = \"sts:AssumeRole\"}]})\n}\n",
    )
    .unwrap();
    let out = dir.join("world");
    let o = iamsim(&[
        "import",
        "--from",
        tf.to_str().unwrap(),
        "--account",
        "111111111111",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}{}", stdout(&o), stderr(&o));
    assert!(
        stderr(&o).contains("main.tf:3:1: error[UNKNOWN_REFERENCE]"),
        "{}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("var.role_name"), "{}", stderr(&o));
    assert!(!out.join("world.json").exists());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn import_from_iac_never_overwrites_without_force() {
    let from = root().join("fixtures/iac-world/cloudformation/account-b.yaml");
    let dir = scratch("force");
    let out = dir.join("world");
    let args = |force: bool| {
        let mut a = vec![
            "import".to_string(),
            "--from".into(),
            from.to_str().unwrap().into(),
            "--account".into(),
            "222222222222".into(),
            "--out".into(),
            out.to_str().unwrap().into(),
        ];
        if force {
            a.push("--force".into());
        }
        a
    };
    let run = |force: bool| {
        let a = args(force);
        let refs: Vec<&str> = a.iter().map(String::as_str).collect();
        iamsim(&refs)
    };
    assert_eq!(run(false).status.code(), Some(0));
    let o = run(false);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("not empty"), "{}", stderr(&o));
    assert_eq!(run(true).status.code(), Some(0));
    assert!(out.join("world.json").is_file());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_name_declared_both_in_world_json_and_in_iac_is_an_input_error() {
    let dir = scratch("conflict");
    let fix = root().join("fixtures/iac-world/cloudformation/account-b.yaml");
    std::fs::copy(&fix, dir.join("b.yaml")).unwrap();
    std::fs::write(
        dir.join("world.json"),
        "{\"accounts\": {\"222222222222\": {\n  \"iac\": [\"b.yaml\"],\n  \"buckets\": {\"cross-account-bucket\": {}}\n}}}\n",
    )
    .unwrap();
    let o = iamsim(&[
        "can",
        "--world",
        dir.to_str().unwrap(),
        "arn:aws:iam::222222222222:role/role-in-accountb",
        "s3:GetObject",
        "arn:aws:s3:::cross-account-bucket/k",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}{}", stdout(&o), stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("world.json:2:10"), "{err}");
    assert!(err.contains("bucket `cross-account-bucket`"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_policy_attached_by_an_arn_the_files_leave_open_is_refused() {
    let dir = scratch("open-arn");
    std::fs::write(
        dir.join("main.tf"),
        "variable \"policy_arn\" {}\nresource \"aws_iam_user\" \"u\" { name = \"u\" }\nresource \"aws_iam_user_policy_attachment\" \"a\" {\n  user       = aws_iam_user.u.name\n  policy_arn = var.policy_arn\n}\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("world.json"),
        r#"{"accounts": {"111111111111": {"iac": ["main.tf"]}}}"#,
    )
    .unwrap();
    let o = iamsim(&[
        "can",
        "--world",
        dir.to_str().unwrap(),
        "arn:aws:iam::111111111111:user/u",
        "s3:GetObject",
        "arn:aws:s3:::b/k",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}{}", stdout(&o), stderr(&o));
    assert!(stderr(&o).contains("main.tf:3:1"), "{}", stderr(&o));
    assert!(stderr(&o).contains("var.policy_arn"), "{}", stderr(&o));
    let _ = std::fs::remove_dir_all(&dir);
}

/// `can` on the world of `dir` (whose world.json is `world`): the output.
fn can_in(dir: &Path, world: &str, args: &[&str]) -> std::process::Output {
    std::fs::write(dir.join("world.json"), world).unwrap();
    let mut all = vec!["can", "--world", dir.to_str().unwrap()];
    all.extend_from_slice(args);
    iamsim(&all)
}

#[test]
fn an_iac_folder_is_its_terraform_tree_and_its_templates() {
    let dir = scratch("folder");
    let infra = dir.join("infra");
    std::fs::create_dir_all(infra.join("modules/reader")).unwrap();
    std::fs::create_dir_all(infra.join(".terraform/modules/old")).unwrap();
    // The root module calls a module of the same tree by relative source.
    std::fs::write(
        infra.join("main.tf"),
        "module \"reader\" {\n  source = \"./modules/reader\"\n  bucket = aws_s3_bucket.logs.bucket\n}\nresource \"aws_s3_bucket\" \"logs\" { bucket = \"logs\" }\n",
    )
    .unwrap();
    std::fs::write(
        infra.join("modules/reader/main.tf"),
        "variable \"bucket\" {}\nresource \"aws_iam_user\" \"u\" { name = \"reader\" }\nresource \"aws_iam_user_policy\" \"p\" {\n  user   = aws_iam_user.u.name\n  policy = jsonencode({Version = \"2012-10-17\", Statement = [{Effect = \"Allow\", Action = \"s3:GetObject\", Resource = \"arn:aws:s3:::${var.bucket}/*\"}]})\n}\n",
    )
    .unwrap();
    // A CloudFormation template beside it, and files that are neither (passed over).
    std::fs::write(
        infra.join("stack.yaml"),
        "Resources:\n  Writer:\n    Type: AWS::IAM::User\n    Properties:\n      UserName: writer\n      Policies:\n        - PolicyName: put\n          PolicyDocument:\n            Version: \"2012-10-17\"\n            Statement:\n              - Effect: Allow\n                Action: s3:PutObject\n                Resource: arn:aws:s3:::logs/*\n",
    )
    .unwrap();
    std::fs::write(
        infra.join("policy.json"),
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}"#,
    )
    .unwrap();
    std::fs::write(infra.join("values.yaml"), "replicas: 2\n").unwrap();
    // A downloaded module copy under .terraform is not the source: not read.
    std::fs::write(
        infra.join(".terraform/modules/old/main.tf"),
        "resource \"aws_iam_user\" \"u\" { name = \"reader\" }\n",
    )
    .unwrap();
    let world = r#"{"accounts": {"111111111111": {"iac": ["infra"]}}}"#;
    let ask = |principal: &str, action: &str| {
        can_in(
            &dir,
            world,
            &[
                &format!("arn:aws:iam::111111111111:user/{principal}"),
                action,
                "arn:aws:s3:::logs/a.txt",
            ],
        )
    };
    let o = ask("reader", "s3:GetObject");
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).starts_with("ALLOW"), "{}", stdout(&o));
    let o = ask("writer", "s3:PutObject");
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    // policy.json is a policy document, not attached to anyone by the folder.
    let o = ask("writer", "s3:DeleteObject");
    assert_eq!(o.status.code(), Some(1), "{}{}", stdout(&o), stderr(&o));
    // Naming the folder and a file of it reads the file once (no name declared twice).
    let o = can_in(
        &dir,
        r#"{"accounts": {"111111111111": {"iac": ["infra", "infra/stack.yaml"]}}}"#,
        &[
            "arn:aws:iam::111111111111:user/writer",
            "s3:PutObject",
            "arn:aws:s3:::logs/a.txt",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    let _ = std::fs::remove_dir_all(&dir);
}

#[cfg(unix)]
#[test]
fn an_iac_folder_that_cannot_be_read_whole_is_an_input_error() {
    let dir = scratch("folder-bad");
    let world_dir = dir.join("world");
    std::fs::create_dir_all(world_dir.join("infra")).unwrap();
    std::fs::create_dir_all(world_dir.join("policies")).unwrap();
    std::fs::write(
        world_dir.join("infra/main.tf"),
        "resource \"aws_iam_user\" \"u\" { name = \"u\" }\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("admin.tf"),
        "resource \"aws_iam_user_policy\" \"p\" {\n  user   = \"u\"\n  policy = jsonencode({Version = \"2012-10-17\", Statement = [{Effect = \"Allow\", Action = \"*\", Resource = \"*\"}]})\n}\n",
    )
    .unwrap();
    std::os::unix::fs::symlink("../../admin.tf", world_dir.join("infra/admin.tf")).unwrap();
    std::fs::write(world_dir.join("policies/p.json"), r#"{"Statement": []}"#).unwrap();
    let args = [
        "arn:aws:iam::111111111111:user/u",
        "s3:GetObject",
        "arn:aws:s3:::b/k",
    ];
    // A file symlinked out of the world folder: the folder is refused, not read without it.
    let o = can_in(
        &world_dir,
        "{\"accounts\": {\"111111111111\": {\n  \"iac\": [\"infra\"]}}}",
        &args,
    );
    assert_eq!(o.status.code(), Some(2), "{}{}", stdout(&o), stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("PATH_OUTSIDE_ROOT"), "{err}");
    assert!(err.contains("world.json:2:11"), "{err}");
    assert!(err.contains("`admin.tf` in folder `infra`"), "{err}");
    // A folder that holds no IaC file examined nothing: an error, not an empty account.
    let o = can_in(
        &world_dir,
        r#"{"accounts": {"111111111111": {"iac": ["policies"]}}}"#,
        &args,
    );
    assert_eq!(o.status.code(), Some(2), "{}{}", stdout(&o), stderr(&o));
    assert!(stderr(&o).contains("NO_POLICY_FOUND"), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("folder `policies` holds no Terraform file"),
        "{}",
        stderr(&o)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_group_declared_both_in_world_json_and_in_iac_is_an_input_error() {
    let dir = scratch("group-twice");
    let fix = root().join("fixtures/iac-world/joined");
    std::fs::create_dir_all(dir.join("terraform")).unwrap();
    std::fs::copy(fix.join("terraform/main.tf"), dir.join("terraform/main.tf")).unwrap();
    let o = can_in(
        &dir,
        "{\"accounts\": {\"111111111111\": {\n  \"iac\": [\"terraform\"],\n  \"groups\": {\"readers\": {}, \"auditors\": {}},\n  \"users\": {\"carol\": {}, \"bob\": {}}\n}}}\n",
        &[
            "arn:aws:iam::111111111111:user/deploy",
            "s3:GetObject",
            "arn:aws:s3:::team-reports/k",
        ],
    );
    assert_eq!(o.status.code(), Some(2), "{}{}", stdout(&o), stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("world.json:2:10"), "{err}");
    assert!(err.contains("declare group `readers`"), "{err}");
    // Only the group declared twice: `auditors` is world.json's alone.
    assert!(!err.contains("group `auditors`"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// `can` through the role of account B on a fixture world built from IaC, from the repository
/// root (names as the golden files hold them).
fn can_via_role(fixture: &str, action: &str, resource: &str, json: bool) -> String {
    let world = format!("fixtures/iac-world/{fixture}");
    let mut args = vec![
        "can",
        "--world",
        &world,
        "--via",
        "arn:aws:iam::222222222222:role/role-in-accountb",
        "arn:aws:iam::111111111111:user/accounta-user",
        action,
        resource,
    ];
    if json {
        args.extend(["--format", "json"]);
    }
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_iamsim"))
        .args(&args)
        .current_dir(root())
        .output()
        .unwrap();
    assert!(
        o.status.code().is_some_and(|c| c < 2),
        "{}{}",
        stdout(&o),
        stderr(&o)
    );
    stdout(&o)
}

#[test]
fn explanations_on_a_terraform_world_point_at_the_tf_lines_of_the_statements() {
    // The open bucket of the upload: statement 1 of `read_shared`, written at main.tf:36:7.
    let text = can_via_role(
        "terraform",
        "s3:PutObject",
        "arn:aws:s3:::uploads-prod/a.txt",
        false,
    );
    golden("can-iac-terraform.txt", &text);
    assert!(text.contains("terraform/account-b/main.tf:36:7"), "{text}");
    assert!(text.contains("terraform/account-a/main.tf:12:18"), "{text}");
    let json = can_via_role(
        "terraform",
        "s3:PutObject",
        "arn:aws:s3:::uploads-prod/a.txt",
        true,
    );
    golden("can-iac-terraform.json", &json);
}

#[test]
fn explanations_on_a_cloudformation_world_point_at_the_template_lines() {
    let text = can_via_role(
        "cloudformation",
        "s3:DeleteObject",
        "arn:aws:s3:::cross-account-bucket/report.csv",
        false,
    );
    golden("can-iac-cloudformation.txt", &text);
    // The bucket policy's DenyDeletes statement, as the YAML template writes it.
    let template =
        std::fs::read_to_string(root().join("fixtures/iac-world/cloudformation/account-b.yaml"))
            .unwrap();
    let line = template
        .lines()
        .position(|l| l.contains("Sid: DenyDeletes"))
        .unwrap()
        + 1;
    assert!(
        text.contains(&format!(
            "statement `DenyDeletes` of fixtures/iac-world/cloudformation/account-b.yaml:{line}:"
        )),
        "{text}"
    );
}

#[test]
fn each_construct_the_files_leave_open_decides_indeterminate_and_is_named() {
    // fixtures/iac-world/unresolved: a Terraform module tree and a JSON CloudFormation template,
    // one open construct per test; the test's name holds the reference in backticks.
    let dir = root().join("fixtures/iac-world/unresolved");
    let tests: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("tests.json")).unwrap()).unwrap();
    let mut open = 0;
    for t in tests["tests"].as_array().unwrap() {
        if t["expect"] != "indeterminate" {
            continue;
        }
        open += 1;
        let name = t["name"].as_str().unwrap();
        let reference = name.rsplit("names `").next().unwrap().trim_end_matches('`');
        let mut args = vec![
            "can",
            "--world",
            dir.to_str().unwrap(),
            t["principal"].as_str().unwrap(),
            t["action"].as_str().unwrap(),
            t["resource"].as_str().unwrap(),
        ];
        for v in t["via"].as_array().into_iter().flatten() {
            args.extend(["--via", v.as_str().unwrap()]);
        }
        let o = iamsim(&args);
        let out = stdout(&o);
        assert_eq!(o.status.code(), Some(1), "{name}: {out}{}", stderr(&o));
        assert!(out.starts_with("DENY (indeterminate"), "{name}: {out}");
        assert!(
            out.contains(&format!("leave open ({reference})")),
            "{name}: `{reference}` not named in {out}"
        );
    }
    assert_eq!(open, 11, "one test per open construct");
}
