//! Unit tests of the checks on small documents; the fixtures (`fixtures/lint/`) test each code
//! end to end.

use super::*;
use iamsim_policy::Policy;

fn codes(text: &str, ty: Option<PolicyType>) -> Vec<&'static str> {
    lint_text("p.json", text, ty, &PolicyContext::default())
        .iter()
        .map(|f| f.diagnostic.code.as_str())
        .collect()
}

fn identity(statement: &str) -> String {
    format!(r#"{{"Version":"2012-10-17","Statement":[{statement}]}}"#)
}

#[test]
fn detects_policy_types() {
    let read = |t: &str| {
        detect_policy_type(&json::parse(&Source::new("x", t), Limits::default()).unwrap())
    };
    assert_eq!(
        read(
            r#"{"Statement":{"Effect":"Allow","Principal":{"AWS":"1"},"Action":"sts:AssumeRole"}}"#
        ),
        PolicyType::Trust
    );
    assert_eq!(
        read(
            r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}]}"#
        ),
        PolicyType::Resource
    );
    assert_eq!(
        read(r#"{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#),
        PolicyType::Identity
    );
}

#[test]
fn unknown_services_and_actions_with_suggestions() {
    let f = lint_text(
        "p.json",
        &identity(
            r#"{"Effect":"Allow","Action":["s33:GetObject","s3:GetObjects","s3:Gett*"],"Resource":"*"}"#,
        ),
        None,
        &PolicyContext::default(),
    );
    let got: Vec<(&str, Option<&str>)> = f
        .iter()
        .map(|f| (f.diagnostic.code.as_str(), f.diagnostic.help.as_deref()))
        .collect();
    assert!(
        got.contains(&(
            "INVALID_SERVICE_IN_ACTION",
            Some("did you mean `s3:GetObject`?")
        )),
        "{got:?}"
    );
    assert!(
        got.contains(&("INVALID_ACTION", Some("did you mean `s3:GetObject`?"))),
        "{got:?}"
    );
    assert!(
        got.iter().any(|g| g.0 == "ACTION_WILDCARD_MATCHES_NOTHING"),
        "{got:?}"
    );
}

#[test]
fn object_actions_on_a_bucket_arn() {
    let c = codes(
        &identity(r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket"}"#),
        None,
    );
    assert_eq!(c, vec!["RESOURCE_TYPE_MISMATCH"]);
    let c = codes(
        &identity(
            r#"{"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::bucket","arn:aws:s3:::bucket/*"]}"#,
        ),
        None,
    );
    assert!(c.is_empty(), "{c:?}");
}

#[test]
fn condition_typing() {
    let c = codes(
        &identity(
            r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/x"},"Bool":{"aws:SourceVpc":"true"}}}"#,
        ),
        None,
    );
    assert_eq!(
        c.iter().filter(|c| **c == "TYPE_MISMATCH").count(),
        1,
        "{c:?}"
    );
    assert!(
        c.contains(&"STRING_LIKE_OPERATOR_WITH_ARN_CONDITION_KEYS"),
        "{c:?}"
    );
    let c = codes(
        &identity(
            r#"{"Effect":"Allow","Action":"ec2:CreateTags","Resource":"*","Condition":{"StringEquals":{"aws:TagKeys":"a"}}}"#,
        ),
        None,
    );
    assert!(c.contains(&"MISSING_QUALIFIER"), "{c:?}");
    let c = codes(
        &identity(
            r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:SourceIpp":"a","s3:prefix":"x"}}}"#,
        ),
        None,
    );
    assert!(c.contains(&"INVALID_GLOBAL_CONDITION_KEY"), "{c:?}");
    assert!(c.contains(&"CONDITION_KEY_NOT_APPLICABLE"), "{c:?}");
}

#[test]
fn real_policies_raise_no_false_alarm() {
    // AWS's standard Lambda logging policy: log streams of the function's log group.
    let c = codes(
        &identity(
            r#"{"Effect":"Allow","Action":["logs:CreateLogStream","logs:PutLogEvents"],"Resource":"arn:aws:logs:us-east-1:111122223333:log-group:/aws/lambda/my-function:*"}"#,
        ),
        None,
    );
    assert!(c.is_empty(), "{c:?}");
    // ... while a bucket ARN for object actions still grants nothing.
    let c = codes(
        &identity(r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket"}"#),
        None,
    );
    assert_eq!(c, ["RESOURCE_TYPE_MISMATCH"]);
    // A key AWS's own managed policies use, though the authorization data does not list it.
    let c = codes(
        &identity(
            r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalOrgMasterAccountId":"111122223333"}}}"#,
        ),
        None,
    );
    assert!(!c.contains(&"INVALID_GLOBAL_CONDITION_KEY"), "{c:?}");
    // A CloudFront origin access identity in a bucket policy (AWS's documented form).
    let c = codes(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity E2QWRUHAPOMQZL"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::amzn-s3-demo-bucket/*"}]}"#,
        Some(PolicyType::Resource),
    );
    assert!(c.is_empty(), "{c:?}");
}

