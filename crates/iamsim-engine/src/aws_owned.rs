//! Resources whose ARN has no account, outside Amazon S3: AWS-owned SSM documents
//! (`arn:aws:ssm:us-east-1::document/AWS-RunShellScript`) and Amazon Machine Images
//! (`arn:aws:ec2:us-east-1::image/ami-...`). No account of a world owns them and no
//! resource-based policy of a world can cover them (a world declares its resources in an
//! account), so the caller's own policies decide, as they do for an action on `*` (rule 2.10).
//! S3 ARNs also have no account, but buckets have an owner the world declares (7.x): they are
//! not accountless in this sense.

use crate::eval::Target;
use iamsim_policy::arn::Arn;

/// Whether the request's resource is accountless: an ARN outside S3 with an empty account, that
/// the world does not declare.
pub(crate) fn is_accountless(target: &Target<'_>, arn: Option<&Arn<'_>>) -> bool {
    matches!(
        target,
        Target::Other {
            account: None,
            policy: None,
            tags: None,
            ..
        }
    ) && arn.is_some_and(|a| a.account.is_empty() && a.service != "s3")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accountless(resource: &str) -> bool {
        let world = crate::World::default();
        let arn = iamsim_policy::arn::parse_arn(resource).ok();
        let target = crate::eval::resolve_target(&world, resource, arn.as_ref());
        is_accountless(&target, arn.as_ref())
    }

    #[test]
    fn rule_2_10_arns_without_an_account_outside_s3() {
        assert!(accountless(
            "arn:aws:ssm:us-east-1::document/AWS-RunShellScript"
        ));
        assert!(accountless(
            "arn:aws:ec2:us-east-1::image/ami-0abcdef1234567890"
        ));
        assert!(!accountless("arn:aws:s3:::bucket/key"));
        assert!(!accountless("arn:aws:s3:us-east-1::accesspoint/x"));
        assert!(!accountless(
            "arn:aws:ssm:us-east-1:111111111111:document/Mine"
        ));
        assert!(!accountless("*"));
        assert!(!accountless("not an arn"));
    }
}
