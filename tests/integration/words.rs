//! AWS CLI words end to end (`fixtures/aws-cli-words`): ARNs of another account in
//! `--function-name` and `--table-name`, a URL-encoded `--copy-source` with and without
//! `?versionId=`, and what the AWS CLI sends (`aws:SecureTransport`, `aws:RequestedRegion` from
//! `--region`, `AWS_REGION` or the profile, us-east-1 for IAM), with `AWS_PROFILE` standing for
//! `--profile`.

use crate::support::{root, stderr, stdout};
use std::process::{Command, Output};

const WORLD: &str = "fixtures/aws-cli-words";
const FUNCTION: &str = "arn:aws:lambda:eu-west-1:333333333333:function:payments";
const TABLE: &str = "arn:aws:dynamodb:eu-west-1:333333333333:table/Orders";

/// `iamsim can --world WORLD --aws-config WORLD/aws-config --format json -- LINE`, with the
/// AWS CLI's variables of this process removed and `vars` set.
fn run(line: &str, vars: &[(&str, &str)]) -> Output {
    let config = format!("{WORLD}/aws-config");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_iamsim"));
    cmd.args([
        "can",
        "--world",
        WORLD,
        "--aws-config",
        &config,
        "--format",
        "json",
        "--",
    ])
    .args(line.split(' '))
    .current_dir(root());
    for v in ["AWS_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION"] {
        cmd.env_remove(v);
    }
    for (k, v) in vars {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_str(&stdout(o)).unwrap_or_else(|e| panic!("{e}: {}{}", stdout(o), stderr(o)))
}

/// The decision and the `(action, resource)` of each request.
fn answer(line: &str, vars: &[(&str, &str)]) -> (i32, String, Vec<(String, String)>) {
    let o = run(line, vars);
    let v = json(&o);
    let requests = v["requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["action"].as_str().unwrap().to_string(),
                r["resource"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    (
        o.status.code().unwrap(),
        v["decision"].as_str().unwrap().to_string(),
        requests,
    )
}

fn one(action: &str, resource: &str) -> Vec<(String, String)> {
    vec![(action.to_string(), resource.to_string())]
}

#[test]
fn a_function_arn_of_another_account_is_invoked_there() {
    let (code, decision, requests) = answer(
        &format!("aws lambda invoke --function-name {FUNCTION} out.json --profile dev"),
        &[],
    );
    assert_eq!(requests, one("lambda:InvokeFunction", FUNCTION));
    assert_eq!((code, decision.as_str()), (0, "allow"));
    // The partial ARN names the account too.
    let (code, _, requests) = answer(
        "aws lambda invoke --function-name 333333333333:function:payments out.json --profile dev",
        &[],
    );
    assert_eq!(requests, one("lambda:InvokeFunction", FUNCTION));
    assert_eq!(code, 0);
    // A bare name is the caller's own account's function, which nobody granted.
    let (code, decision, requests) = answer(
        "aws lambda invoke --function-name payments out.json --profile dev",
        &[],
    );
    assert_eq!(
        requests,
        one(
            "lambda:InvokeFunction",
            "arn:aws:lambda:eu-west-1:111111111111:function:payments"
        )
    );
    assert_eq!((code, decision.as_str()), (1, "implicit-deny"));
}

#[test]
fn a_table_arn_of_another_account_is_read_there() {
    let (code, decision, requests) = answer(
        &format!("aws dynamodb get-item --table-name {TABLE} --key {{}} --profile dev"),
        &[],
    );
    assert_eq!(requests, one("dynamodb:GetItem", TABLE));
    assert_eq!((code, decision.as_str()), (0, "allow"));
    // An ARN in another Region than the command's is an error AWS answers without deciding.
    let o = run(
        &format!("aws dynamodb get-item --table-name {TABLE} --key {{}} --profile dev --region us-west-2"),
        &[],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    assert!(stderr(&o).contains("--region eu-west-1"), "{}", stderr(&o));
}

#[test]
fn copy_source_is_decoded_and_a_version_asks_get_object_version() {
    let (code, _, requests) = answer(
        "aws s3api copy-object --bucket dst-bucket --key jan.pdf --copy-source src-bucket/reports/jan%20report.pdf --profile dev",
        &[],
    );
    assert_eq!(
        requests[0],
        (
            "s3:GetObject".to_string(),
            "arn:aws:s3:::src-bucket/reports/jan report.pdf".to_string()
        )
    );
    assert_eq!(code, 0);
    // Only old versions of other reports may be read: the version copies, the current does not.
    let (code, _, requests) = answer(
        "aws s3api copy-object --bucket dst-bucket --key feb.pdf --copy-source src-bucket/reports/feb.pdf?versionId=3sL4kqtJlcpXroDTDmJ --profile dev",
        &[],
    );
    assert_eq!(requests[0].0, "s3:GetObjectVersion");
    assert_eq!(code, 0);
    let (code, decision, _) = answer(
        "aws s3api copy-object --bucket dst-bucket --key feb.pdf --copy-source src-bucket/reports/feb.pdf --profile dev",
        &[],
    );
    assert_eq!((code, decision.as_str()), (1, "implicit-deny"));
}

#[test]
fn requested_region_comes_from_the_command_the_environment_or_the_profile() {
    let describe = "aws ec2 describe-instances --profile dev";
    // The profile's region (eu-west-1) is where the policy allows it.
    let o = run(describe, &[]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert_eq!(json(&o)["region"], "eu-west-1");
    // AWS_REGION wins over the profile's region, and --region over both.
    let o = run(describe, &[("AWS_REGION", "us-west-2")]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert_eq!(json(&o)["region"], "us-west-2");
    let o = run(describe, &[("AWS_DEFAULT_REGION", "us-west-2")]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let o = run(
        &format!("{describe} --region eu-west-1"),
        &[("AWS_REGION", "us-west-2")],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    // IAM's endpoint is global: us-east-1 whatever the Region.
    let o = run("aws iam list-users --profile dev --region eu-west-1", &[]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
}

#[test]
fn plain_http_meets_the_secure_transport_deny() {
    let line = format!("aws lambda invoke --function-name {FUNCTION} out.json --profile dev");
    let o = run(&format!("{line} --endpoint-url http://localhost:4566"), &[]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(json(&o)["decision"], "explicit-deny");
    let o = run(
        &format!("{line} --endpoint-url https://lambda.eu-west-1.amazonaws.com"),
        &[],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
}

#[test]
fn aws_profile_stands_for_profile() {
    let line = format!("aws lambda invoke --function-name {FUNCTION} out.json");
    let o = run(&line, &[("AWS_PROFILE", "dev")]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    let v = json(&o);
    assert_eq!(v["profile"], "dev");
    assert_eq!(v["principal"], "arn:aws:iam::111111111111:user/dev");
    // --profile wins over AWS_PROFILE.
    let o = run(
        &format!("{line} --profile dev"),
        &[("AWS_PROFILE", "nobody")],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = run(&line, &[("AWS_PROFILE", "nobody")]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("nobody"), "{}", stderr(&o));
    // Without the AWS CLI files, the profile from the environment cannot be followed.
    let o = Command::new(env!("CARGO_BIN_EXE_iamsim"))
        .args(["can", "--world", WORLD, "--"])
        .args(line.split(' '))
        .env_remove("AWS_REGION")
        .env("AWS_PROFILE", "dev")
        .current_dir(root())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("(from AWS_PROFILE)"), "{}", stderr(&o));
}

#[test]
fn a_web_identity_token_is_never_printed() {
    // A GitHub Actions token's shape: header, claims, signature, each base64url.
    let token = "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJodHRwczovL3Rva2VuLmFjdGlvbnMuZ2l0aHVidXNlcmNvbnRlbnQuY29tIiwic3ViIjoicmVwbzpvY3RvLW9yZy9vY3RvLXJlcG86cmVmOnJlZnMvaGVhZHMvbWFpbiIsImF1ZCI6InN0cy5hbWF6b25hd3MuY29tIn0.c2lnbmF0dXJl";
    let o = run(
        &format!("aws sts assume-role-with-web-identity --role-arn arn:aws:iam::111111111111:role/deploy --role-session-name gha --web-identity-token {token}"),
        &[],
    );
    assert!(!stdout(&o).contains(token), "{}", stdout(&o));
    assert!(!stderr(&o).contains(token), "{}", stderr(&o));
}

/// The list of commands in docs/command-line.md, as the table holds them: one row per service,
/// in the table's order.
fn command_table() -> String {
    let mut services: Vec<&str> = Vec::new();
    for c in iamsim_awscli::table::COMMANDS {
        if !services.contains(&c.service) {
            services.push(c.service);
        }
    }
    let mut out = String::from("| service | commands |\n|---|---|\n");
    for s in services {
        let names: Vec<String> = iamsim_awscli::table::COMMANDS
            .iter()
            .filter(|c| c.service == s)
            .map(|c| format!("`{}`", c.name))
            .collect();
        out.push_str(&format!("| `{s}` | {} |\n", names.join(", ")));
    }
    out
}

#[test]
fn the_docs_list_every_command_of_the_table() {
    let docs = std::fs::read_to_string(root().join("docs/command-line.md")).unwrap();
    let table = command_table();
    assert!(
        docs.contains(&format!(
            "<!-- checked against crates/iamsim-awscli/src/table.rs by tests/integration/words.rs -->\n{table}"
        )),
        "docs/command-line.md should list the commands as:\n{table}"
    );
}

/// A GitHub Actions role restricted to one repository's main branch, asked in the user's words.
/// The words give the request (the token's provider, its claims); the engine decides the
/// `federated:` caller by the role's trust alone (10.3).
#[test]
fn a_workflow_token_assumes_the_role_only_for_its_repository() {
    let dir = std::env::temp_dir().join(format!("iamsim-web-identity-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("world.json"),
        r#"{"accounts": {"111111111111": {
  "oidc_providers": {"token.actions.githubusercontent.com": {"audiences": ["sts.amazonaws.com"]}},
  "roles": {"deploy": {"trust": {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow",
    "Principal": {"Federated": "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com"},
    "Action": "sts:AssumeRoleWithWebIdentity",
    "Condition": {
      "StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
      "StringLike": {"token.actions.githubusercontent.com:sub": "repo:octo-org/octo-repo:ref:refs/heads/main"}
    }}]}}}}}}"#,
    )
    .unwrap();
    let ask = |token: &str| {
        Command::new(env!("CARGO_BIN_EXE_iamsim"))
            .args(["can", "--world"])
            .arg(&dir)
            .args([
                "--",
                "aws",
                "sts",
                "assume-role-with-web-identity",
                "--role-arn",
                "arn:aws:iam::111111111111:role/deploy",
                "--role-session-name",
                "gha",
                "--web-identity-token",
                token,
            ])
            .output()
            .unwrap()
    };
    let o = ask("eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJodHRwczovL3Rva2VuLmFjdGlvbnMuZ2l0aHVidXNlcmNvbnRlbnQuY29tIiwic3ViIjoicmVwbzpvY3RvLW9yZy9vY3RvLXJlcG86cmVmOnJlZnMvaGVhZHMvbWFpbiIsImF1ZCI6InN0cy5hbWF6b25hd3MuY29tIn0.c2lnbmF0dXJl");
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    // Asked as the token's provider, with its claims, and decided by the trust policy.
    let caller = "federated:arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com sts:AssumeRoleWithWebIdentity arn:aws:iam::111111111111:role/deploy";
    let out = stdout(&o);
    assert!(out.contains(&format!("ALLOW\n  {caller}")), "{out}");
    assert!(out.contains("trust policy of role deploy"), "{out}");
    let o = ask("eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJodHRwczovL3Rva2VuLmFjdGlvbnMuZ2l0aHVidXNlcmNvbnRlbnQuY29tIiwic3ViIjoicmVwbzpzb21lb25lLWVsc2UvZm9yazpyZWY6cmVmcy9oZWFkcy9tYWluIiwiYXVkIjoic3RzLmFtYXpvbmF3cy5jb20ifQ.c2lnbmF0dXJl");
    assert_eq!(o.status.code(), Some(1), "{}{}", stdout(&o), stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains(&format!("DENY (implicit: nothing allows it)\n  {caller}")),
        "{out}"
    );
    // The token itself is a credential: never printed.
    assert!(!out.contains("c2lnbmF0dXJl"), "{out}");
    std::fs::remove_dir_all(&dir).unwrap();
}
