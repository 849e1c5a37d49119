//! A question that cannot be asked is refused with a stable code, exit status 2 and nothing
//! decided: the principal, the resource, a `--via` role, a `--context` argument, an account the
//! world lacks.

use crate::support::{iamsim, stderr, stdout};

const WORLD: &str = "fixtures/aws-cli-role-profile";
const USER: &str = "arn:aws:iam::111111111111:user/accounta-user";
const OBJECT: &str = "arn:aws:s3:::cross-account-bucket/test.txt";

/// Runs `args`, checks it was refused with exit 2 and printed nothing on standard output, and
/// gives its standard error.
fn refused(args: &[&str]) -> String {
    let o = iamsim(args);
    assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
    assert_eq!(stdout(&o), "", "{args:?}");
    stderr(&o)
}

#[test]
fn each_part_of_a_question_has_its_code() {
    let can = |principal: &str, resource: &str, extra: &[&str]| {
        let mut args = vec!["can", "--world", WORLD];
        args.extend_from_slice(extra);
        args.extend_from_slice(&[principal, "s3:PutObject", resource]);
        refused(&args)
    };
    let e = can("accounta-user", OBJECT, &[]);
    assert!(
        e.starts_with(
            "iamsim: error[INVALID_REQUEST_PRINCIPAL]: `accounta-user` is not a principal"
        ),
        "{e}"
    );
    let e = can("arn:aws:iam::111111111111:user/nobody", OBJECT, &[]);
    assert!(
        e.contains("error[UNKNOWN_REQUEST_ENTITY]: the world has no user"),
        "{e}"
    );
    let e = can(USER, "cross-account-bucket/test.txt", &[]);
    assert!(
        e.contains("error[INVALID_REQUEST_RESOURCE]: `cross-account-bucket/test.txt`"),
        "{e}"
    );
    let e = can(USER, OBJECT, &["--via", "arn:aws:iam::222222222222:user/x"]);
    assert!(e.contains("error[INVALID_REQUEST_RESOURCE]:"), "{e}");
    assert!(e.contains("is not a role ARN"), "{e}");
    let e = can(USER, OBJECT, &["--context", "aws:SourceIp"]);
    assert!(
        e.starts_with("iamsim: error[INVALID_CONTEXT_ARGUMENT]: `aws:SourceIp` is not KEY=VALUE"),
        "{e}"
    );
}

#[test]
fn who_can_of_an_account_the_world_lacks_is_refused_with_its_code() {
    let e = refused(&[
        "who-can",
        "--world",
        "fixtures/escalation/admin",
        "--admin",
        "--account",
        "444444444444",
    ]);
    assert!(
        e.contains(
            "error[UNKNOWN_REQUEST_ENTITY]: account `444444444444` is not an account of the world"
        ),
        "{e}"
    );
}
