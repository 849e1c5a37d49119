//! Amazon S3 specifics: Block Public Access and what makes a bucket policy public (7.10, 7.11).

use crate::world::{Bucket, World};
use iamsim_policy::condition::{OperatorBase, SetOperator};
use iamsim_policy::{AwsPrincipal, Effect, Policy, PrincipalKind, PrincipalValue, Statement};

/// Is RestrictPublicBuckets in force for the bucket (bucket or account level, 7.10)?
pub fn restrict_public_buckets(world: &World, bucket: &Bucket) -> bool {
    bucket.block_public_access.restrict_public_buckets
        || world
            .account(&bucket.account)
            .is_some_and(|a| a.block_public_access.restrict_public_buckets)
}

/// A bucket policy is public when any Allow statement is (7.11); Deny statements never are.
pub fn policy_is_public(policy: &Policy) -> bool {
    policy.statements.iter().any(statement_is_public)
}

/// Keys whose fixed values make a `*` grant non-public (7.11). Keys the current page may add
/// (aws:PrincipalAccount, aws:PrincipalArn, ...) stay public: the conservative side (12.B).
const RESTRICTING_KEYS: &[&str] = &[
    "aws:principalorgid",
    "aws:sourceip",
    "aws:sourcearn",
    "aws:sourcevpc",
    "aws:sourcevpce",
    "aws:sourceowner",
    "aws:sourceaccount",
    "s3:x-amz-server-side-encryption-aws-kms-key-id",
    "aws:userid",
    "s3:dataaccesspointarn",
    "s3:dataaccesspointaccount",
];

pub fn statement_is_public(stmt: &Statement) -> bool {
    if stmt.effect.value != Effect::Allow {
        return false;
    }
    let Some(block) = &stmt.principal else {
        return false;
    };
    let open = block.kind == PrincipalKind::NotPrincipal
        || block.entries.iter().any(|e| {
            matches!(
                e.value,
                PrincipalValue::Aws(AwsPrincipal::Everyone) | PrincipalValue::Federated(_)
            )
        });
    if !open {
        return false;
    }
    !stmt.conditions.iter().any(restricts)
}

fn restricts(c: &iamsim_policy::Condition) -> bool {
    let op = c.operator.value;
    let key = c.key.value.to_ascii_lowercase();
    if op.if_exists || op.set == Some(SetOperator::ForAllValues) {
        return false;
    }
    if !RESTRICTING_KEYS.contains(&key.as_str()) {
        return false;
    }
    let positive = matches!(
        op.base,
        OperatorBase::StringEquals
            | OperatorBase::StringEqualsIgnoreCase
            | OperatorBase::StringLike
            | OperatorBase::ArnEquals
            | OperatorBase::ArnLike
            | OperatorBase::IpAddress
    );
    if !positive || c.values.is_empty() {
        return false;
    }
    c.values.iter().all(|v| {
        let t = &v.text;
        if t.contains('*') || t.contains('?') || t.contains("${") {
            return false;
        }
        if key == "aws:sourceip" {
            return narrow_enough(t);
        }
        if key == "aws:userid" {
            return !t.ends_with(":*");
        }
        true
    })
}

/// CIDRs no broader than /8 (IPv4) or /32 (IPv6) restrict; broader ones are public (7.11).
fn narrow_enough(cidr: &str) -> bool {
    let (addr, prefix) = match cidr.split_once('/') {
        Some((a, p)) => (a, p.parse::<u8>().ok()),
        None => (cidr, None),
    };
    let v6 = addr.contains(':');
    match prefix {
        None => true,
        Some(p) if v6 => p >= 32,
        Some(p) => p >= 8,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cidr_breadth() {
        assert!(narrow_enough("10.0.0.0/8"));
        assert!(!narrow_enough("0.0.0.0/0"));
        assert!(narrow_enough("203.0.113.7"));
        assert!(!narrow_enough("2001:db8::/16"));
        assert!(narrow_enough("2001:db8::/48"));
    }
}
