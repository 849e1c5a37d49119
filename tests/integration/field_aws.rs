//! What iamsim meets in the field: a real account's export, and AWS behaviours each fixture world
//! under fixtures/field-aws/ checks (its tests.json cites the rule and the AWS documentation).

use crate::support::root;
use iamsim_engine::export::import;
use iamsim_engine::{load_tests, run_tests, World};
use iamsim_policy::Code;
use serde_json::json;
use std::path::{Path, PathBuf};

/// A scratch folder, removed when dropped.
pub(crate) struct Scratch(pub(crate) PathBuf);

impl Scratch {
    pub(crate) fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("iamsim-field-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }
    fn write(&self, rel: &str, text: impl AsRef<[u8]>) {
        let path = self.0.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn load_errors(dir: &Path) -> Vec<(Code, String)> {
    match World::load(dir) {
        Ok(_) => Vec::new(),
        Err(e) => e
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .map(|d| (d.code, d.message.clone()))
            .collect(),
    }
}

/// A hand-built `get-account-authorization-details` export (users with tags and a boundary,
/// a group, roles with an instance profile, a path and a customer managed boundary, customer
/// managed policies with two versions, AWS managed policies with their documents inline, one
/// inline policy URL-encoded as the raw API gives it) imports, loads and answers its tests.
/// ReadOnlyAccess is far over the 6,144-character quota of policies a customer creates; AWS
/// created it, so no quota applies (rule 1.28).
#[test]
fn rule_1_28_a_real_account_export_imports_loads_and_answers_its_tests() {
    let export = root().join("fixtures/export/real-account");
    let out = Scratch::new("real-account");
    let world_dir = out.0.join("world");
    let summary = import(&export, &world_dir).unwrap();
    assert_eq!(
        (
            summary.users,
            summary.groups,
            summary.roles,
            summary.buckets
        ),
        (3, 1, 3, 1)
    );
    let world = World::load(&world_dir).unwrap_or_else(|e| {
        panic!(
            "{:?}",
            e.diagnostics
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
        )
    });
    let readonly = std::fs::read_to_string(
        world_dir.join("policies/111122223333/aws-managed/ReadOnlyAccess.json"),
    )
    .unwrap();
    assert!(
        iamsim_policy::quota::check(&readonly, iamsim_policy::quota::QuotaKind::ManagedPolicy)
            .is_some(),
        "the fixture must hold a document over the customer quota"
    );
    let cases = load_tests(&world, &export.join("tests.json")).unwrap();
    assert!(cases.len() >= 10);
    for o in run_tests(&world, &cases) {
        assert!(o.passed(), "{}: {:?}", o.case.name, o.failure);
    }
}

fn world_with(dir: &Scratch, account: serde_json::Value) {
    dir.write(
        "world.json",
        serde_json::to_string_pretty(&json!({ "accounts": { "111122223333": account } })).unwrap(),
    );
}

/// The customer quota still holds for what a customer creates: the same document as a customer
/// managed policy is refused, and an account's copy of an AWS managed policy larger than any AWS
/// publishes is refused before it is read (a bound on hostile input).
#[test]
fn rule_1_28_quotas_apply_by_who_created_the_policy() {
    let readonly = iamsim_engine::managed::aws_managed_policy("ReadOnlyAccess").unwrap();
    let t = Scratch::new("customer-copy");
    t.write("policies/ro.json", readonly);
    world_with(
        &t,
        json!({"policies": {"MyReadOnly": "policies/ro.json"},
               "users": {"u": {"policies": ["arn:aws:iam::111122223333:policy/MyReadOnly"]}}}),
    );
    let errors = load_errors(&t.0);
    assert!(
        errors
            .iter()
            .any(|(c, _)| *c == Code::PolicySizeExceedsIdentityPolicyQuota),
        "{errors:?}"
    );

    let t = Scratch::new("aws-copy");
    t.write("policies/ro.json", readonly);
    world_with(
        &t,
        json!({"aws_managed_policies": {"arn:aws:iam::aws:policy/ReadOnlyAccess": "policies/ro.json"},
               "users": {"u": {"policies": ["arn:aws:iam::aws:policy/ReadOnlyAccess"]}}}),
    );
    assert_eq!(load_errors(&t.0), Vec::new());

    let huge = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Action": (0..30_000).map(|i| format!("s3:Get{i}")).collect::<Vec<_>>(), "Resource": "*"}]});
    let t = Scratch::new("aws-copy-huge");
    t.write("policies/huge.json", huge.to_string());
    world_with(
        &t,
        json!({"aws_managed_policies": {"arn:aws:iam::aws:policy/ReadOnlyAccess": "policies/huge.json"},
               "users": {"u": {"policies": ["arn:aws:iam::aws:policy/ReadOnlyAccess"]}}}),
    );
    let errors = load_errors(&t.0);
    assert!(
        errors.iter().any(|(c, _)| *c == Code::InputTooLarge),
        "{errors:?}"
    );
}

/// An AWS managed policy newer than the bundled copy loads from the account's export, and only
/// for that account's users; keys that are not AWS managed policy ARNs are refused.
#[test]
fn an_accounts_copy_answers_for_that_account_only() {
    let t = Scratch::new("newer");
    t.write(
        "policies/new.json",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}"#,
    );
    let world = json!({"accounts": {
        "111122223333": {
            "aws_managed_policies": {"arn:aws:iam::aws:policy/ExampleServiceNewerThanTheCatalog": "policies/new.json"},
            "users": {"u": {"policies": ["arn:aws:iam::aws:policy/ExampleServiceNewerThanTheCatalog"]}}
        },
        "444455556666": {
            "users": {"v": {"policies": ["arn:aws:iam::aws:policy/ExampleServiceNewerThanTheCatalog"]}}
        }
    }});
    t.write("world.json", world.to_string());
    let errors = load_errors(&t.0);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].0, Code::UnknownReference);