#[test]
fn an_allow_taken_back_by_a_plain_deny_of_the_same_policy_is_not_flagged() {
    let allow = r#"{"Effect":"Allow","Action":["iam:PassRole","s3:*"],"Resource":"*"}"#;
    let flagged = codes(&identity(allow), None);
    assert!(
        flagged.contains(&"PASS_ROLE_WITH_STAR_IN_RESOURCE"),
        "{flagged:?}"
    );
    assert!(
        flagged.contains(&"SERVICE_WILDCARD_ON_ALL_RESOURCES"),
        "{flagged:?}"
    );
    let deny = r#"{"Effect":"Deny","Action":["iam:*","s3:*"],"Resource":"*"}"#;
    let c = codes(&identity(&format!("{allow},{deny}")), None);
    assert!(c.is_empty(), "{c:?}");
    // A Deny that leaves part of the grant (a condition, a narrower resource or action) does not.
    for deny in [
        r#"{"Effect":"Deny","Action":["iam:*","s3:*"],"Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}"#,
        r#"{"Effect":"Deny","Action":["iam:*","s3:*"],"Resource":"arn:aws:s3:::b/*"}"#,
        r#"{"Effect":"Deny","Action":["iam:PassRole"],"Resource":"*"}"#,
    ] {
        let c = codes(&identity(&format!("{allow},{deny}")), None);
        assert!(
            c.contains(&"SERVICE_WILDCARD_ON_ALL_RESOURCES"),
            "{deny}: {c:?}"
        );
    }
}

#[test]
fn a_condition_key_without_a_prefix_is_an_error_with_the_key_it_likely_means() {
    let f = lint_text(
        "p.json",
        &identity(
            r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"Bool":{"SecureTransport":"true"}}}"#,
        ),
        None,
        &PolicyContext::default(),
    );
    let hit = f
        .iter()
        .find(|f| f.diagnostic.code == Code::InvalidConditionKeyFormat)
        .unwrap();
    assert_eq!(hit.diagnostic.severity, iamsim_policy::Severity::Error);
    assert!(
        hit.diagnostic
            .help
            .as_deref()
            .unwrap()
            .contains("aws:SecureTransport"),
        "{:?}",
        hit.diagnostic.help
    );
}

