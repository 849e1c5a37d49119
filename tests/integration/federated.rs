//! Federated callers from the command line (10.3): `can` and `who-can` for identities of the
//! GitHub Actions, EKS and SAML providers of `fixtures/federated/ci-and-clusters`, `lint` of
//! their trusts, and `import` of providers from the IAM CLI's outputs.

use crate::support::{iamsim, root, stderr, stdout};
use serde_json::Value;

const WORLD: &str = "fixtures/federated/ci-and-clusters";
const GITHUB: &str =
    "federated:arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com";
const DEPLOY_MAIN: &str = "arn:aws:iam::111122223333:role/GitHubDeployMain";
const WRITER: &str = "arn:aws:iam::444455556666:role/ArtifactWriter";
const OBJECT: &str = "arn:aws:s3:::example-artifacts/build/app.zip";

fn json(o: &std::process::Output) -> Value {
    serde_json::from_str(&stdout(o)).unwrap_or_else(|e| panic!("{e}: {}", stdout(o)))
}

#[test]
fn a_workflow_of_the_trusted_branch_uploads_and_another_repository_does_not() {
    let ask = |sub: &str| {
        iamsim(&[
            "can",
            "--world",
            WORLD,
            "--format",
            "json",
            "--context",
            &format!("token.actions.githubusercontent.com:sub={sub}"),
            "--via",
            DEPLOY_MAIN,
            "--via",
            WRITER,
            GITHUB,
            "s3:PutObject",
            OBJECT,
        ])
    };
    let ok = ask("repo:octo-org/octo-repo:ref:refs/heads/main");
    assert_eq!(ok.status.code(), Some(0), "{}", stdout(&ok));
    let v = json(&ok);
    assert_eq!(v["decision"], "allow");
    assert_eq!(v["principal"], GITHUB);
    assert_eq!(v["path"][0]["action"], "sts:AssumeRoleWithWebIdentity");
    assert_eq!(v["path"].as_array().unwrap().len(), 3);
    let fork = ask("repo:someone-else/octo-repo:ref:refs/heads/main");
    assert_eq!(fork.status.code(), Some(1));
    let v = json(&fork);
    assert_eq!(v["decision"], "implicit-deny");
    // Denied at the first hop: the chain goes no further.
    assert_eq!(v["path"].as_array().unwrap().len(), 1);
}

