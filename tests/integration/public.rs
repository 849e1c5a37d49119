//! One definition of a public policy (7.11) for the decision engine and the CI gate: a policy
//! `can` treats as public under Block Public Access is one `check no-public-access` fails.

use crate::support::{iamsim, stdout};

const WORLD: &str = "fixtures/rules/public-principal-account";

#[test]
fn can_and_check_no_public_access_agree_on_what_is_public() {
    // `can`: the grant to `*` limited by aws:PrincipalAccount is public, so RestrictPublicBuckets
    // blocks its cross-account grant; with Block Public Access off it works.
    let o = iamsim(&["test", WORLD]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    // `check no-public-access` on the same bucket policy must not pass it.
    let policy = format!("{WORLD}/policies/partner-data-bucket.json");
    let o = iamsim(&["check", "no-public-access", &policy]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("aws:PrincipalAccount"),
        "{}",
        stdout(&o)
    );
}

/// A key policy's grant to `*` narrowed by `kms:CallerAccount` to one account is every principal
/// of that account (13.3), as in every AWS managed key's policy: not public for `lint` nor for
/// `check no-public-access`. Narrowed only by `kms:ViaService`, any account's principals may
/// call through the service: public for both.
#[test]
fn a_key_policy_narrowed_by_the_callers_account_is_not_public() {
    let managed = "fixtures/kms/aws-managed/aws-s3-key-policy.json";
    let o = iamsim(&["check", "no-public-access", managed]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let o = iamsim(&["lint", "--no-config", managed]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(!stdout(&o).contains("PUBLIC_ACCESS"), "{}", stdout(&o));

    let text = std::fs::read_to_string(crate::support::root().join(managed)).unwrap();
    let without = text.replace(r#""kms:CallerAccount": "222222222222", "#, "");
    assert_ne!(text, without, "the fixture names kms:CallerAccount");
    let dir = std::env::temp_dir().join(format!("iamsim-public-kms-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("via-service-only.json");
    std::fs::write(&file, without).unwrap();
    let file = file.to_str().unwrap();
    let o = iamsim(&["check", "no-public-access", file]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(stdout(&o).contains("kms:ViaService"), "{}", stdout(&o));
    let o = iamsim(&["lint", "--no-config", file]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(stdout(&o).contains("PUBLIC_ACCESS"), "{}", stdout(&o));
    let _ = std::fs::remove_dir_all(&dir);
}

/// In a world, a bucket policy granting only a principal of the world is not public: the gate's
/// policy world puts the bucket in an account of its own, whose root is the bucket's owner and not
/// an account outside the world (this used to FAIL). The same policy granting that stand-in
/// account's id, which the world does not hold, is access from outside and fails.
#[test]
fn the_policy_worlds_own_account_is_not_outside_the_world() {
    let o = iamsim(&["check", "no-public-access", "fixtures/kms/sse-kms-objects"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));

    let dir = std::env::temp_dir().join(format!("iamsim-public-owner-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let world = r#"{"accounts": {"222222222222": {"buckets": {"b": {"policy": {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:root"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}
    ]}}}}}}"#;
    std::fs::write(dir.join("world.json"), world).unwrap();
    let o = iamsim(&["check", "no-public-access", dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(stdout(&o).contains("111111111111"), "{}", stdout(&o));
    let _ = std::fs::remove_dir_all(&dir);
}