#[test]
fn size_quotas_follow_the_table_and_renamed_codes_still_suppress() {
    // 1.28: an identity policy over 6,144 characters is Access Analyzer's warning, and its
    // statements are still checked.
    let resources: Vec<String> = (0..200)
        .map(|i| format!("\"arn:aws:s3:::bucket-number-{i:04}/*\""))
        .collect();
    let big = identity(&format!(
        r#"{{"Effect":"Allow","Action":"s3:*","Resource":["*",{}]}}"#,
        resources.join(",")
    ));
    let f = lint_text(
        "big.json",
        &big,
        Some(PolicyType::Identity),
        &PolicyContext::default(),
    );
    let size = f
        .iter()
        .find(|f| f.diagnostic.code.is_size_quota())
        .unwrap();
    assert_eq!(
        size.diagnostic.code,
        Code::PolicySizeExceedsIdentityPolicyQuota
    );
    assert_eq!(size.diagnostic.severity, iamsim_policy::Severity::Warning);
    assert!(f
        .iter()
        .any(|f| f.diagnostic.code == Code::ServiceWildcardOnAllResources));
    // AWS managed policies are not held to it.
    let managed = PolicyContext {
        aws_managed: true,
        ..PolicyContext::default()
    };
    assert!(
        !lint_text("big.json", &big, Some(PolicyType::Identity), &managed)
            .iter()
            .any(|f| f.diagnostic.code.is_size_quota())
    );
    // A suppression written with the old name still applies.
    let dir = std::env::temp_dir().join(format!("iamsim-alias-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cfg = dir.join("c.json");
    std::fs::write(
        &cfg,
        r#"{"suppress":[{"codes":["POLICY_SIZE_EXCEEDED","TYPE_MISMATCH"]}]}"#,
    )
    .unwrap();
    let config = Config::load(&cfg).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(config.suppresses(size));
    let like_text = identity(
        r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/x"}}}"#,
    );
    let like = lint_text("p.json", &like_text, None, &PolicyContext::default());
    let like = like
        .iter()
        .find(|f| f.diagnostic.code == Code::StringLikeOperatorWithArnConditionKeys)
        .unwrap();
    assert!(config.suppresses(like));
    // A baseline written when the finding was a TYPE_MISMATCH still matches it: the fingerprint
    // is made from the old name.
    let mut old = like.diagnostic.clone();
    old.code = Code::TypeMismatch;
    let parsed = id(&like_text);
    let before = finding(
        old,
        like.statement.as_ref().map(|s| s.index),
        Some(&parsed),
        "p.json",
    );
    assert_eq!(before.fingerprint, like.fingerprint);
    assert!(!config.suppresses(
        f.iter()
            .find(|f| f.diagnostic.code == Code::ServiceWildcardOnAllResources)
            .unwrap()
    ));
}

/// Example policies from AWS documentation (`fixtures/lint-corpus/aws-docs/corpus.json`): lint
/// reports exactly the findings listed for each, so never an error on a policy AWS accepts.
#[test]
fn aws_documentation_examples_get_exactly_their_expected_findings() {
    let dir = fixtures().join("../lint-corpus/aws-docs");
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("corpus.json")).unwrap()).unwrap();
    let entries = manifest["policies"].as_array().unwrap();
    assert!(entries.len() >= 15, "{}", entries.len());
    let mut listed = std::collections::BTreeSet::new();
    for e in entries {
        let file = e["file"].as_str().unwrap();
        listed.insert(file.to_string());
        let ty = PolicyType::parse(e["policy_type"].as_str().unwrap()).unwrap();
        let text = std::fs::read_to_string(dir.join(file)).unwrap();
        let found = lint_text(file, &text, Some(ty), &PolicyContext::default());
        let mut got: Vec<&str> = found.iter().map(|f| f.diagnostic.code.as_str()).collect();
        got.sort_unstable();
        let mut want: Vec<&str> = e["expect"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap())
            .collect();
        want.sort_unstable();
        assert_eq!(got, want, "{file}: {found:#?}");
        assert!(
            !found.iter().any(|f| f.diagnostic.is_error()),
            "{file}: an error on a policy AWS accepts"
        );
    }
    // Every example in the folder is in the manifest.
    for entry in std::fs::read_dir(&dir).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if name != "corpus.json" && name.ends_with(".json") {
            assert!(listed.contains(&name), "{name} is not in corpus.json");
        }
    }
}

/// Every AWS managed policy, linted as the identity policy it is. Returns (policy, finding).
fn lint_managed() -> Vec<(String, Finding)> {
    let ctx = PolicyContext {
        aws_managed: true,
        ..PolicyContext::default()
    };
    let mut out = Vec::new();
    let mut names: Vec<(&str, &str)> = iamsim_engine::managed::aws_managed_policies().collect();
    names.sort();
    for (name, doc) in names {
        for f in lint_text(name, doc, Some(PolicyType::Identity), &ctx) {
            out.push((name.to_string(), f));
        }
    }
    out
}