#[test]
fn an_open_claim_is_indeterminate_with_the_condition_that_would_allow_it() {
    let o = iamsim(&[
        "can",
        "--world",
        WORLD,
        GITHUB,
        "sts:AssumeRoleWithWebIdentity",
        DEPLOY_MAIN,
    ]);
    assert_eq!(o.status.code(), Some(1));
    let text = stdout(&o);
    assert!(text.starts_with("DENY (indeterminate"), "{text}");
    assert!(
        text.contains("allowed only if token.actions.githubusercontent.com:sub is repo:octo-org/octo-repo:ref:refs/heads/main"),
        "{text}"
    );
    assert!(
        text.contains("\n  allowed if token.actions.githubusercontent.com:sub is repo:octo-org/octo-repo:ref:refs/heads/main\n"),
        "{text}"
    );
    // The same claim on the JSON answer's `conditions`, as policies write it (formats.md 5), and
    // through a chain to the bucket too.
    let want = serde_json::json!([[{
        "key": "token.actions.githubusercontent.com:sub",
        "operator": "StringEquals",
        "values": ["repo:octo-org/octo-repo:ref:refs/heads/main"]
    }]]);
    let o = iamsim(&[
        "can",
        "--world",
        WORLD,
        "--format",
        "json",
        GITHUB,
        "sts:AssumeRoleWithWebIdentity",
        DEPLOY_MAIN,
    ]);
    assert_eq!(o.status.code(), Some(1));
    let v = json(&o);
    assert_eq!(v["decision"], "indeterminate");
    assert_eq!(v["conditions"], want, "{v}");
    let o = iamsim(&[
        "can",
        "--world",
        WORLD,
        "--format",
        "json",
        "--via",
        DEPLOY_MAIN,
        "--via",
        WRITER,
        GITHUB,
        "s3:PutObject",
        OBJECT,
    ]);
    assert_eq!(o.status.code(), Some(1));
    let v = json(&o);
    assert_eq!(v["decision"], "indeterminate");
    assert_eq!(v["conditions"], want, "{v}");
    // Given the claim, the answer is exact and has none.
    let o = iamsim(&[
        "can",
        "--world",
        WORLD,
        "--format",
        "json",
        "--context",
        "token.actions.githubusercontent.com:sub=repo:octo-org/octo-repo:ref:refs/heads/main",
        GITHUB,
        "sts:AssumeRoleWithWebIdentity",
        DEPLOY_MAIN,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(json(&o).get("conditions").is_none());
}

#[test]
fn a_provider_the_role_account_lacks_and_a_bad_provider_arn() {
    let o = iamsim(&[
        "can",
        "--world",
        WORLD,
        "--context",
        "SAML:aud=https://signin.aws.amazon.com/saml",
        "federated:arn:aws:iam::999988887777:saml-provider/ExampleOrgSSOProvider",
        "sts:AssumeRoleWithSAML",
        "arn:aws:iam::111122223333:role/SamlOperators",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains("has no identity provider"),
        "{}",
        stdout(&o)
    );
    let bad = iamsim(&[
        "can",
        "--world",
        WORLD,
        "federated:arn:aws:iam::111122223333:oidc-provider/https://token.actions.githubusercontent.com",
        "sts:AssumeRoleWithWebIdentity",
        DEPLOY_MAIN,
    ]);
    assert_eq!(bad.status.code(), Some(2), "{}", stdout(&bad));
    assert!(stderr(&bad).contains("https://"), "{}", stderr(&bad));
}

#[test]
fn who_can_lists_federated_callers_with_their_claims() {
    let o = iamsim(&[
        "who-can",
        "--world",
        WORLD,
        "--format",
        "json",
        "--explain",
        "s3:PutObject",
        OBJECT,
    ]);
    assert_eq!(o.status.code(), Some(0));
    let v = json(&o);
    let github: Vec<&Value> = v["principals"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["principal"] == GITHUB)
        .collect();
    assert_eq!(github.len(), 2, "{github:#?}");
    let any = github
        .iter()
        .find(|e| e["via"][0] == "arn:aws:iam::111122223333:role/GitHubAnyRepo")
        .unwrap();
    assert_eq!(any["decision"], "allow");
    let notes = any["path"][0]["notes"].as_array().unwrap();
    assert!(
        notes.iter().any(|n| n
            .as_str()
            .unwrap()
            .starts_with("security: the trust does not restrict")),
        "{notes:?}"
    );
    let main = github.iter().find(|e| e["via"][0] == DEPLOY_MAIN).unwrap();
    assert_eq!(main["decision"], "conditional");
    assert_eq!(
        main["conditions"],
        serde_json::json!([[{
            "key": "token.actions.githubusercontent.com:sub",
            "operator": "StringEquals",
            "values": ["repo:octo-org/octo-repo:ref:refs/heads/main"]
        }]])
    );
    assert_eq!(
        main["alternatives"][0][0],
        "token.actions.githubusercontent.com:sub is repo:octo-org/octo-repo:ref:refs/heads/main"
    );
    assert_eq!(main["via"][1], WRITER);
    // Text: the summary counts them as a kind of their own.
    let t = iamsim(&["who-can", "--world", WORLD, "s3:PutObject", OBJECT]);
    assert!(stdout(&t).contains("federated 4"), "{}", stdout(&t));
}

#[test]
fn lint_reports_the_unrestricted_trust_and_not_the_restricted_ones() {
    let policies = format!("{WORLD}/policies");
    let o = iamsim(&["lint", "--format", "json", &policies]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let v = json(&o);
    let federated: Vec<(String, String)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"].as_str().unwrap().starts_with("FEDERATED_"))
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["file"]
                    .as_str()
                    .unwrap()
                    .rsplit('/')
                    .next()
                    .unwrap()
                    .to_string(),
            )
        })
        .collect();
    // The Cognito trust is AWS's documented one, whose `ForAnyValue:StringLike` has no
    // wildcard: a suggestion, not a security finding.
    assert_eq!(
        federated,
        [
            (
                "FEDERATED_STRING_LIKE_WITHOUT_WILDCARD".to_string(),
                "cognito-trust.json".to_string()
            ),
            (
                "FEDERATED_TRUST_WITHOUT_SUB".to_string(),
                "github-any-repo-trust.json".to_string()
            )
        ]
    );
    assert!(!stdout(&o).contains("INVALID_SERVICE_CONDITION_KEY"));
}

#[test]
fn import_reads_the_providers_and_refuses_a_provider_without_its_audiences() {
    let out = std::env::temp_dir().join(format!("iamsim-fed-import-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let o = iamsim(&[
        "import",
        "--from",
        "fixtures/federated/export",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let world: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("world.json")).unwrap()).unwrap();
    let account = &world["accounts"]["111122223333"];
    assert_eq!(
        account["oidc_providers"]["token.actions.githubusercontent.com"]["audiences"][0],
        "sts.amazonaws.com"
    );
    assert!(account["saml_providers"]["ExampleOrgSSOProvider"].is_object());
    let asked = iamsim(&[
        "can",
        "--world",
        out.to_str().unwrap(),
        "--context",
        "token.actions.githubusercontent.com:sub=repo:octo-org/octo-repo:ref:refs/heads/main",
        GITHUB,
        "sts:AssumeRoleWithWebIdentity",
        DEPLOY_MAIN,
    ]);
    assert_eq!(asked.status.code(), Some(0), "{}", stdout(&asked));
    // An export that lists a provider but lacks its get-open-id-connect-provider output.
    let export = std::env::temp_dir().join(format!("iamsim-fed-export-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&export);
    let src = root().join("fixtures/federated/export/accounts/111122223333");
    let dst = export.join("accounts/111122223333");
    std::fs::create_dir_all(dst.join("oidc-providers")).unwrap();
    for f in [
        "authorization-details.json",
        "oidc-providers.json",
        "saml-providers.json",
    ] {
        std::fs::copy(src.join(f), dst.join(f)).unwrap();
    }
    let out2 = export.join("world");
    let refused = iamsim(&[
        "import",
        "--from",
        export.to_str().unwrap(),
        "--out",
        out2.to_str().unwrap(),
    ]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        stderr(&refused).contains("get-open-id-connect-provider"),
        "{}",
        stderr(&refused)
    );
    let _ = std::fs::remove_dir_all(&out);
    let _ = std::fs::remove_dir_all(&export);
}

#[test]
fn a_world_with_a_provider_url_is_refused_where_it_is_written() {
    let dir = std::env::temp_dir().join(format!("iamsim-fed-world-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("world.json"),
        "{\"accounts\": {\"111122223333\": {\n  \"oidc_providers\": {\"https://token.actions.githubusercontent.com\": {\"audiences\": [\"sts.amazonaws.com\"]}}}}}\n",
    )
    .unwrap();
    let o = iamsim(&[
        "can",
        "--world",
        dir.to_str().unwrap(),
        GITHUB,
        "sts:AssumeRoleWithWebIdentity",
        DEPLOY_MAIN,
    ]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(e.contains("world.json:2:22"), "{e}");
    assert!(
        e.contains("write `token.actions.githubusercontent.com`"),
        "{e}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn suggest_fix_does_not_loosen_a_federated_trust() {
    let o = iamsim(&[
        "can",
        "--world",
        WORLD,
        "--suggest-fix",
        "--context",
        "token.actions.githubusercontent.com:sub=repo:someone-else/fork:ref:refs/heads/main",
        GITHUB,
        "sts:AssumeRoleWithWebIdentity",
        DEPLOY_MAIN,
    ]);
    assert_eq!(o.status.code(), Some(1));
    let text = stdout(&o);
    assert!(!text.contains("\nfix 1"), "{text}");
    assert!(
        text.contains("no fix: the request of an identity of arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"),
        "{text}"
    );
}

/// Many roles trusting one provider, each for its own repository: who-can for one role lists
/// the provider once, on that role's repository.
#[test]
fn who_can_picks_the_one_role_among_many_trusting_the_provider() {
    let dir = std::env::temp_dir().join(format!("iamsim-fed-many-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let provider = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com";
    let roles: Vec<String> = (0..300)
        .map(|i| {
            format!(
                r#""R{i}": {{"trust": {{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Principal": {{"Federated": "{provider}"}}, "Action": "sts:AssumeRoleWithWebIdentity", "Condition": {{"StringEquals": {{"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}}, "StringLike": {{"token.actions.githubusercontent.com:sub": "repo:octo-org/app-{i}:*"}}}}}}]}}}}"#
            )
        })
        .collect();
    std::fs::write(
        dir.join("world.json"),
        format!(
            r#"{{"accounts": {{"111122223333": {{"oidc_providers": {{"token.actions.githubusercontent.com": {{"audiences": ["sts.amazonaws.com"]}}}}, "roles": {{{}}}}}}}}}"#,
            roles.join(",")
        ),
    )
    .unwrap();
    let o = iamsim(&[
        "who-can",
        "--world",
        dir.to_str().unwrap(),
        "--format",
        "json",
        "sts:AssumeRoleWithWebIdentity",
        "arn:aws:iam::111122223333:role/R137",
    ]);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v = json(&o);
    let entries = v["principals"].as_array().unwrap();
    assert_eq!(entries.len(), 1, "{entries:#?}");
    assert_eq!(entries[0]["principal"], format!("federated:{provider}"));
    assert_eq!(
        entries[0]["conditions"],
        serde_json::json!([[{
            "key": "token.actions.githubusercontent.com:sub",
            "operator": "StringLike",
            "values": ["repo:octo-org/app-137:*"]
        }]])
    );
}

/// The laws of 10.3 over every fixture world: an identity of a provider is allowed only its
/// provider's action, only on a role whose trust names the provider under `Federated`, and only
/// when the role's account holds the provider; and a decision over open claims is never
/// `allow` when fixing a claim can deny it.
#[test]
fn federated_requests_obey_the_laws_of_10_3_in_every_fixture_world() {
    use iamsim_engine::{ask, Decision, Query, Via};
    use iamsim_policy::{Context, ContextValue, PrincipalValue};
    let mut asked = 0;
    let mut allowed = 0;
    for dir in crate::fixtures::fixture_worlds() {
        let Ok(world) = iamsim_engine::World::load(&dir) else {
            continue;
        };
        // Every provider the world holds or a trust names, and one it does not hold.
        let mut providers: Vec<String> = vec![
            "arn:aws:iam::999999999999:oidc-provider/token.actions.githubusercontent.com".into(),
            "cognito-identity.amazonaws.com".into(),
        ];
        for (id, a) in world.accounts() {
            for h in a.oidc_providers.keys() {
                providers.push(format!("arn:aws:iam::{id}:oidc-provider/{h}"));
            }
            for n in a.saml_providers.keys() {
                providers.push(format!("arn:aws:iam::{id}:saml-provider/{n}"));
            }
        }
        for role in world.roles() {
            let names: Vec<&str> = role
                .trust
                .policy
                .statements
                .iter()
                .flat_map(|s| s.principal.iter().flat_map(|b| &b.entries))
                .filter_map(|e| match &e.value {
                    PrincipalValue::Federated(v) => Some(v.as_str()),
                    _ => None,
                })
                .collect();
            for p in &providers {
                let saml = p.contains(":saml-provider/");
                let own = if saml {
                    "sts:AssumeRoleWithSAML"
                } else {
                    "sts:AssumeRoleWithWebIdentity"
                };
                for action in [
                    "sts:AssumeRoleWithWebIdentity",
                    "sts:AssumeRoleWithSAML",
                    "sts:AssumeRole",
                ] {
                    let q = Query {
                        principal: format!("federated:{p}"),
                        action: action.into(),
                        resource: role.arn().to_string(),
                        via: Via::Direct,
                        context: Context::new(),
                        session_policies: Vec::new(),
                    };
                    let open = ask(&world, &q).unwrap().decision;
                    asked += 1;
                    if open != Decision::Allow {
                        continue;
                    }
                    allowed += 1;
                    assert_eq!(
                        action,
                        own,
                        "{}: {p} {action} {}",
                        dir.display(),
                        role.arn()
                    );
                    assert!(
                        names.contains(&p.as_str()),
                        "{}: {p} {}",
                        dir.display(),
                        role.arn()
                    );
                    let held =
                        p.starts_with("cognito") || p.contains(&format!("::{}:", role.account()));
                    assert!(held, "{}: {p} {}", dir.display(), role.arn());
                    // Allowed over every value of the open claims: so also for a made-up one.
                    let mut ctx = Context::new();
                    let prefix = if saml {
                        "SAML".to_string()
                    } else {
                        p.rsplit_once("oidc-provider/")
                            .map_or(p.as_str(), |(_, h)| h)
                            .to_string()
                    };
                    ctx.insert(
                        &format!("{prefix}:sub"),
                        ContextValue::Single("repo:someone-else/fork:ref:refs/heads/x".into()),
                    );
                    let fixed = ask(&world, &Query { context: ctx, ..q }).unwrap().decision;
                    assert_eq!(
                        fixed,
                        Decision::Allow,
                        "{}: {p} {}",
                        dir.display(),
                        role.arn()
                    );
                }
            }
        }
    }
    assert!(asked > 500, "only {asked} requests asked");
    // The unrestricted GitHub role of fixtures/federated is one.
    assert!(allowed >= 1, "no federated request was allowed");
}