    let t = Scratch::new("bad-key");
    world_with(
        &t,
        json!({"aws_managed_policies": {"arn:aws:iam::111122223333:policy/Mine": {"Version": "2012-10-17", "Statement": []}}}),
    );
    let errors = load_errors(&t.0);
    assert!(
        errors.iter().any(|(c, _)| *c == Code::InvalidValue),
        "{errors:?}"
    );
}

/// One page of a paginated export could leave out a Deny: refused.
#[test]
fn a_truncated_export_is_refused() {
    let t = Scratch::new("truncated");
    t.write(
        "export/accounts/111122223333/authorization-details.json",
        json!({"UserDetailList": [], "IsTruncated": true, "Marker": "AAAA"}).to_string(),
    );
    let e = import(&t.0.join("export"), &t.0.join("world")).unwrap_err();
    assert!(e.message.contains("IsTruncated"), "{e}");
}

/// On an imported world, the accounts' copies of AWS managed policies are AWS's to fix: `lint`
/// skips them, as it skips the bundled copies, but the access checks count what they grant
/// (Carol's AdministratorAccess allows iam:CreateUser).
#[test]
fn lint_skips_the_aws_managed_copies_and_check_counts_them() {
    let out = Scratch::new("lint-check");
    let world_dir = out.0.join("world");
    import(&root().join("fixtures/export/real-account"), &world_dir).unwrap();
    let dir = world_dir.to_str().unwrap();
    let lint = crate::support::iamsim(&["lint", dir]);
    let text = crate::support::stdout(&lint);
    // The one finding is the stored old version of WebAssetsRead (`s3:*` on `*`), which
    // `iam:SetDefaultPolicyVersion` can put back in force: every stored version is linted.
    assert_eq!(lint.status.code(), Some(1), "{text}");
    assert!(
        text.contains(
            "managed/WebAssetsRead.v1.json:4:17: security[SERVICE_WILDCARD_ON_ALL_RESOURCES]"
        ),
        "{text}"
    );
    assert!(text.contains("1 security"), "{text}");
    assert!(!text.contains("aws-managed/"), "{text}");
    let check = crate::support::iamsim(&[
        "check",
        "access-not-granted",
        "--action",
        "iam:CreateUser",
        dir,
    ]);
    let text = crate::support::stdout(&check);
    assert_eq!(check.status.code(), Some(1), "{text}");
    assert!(
        text.contains("aws-managed/AdministratorAccess.json"),
        "{text}"
    );
    assert!(!text.contains("aws-managed/ReadOnlyAccess.json"), "{text}");
}

/// An AWS managed policy attached by ARN grants access: `check access-not-granted` reads the
/// bundled copy instead of passing over it (a world whose only other policy is harmless used to
/// PASS although AdministratorAccess allows the action); an ARN iamsim has no copy of stops
/// the check (exit 2), never a pass.
#[test]
fn check_counts_aws_managed_policies_attached_by_arn() {
    let t = Scratch::new("check-arn");
    let harmless = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]});
    let world = |arn: &str| {
        json!({"accounts": {"111122223333": {"users": {
            "admin": {"policies": [arn]},
            "reader": {"policies": [harmless.clone()]}
        }}}})
        .to_string()
    };
    t.write(
        "world.json",
        world("arn:aws:iam::aws:policy/AdministratorAccess"),
    );
    let dir = t.0.to_str().unwrap();
    let run = || {
        crate::support::iamsim(&[
            "check",
            "access-not-granted",
            "--action",
            "iam:CreateUser",
            dir,
        ])
    };
    let o = run();
    let text = crate::support::stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{text}");
    assert!(
        text.contains("arn:aws:iam::aws:policy/AdministratorAccess"),
        "{text}"
    );
    t.write(
        "world.json",
        world("arn:aws:iam::aws:policy/NoSuchPolicyIamsimKnows"),
    );
    assert_eq!(run().status.code(), Some(2));
    t.write(
        "world.json",
        world("arn:aws:iam::aws:policy/ReadOnlyAccess"),
    );
    assert_eq!(run().status.code(), Some(0));
}