/// AWS managed policies are live in AWS: the linter may report an error on one only where AWS's
/// own validation does too. The known cases are typos in AWS's own policies: actions no service
/// has, which Access Analyzer reports as `INVALID_ACTION` errors as well.
const MANAGED_ERRORS_AWS_REPORTS: &[(&str, &str, &str)] = &[
    (
        "AmazonApplicationWizardFullaccess",
        "INVALID_ACTION",
        "`ssm:RemoveTagsToResource` is not an action of AWS Systems Manager (`ssm`)",
    ),
    (
        "AmazonLaunchWizardFullaccess",
        "INVALID_ACTION",
        "`s3:ListBuckets` is not an action of Amazon S3 (`s3`)",
    ),
];

#[test]
fn managed_policies_have_no_error_aws_would_not_report() {
    let all = lint_managed();
    let errors: Vec<(&str, &str, &str)> = all
        .iter()
        .filter(|(_, f)| f.diagnostic.severity == iamsim_policy::Severity::Error)
        .map(|(n, f)| {
            (
                n.as_str(),
                f.diagnostic.code.as_str(),
                f.diagnostic.message.as_str(),
            )
        })
        .collect();
    assert_eq!(errors, MANAGED_ERRORS_AWS_REPORTS);
}

/// Counts per code over the managed policies (`cargo test -p iamsim-lint managed -- --nocapture`;
/// `IAMSIM_SHOW=CODE` lists that code's findings).
#[test]
fn managed_policies_counts() {
    let all = lint_managed();
    // (severity, code) -> (findings, policies flagged)
    let mut counts: std::collections::BTreeMap<
        (&str, &str),
        (usize, std::collections::BTreeSet<&str>),
    > = Default::default();
    for (name, f) in &all {
        let e = counts
            .entry((f.diagnostic.severity.as_str(), f.diagnostic.code.as_str()))
            .or_default();
        e.0 += 1;
        e.1.insert(name.as_str());
    }
    let policies = iamsim_engine::managed::aws_managed_policies().count();
    let flagged: std::collections::BTreeSet<&str> = all.iter().map(|(n, _)| n.as_str()).collect();
    eprintln!(
        "{policies} AWS managed policies, {} with a finding; per code: findings, policies",
        flagged.len()
    );
    for ((sev, code), (n, names)) in &counts {
        eprintln!("{n:6} {:6} {sev:10} {code}", names.len());
    }
    // Not reported on them (they are live in AWS), but what Access Analyzer's size warning would
    // say if they were customer policies.
    let over = iamsim_engine::managed::aws_managed_policies()
        .filter(|(_, d)| {
            iamsim_policy::quota::check(d, iamsim_policy::quota::QuotaKind::ManagedPolicy).is_some()
        })
        .count();
    eprintln!("{over:6} {over:6} (not reported) over the 6,144-character managed-policy quota");
    let show = std::env::var("IAMSIM_SHOW").unwrap_or_default();
    for (name, f) in all.iter().filter(|(_, f)| {
        f.diagnostic.severity == iamsim_policy::Severity::Error
            || f.diagnostic.code.as_str() == show
    }) {
        eprintln!(
            "{name}: {}: {} [{}]",
            f.diagnostic.code,
            f.diagnostic.message,
            f.diagnostic.help.as_deref().unwrap_or("")
        );
    }
}

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/lint")
}

