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