/// `fixtures/lint/<CODE>/`: `bad.json` must trigger CODE (its findings are pinned in
/// `expected.json`; `IAMSIM_BLESS=1` rewrites them), `good.json` must not.
#[test]
fn every_check_has_a_fixture_that_triggers_it_and_one_that_does_not() {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(fixtures())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("case.json").is_file())
        .collect();
    dirs.sort();
    let mut covered = std::collections::BTreeSet::new();
    for dir in &dirs {
        let code = dir.file_name().unwrap().to_str().unwrap().to_string();
        let case: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("case.json")).unwrap()).unwrap();
        let ty = PolicyType::parse(case["policy_type"].as_str().unwrap()).unwrap();
        let opts = LintOptions {
            policy_type: Some(ty),
            ..LintOptions::default()
        };
        let bad = lint_paths(&[dir.join("bad.json")], &opts);
        let got: Vec<serde_json::Value> = bad
            .findings
            .iter()
            .map(|f| {
                let loc = f.diagnostic.location().unwrap();
                serde_json::json!({
                    "code": f.diagnostic.code.as_str(),
                    "severity": f.diagnostic.severity.as_str(),
                    "line": loc.line,
                    "column": loc.column,
                    "message": f.diagnostic.message,
                })
            })
            .collect();
        assert!(
            bad.findings
                .iter()
                .any(|f| f.diagnostic.code.as_str() == code),
            "{code}: bad.json does not trigger it: {got:#?}"
        );
        let expected_path = dir.join("expected.json");
        let got_text = serde_json::to_string_pretty(&got).unwrap() + "\n";
        if std::env::var_os("IAMSIM_BLESS").is_some() {
            std::fs::write(&expected_path, &got_text).unwrap();
        } else {
            let want = std::fs::read_to_string(&expected_path)
                .unwrap_or_else(|_| panic!("missing {}", expected_path.display()));
            assert_eq!(got_text, want, "{code}: findings of bad.json changed");
        }
        let good = lint_paths(&[dir.join("good.json")], &opts);
        let wrong: Vec<&Finding> = good
            .findings
            .iter()
            .filter(|f| f.diagnostic.code.as_str() == code)
            .collect();
        assert!(
            wrong.is_empty(),
            "{code}: good.json triggers it: {wrong:#?}"
        );
        covered.insert(code);
    }
    // Every code the linter adds (after the grammar's) has its pair of fixtures; codes added
    // after it that no policy document can trigger (of worlds built from IaC, of questions, of
    // imports) are not lint's.
    let not_lint = [
        Code::IacLeftOut,
        Code::InvalidRequestPrincipal,
        Code::UnknownRequestEntity,
        Code::InvalidRequestAction,
        Code::InvalidRequestResource,
        Code::InvalidContextArgument,
        Code::IncompatibleRequest,
        Code::QuestionTooLarge,
        Code::ImportUnrecognized,
        Code::ImportInvalidId,
        Code::ImportIncomplete,
        Code::ImportOutputRefused,
        Code::ImportIoFailed,
    ];
    let first = Code::ALL
        .iter()
        .position(|c| *c == Code::InvalidServiceInAction)
        .unwrap();
    let mut missing: Vec<&str> = Code::ALL[first..]
        .iter()
        .filter(|c| !not_lint.contains(c))
        .map(|c| c.as_str())
        .filter(|c| !covered.contains(*c))
        .collect();
    for c in ["INVALID_ACTION", "SET_OPERATOR_ON_SINGLE_VALUED_KEY"] {
        if !covered.contains(c) {
            missing.push(c);
        }
    }
    assert!(missing.is_empty(), "codes without fixtures: {missing:?}");
}

// ---- access checks ----------------------------------------------------------------------------

fn policy(text: &str, ty: PolicyType) -> Policy {
    let src = Source::new("p.json", text);
    let parsed = iamsim_policy::parse_policy(&src, ty);
    parsed
        .policy
        .unwrap_or_else(|| panic!("{:?}", parsed.diagnostics))
}

fn id(text: &str) -> Policy {
    policy(text, PolicyType::Identity)
}

#[test]
fn a_lint_after_another_reader_uses_its_walk_and_bytes_and_leaves_it_its_files() {
    let dir = std::env::temp_dir().join(format!("iamsim-ahead-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("w/p")).unwrap();
    let admin = identity(r#"{"Effect":"Allow","Action":"*","Resource":"*"}"#);
    let typo = identity(r#"{"Effect":"Allow","Action":"s3:GetObjekt","Resource":"*"}"#);
    let clean = identity(r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}"#);
    // On disk: a policy with an action typo, a template's name and a world with one policy.
    std::fs::write(dir.join("a.json"), &typo).unwrap();
    std::fs::write(dir.join("stack.json"), &typo).unwrap();
    std::fs::write(
        dir.join("w/world.json"),
        r#"{"accounts":{"111111111111":{"users":{"u":{"policies":["p/u.json"]}}}}}"#,
    )
    .unwrap();
    std::fs::write(dir.join("w/p/u.json"), &clean).unwrap();
    let opts = LintOptions::default();
    let codes_of = |r: &Report, file: &str| -> Vec<&'static str> {
        r.findings
            .iter()
            .filter(|f| f.file.ends_with(file))
            .map(|f| f.diagnostic.code.as_str())
            .collect()
    };
    let alone = lint_paths(std::slice::from_ref(&dir), &opts);
    assert!(
        codes_of(&alone, "/a.json").contains(&"INVALID_ACTION"),
        "{:?}",
        alone.findings
    );
    assert!(codes_of(&alone, "stack.json").contains(&"INVALID_ACTION"));
    assert!(codes_of(&alone, "u.json").is_empty());
    // The other reader read a.json and the world's policy as other bytes than the disk now
    // holds, and took stack.json: the lint reads neither again.
    let canonical = |p: &str| std::fs::canonicalize(dir.join(p)).unwrap();
    let mut ahead = ReadAhead::default();
    ahead
        .texts
        .insert(canonical("a.json"), clean.clone().into_bytes());
    ahead
        .texts
        .insert(canonical("w/p/u.json"), admin.clone().into_bytes());
    ahead.taken.insert(canonical("stack.json"));
    let walk = walk_folder(&dir, None, &|p: &Path| {
        p.extension().is_some_and(|e| e == "json" || e == "tf")
    });
    ahead.walks.insert(dir.clone(), walk);
    let after = lint_paths_read_ahead(std::slice::from_ref(&dir), &opts, ahead);
    assert!(
        codes_of(&after, "/a.json").is_empty(),
        "{:?}",
        after.findings
    );
    assert!(codes_of(&after, "stack.json").is_empty());
    assert!(!after.checked.iter().any(|c| c.ends_with("stack.json")));
    assert!(
        codes_of(&after, "u.json")
            .iter()
            .any(|c| c.contains("ADMIN") || c.contains("WILDCARD")),
        "{:?}",
        after.findings
    );
    let _ = std::fs::remove_dir_all(&dir);
}

// ---- escalation steps allowed on every resource -------------------------------------------------

/// The steps `steps_allowed` finds in an identity policy, with the kinds of target of each.
fn escalation_steps(text: &str) -> Vec<(String, Vec<iamsim_catalog::escalation::Target>)> {
    escalation::steps_allowed(&id(text))
        .into_iter()
        .map(|g| (g.step.name.to_string(), g.targets))
        .collect()
}

fn step_names(text: &str) -> Vec<String> {
    escalation_steps(text).into_iter().map(|(n, _)| n).collect()
}

/// The AWS managed policies: full power flags the steps of every family, IAM's full access the
/// identity steps only (it has no Lambda or EC2 action), read-only access none.
#[test]
fn escalation_steps_of_aws_managed_policies() {
    let steps = |name: &str| -> Vec<String> {
        let text = iamsim_engine::managed::aws_managed_policy(name).unwrap();
        let parsed =
            iamsim_policy::parse_aws_managed_policy(&Source::new(name, text), PolicyType::Identity);
        escalation::steps_allowed(&parsed.policy.unwrap())
            .into_iter()
            .map(|g| g.step.name.to_string())
            .collect()
    };
    let admin = steps("AdministratorAccess");
    for s in [
        "attach-policy",
        "create-policy-version",
        "create-access-key",
        "update-trust",
        "add-user-to-group",
        "lambda-create-invoke",
        "ec2-run-with-profile",
        "lambda-update-code",
        "ssm-send-command",
        "ssm-start-session",
        "instance-connect",
    ] {
        assert!(
            admin.iter().any(|n| n == s),
            "AdministratorAccess: {s}: {admin:?}"
        );
    }
    assert!(!admin
        .iter()
        .any(|n| n == "assume-role" || n == "create-service-linked-role"));
    let iam = steps("IAMFullAccess");
    for s in [
        "attach-policy",
        "put-inline-policy",
        "create-policy-version",
        "set-default-policy-version",
        "create-access-key",
        "create-login-profile",
        "update-trust",
        "add-user-to-group",
    ] {
        assert!(iam.iter().any(|n| n == s), "IAMFullAccess: {s}: {iam:?}");
    }
    assert!(
        !iam.iter()
            .any(|n| n.starts_with("lambda") || n.starts_with("ec2")),
        "{iam:?}"
    );
    assert_eq!(steps("ReadOnlyAccess"), Vec::<String>::new());
    assert_eq!(steps("AWSLambdaBasicExecutionRole"), Vec::<String>::new());
}

#[test]
fn escalation_steps_name_the_kinds_of_target() {
    use iamsim_catalog::escalation::Target;
    let steps = escalation_steps(&identity(
        r#"{"Effect":"Allow","Action":"iam:Attach*Policy","Resource":"*"},
           {"Effect":"Deny","Action":"iam:AttachRolePolicy","Resource":"*"}"#,
    ));
    assert_eq!(
        steps,
        vec![("attach-policy".into(), vec![Target::User, Target::Group])],
        "the Deny takes the roles back"
    );
    let f = lint_text(
        "p.json",
        &identity(
            r#"{"Effect":"Allow","Action":"iam:AttachRolePolicy","Resource":"arn:aws:iam::111111111111:role/*"}"#,
        ),
        Some(PolicyType::Identity),
        &PolicyContext::default(),
    );
    let hit = f
        .iter()
        .find(|f| f.diagnostic.code == Code::EscalationStepOnEveryResource)
        .unwrap();
    assert_eq!(
        hit.diagnostic.message,
        "allows the escalation step `attach-policy` on every role: `iam:AttachRolePolicy` on \
         `arn:aws:iam::111111111111:role/*`; the caller can give any of them any permissions"
    );
    assert!(hit
        .diagnostic
        .help
        .as_deref()
        .unwrap()
        .contains("iam:PolicyARN"));
}

#[test]
fn escalation_steps_need_every_target_and_no_narrowing_condition() {
    // One named user, one's own user, one path of roles: not every target.
    for narrow in [
        r#"{"Effect":"Allow","Action":"iam:CreateAccessKey","Resource":"arn:aws:iam::111111111111:user/bob"}"#,
        r#"{"Effect":"Allow","Action":"iam:CreateAccessKey","Resource":"arn:aws:iam::*:user/${aws:username}"}"#,
        r#"{"Effect":"Allow","Action":"iam:PutRolePolicy","Resource":"arn:aws:iam::111111111111:role/app-*"}"#,
        r#"{"Effect":"Allow","Action":"lambda:UpdateFunctionCode","Resource":"arn:aws:lambda:us-east-1:111111111111:function:f"}"#,
        r#"{"Effect":"Allow","Action":"iam:AttachRolePolicy","Resource":"*","Condition":{"ArnEquals":{"iam:PolicyARN":"arn:aws:iam::aws:policy/ReadOnlyAccess"}}}"#,
    ] {
        assert_eq!(
            step_names(&identity(narrow)),
            Vec::<String>::new(),
            "{narrow}"
        );
    }
    for wide in [
        r#"{"Effect":"Allow","Action":"iam:CreateAccessKey","Resource":"arn:aws:iam::111111111111:user/*"}"#,
        r#"{"Effect":"Allow","Action":"iam:CreateAccessKey","NotResource":"arn:aws:iam::111111111111:user/admin"}"#,
        r#"{"Effect":"Allow","NotAction":"s3:*","Resource":"arn:aws:iam::*:user/*"}"#,
    ] {
        assert!(
            step_names(&identity(wide)).contains(&"create-access-key".to_string()),
            "{wide}"
        );
    }
    assert_eq!(
        step_names(&identity(
            r#"{"Effect":"Allow","Action":["lambda:UpdateFunctionCode","lambda:InvokeFunction"],"Resource":"*"}"#
        )),
        ["lambda-update-code"]
    );
}

/// `iam:PassRole` on every role with the services' requests: the step of each service it
/// admits; `iam:PassedToService` naming another service stops it, naming this one does not.
#[test]
fn escalation_steps_through_pass_role() {
    let with = |condition: &str| {
        step_names(&identity(&format!(
            r#"{{"Effect":"Allow","Action":"iam:PassRole","Resource":"*"{condition}}},
               {{"Effect":"Allow","Action":["lambda:CreateFunction","lambda:InvokeFunction","ec2:RunInstances"],"Resource":"*"}}"#
        )))
    };
    assert_eq!(with(""), ["lambda-create-invoke", "ec2-run-with-profile"]);
    assert_eq!(
        with(r#","Condition":{"StringEquals":{"iam:PassedToService":"ec2.amazonaws.com"}}"#),
        ["ec2-run-with-profile"]
    );
    assert_eq!(
        with(r#","Condition":{"StringLike":{"iam:PassedToService":"lambda.*"}}"#),
        ["lambda-create-invoke"]
    );
    assert_eq!(
        with(r#","Condition":{"StringEquals":{"aws:ResourceTag/team":"a"}}"#),
        Vec::<String>::new()
    );
    // Functions of one name prefix: the caller picks the name, so the step is still open.
    assert_eq!(
        step_names(&identity(
            r#"{"Effect":"Allow","Action":"iam:PassRole","Resource":"*"},
               {"Effect":"Allow","Action":["lambda:CreateFunction","lambda:InvokeFunction"],"Resource":"arn:aws:lambda:*:111111111111:function:app-*"}"#
        )),
        ["lambda-create-invoke"]
    );
    // Without a way to run the role, passing it alone is no step (PASS_ROLE_* say the rest).
    assert_eq!(
        step_names(&identity(
            r#"{"Effect":"Allow","Action":"iam:PassRole","Resource":"*"}"#
        )),
        Vec::<String>::new()
    );
    // Only identity policies grant a principal its requests.
    let boundary = iamsim_policy::parse_policy(
        &Source::new(
            "b.json",
            identity(r#"{"Effect":"Allow","Action":"*","Resource":"*"}"#),
        ),
        PolicyType::Boundary,
    )
    .policy
    .unwrap();
    assert!(escalation::steps_allowed(&boundary).is_empty());
}

/// Some name of what the caller creates must fit the statement's Resource, field by field: a
/// `RunInstances` grant on images and subnets only is no grant on a new instance.
#[test]
fn escalation_steps_on_new_resources_fit_field_by_field() {
    let run = |resources: &str| {
        step_names(&identity(&format!(
            r#"{{"Effect":"Allow","Action":"iam:PassRole","Resource":"*"}},
               {{"Effect":"Allow","Action":"ec2:RunInstances","Resource":{resources}}}"#
        )))
    };
    assert_eq!(
        run(r#"["arn:aws:ec2:*::image/*","arn:aws:ec2:*:*:subnet/*"]"#),
        Vec::<String>::new()
    );
    assert_eq!(
        run(r#"["arn:aws:ec2:*::image/*","arn:aws:ec2:us-east-1:111111111111:instance/*"]"#),
        ["ec2-run-with-profile"]
    );
    assert_eq!(run(r#""arn:aws:ec2:*:*:*""#), ["ec2-run-with-profile"]);
    assert_eq!(
        run(r#""arn:aws:ec2:*:*:in?tance/${aws:username}""#),
        ["ec2-run-with-profile"]
    );
    assert_eq!(run(r#""arn:aws:s3:::*""#), Vec::<String>::new());
}

/// A world's policies for the access checks: an AWS managed policy the world attaches by ARN
/// (the bundled copy) carries `aws_managed` in its context, its own files do not.
#[test]
fn bundled_aws_managed_policies_say_so_in_their_context() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/switch-role-s3");
    let loaded = load_policies(&dir, None).unwrap();
    let managed: Vec<&LoadedPolicy> = loaded
        .iter()
        .filter(|p| p.file == "arn:aws:iam::aws:policy/AmazonS3FullAccess")
        .collect();
    assert!(!managed.is_empty());
    assert!(managed.iter().all(|p| p.context.aws_managed));
    assert!(loaded
        .iter()
        .filter(|p| !p.file.starts_with("arn:"))
        .all(|p| !p.context.aws_managed));
}
