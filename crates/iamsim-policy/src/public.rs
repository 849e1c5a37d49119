//! What makes a resource-based policy public (rule 7.11): the one definition the
//! engine's Block Public Access rule (7.10) and the lint and `check no-public-access` gates use.
//!
//! A policy is public when one of its `Allow` statements grants to everyone (`"Principal": "*"`,
//! a `Federated` principal, or `NotPrincipal`) with no condition that restricts it to fixed
//! values of the keys AWS lists. Where AWS's list is unclear (`aws:PrincipalAccount`,
//! `aws:PrincipalArn`, ...) the key does not restrict: "public" is the side that never grants
//! more (under RestrictPublicBuckets a public policy's cross-account grants stop working) and
//! never passes a gate it should fail.
//!
//! KMS key policies (13.3): `kms:CallerAccount`, the caller's account on every request that uses
//! a key, restricts like `aws:SourceAccount` does for a service: `"Principal": {"AWS": "*"}` with
//! `StringEquals kms:CallerAccount` = one account is "every principal of that account", the form
//! of every AWS managed key's policy, and not public. `kms:ViaService` alone does not restrict:
//! any account's principals can call through the service.

use crate::condition::{OperatorBase, ParsedValue, SetOperator};
use crate::{AwsPrincipal, Condition, Effect, Policy, PrincipalKind, PrincipalValue, Statement};

/// Keys whose fixed values make a grant to everyone non-public (7.11), lower-cased.
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
    "kms:calleraccount",
];

/// A bucket (or other resource-based) policy is public when any Allow statement is; Deny
/// statements never are.
pub fn policy_is_public(policy: &Policy) -> bool {
    policy.statements.iter().any(statement_is_public)
}

/// An `Allow` statement that grants to everyone with no restricting condition.
#[inline]
pub fn statement_is_public(stmt: &Statement) -> bool {
    if stmt.effect.value != Effect::Allow {
        return false;
    }
    let Some(block) = &stmt.principal else {
        return false;
    };
    let everyone = block.kind == PrincipalKind::NotPrincipal
        || block.entries.iter().any(|e| {
            matches!(
                e.value,
                PrincipalValue::Aws(AwsPrincipal::Everyone) | PrincipalValue::Federated(_)
            )
        });
    everyone && !stmt.conditions.iter().any(restricts)
}

/// Whether the condition restricts a grant to fixed values of a key AWS lists (7.11): a positive
/// string, ARN or IP operator (not `...IfExists`, not `ForAllValues`, which a request without
/// the key meets), every value without a wildcard or policy variable, CIDRs no broader than /8
/// (IPv4) or /32 (IPv6), and `aws:userid` outside the pattern `AROLEID:*`.
pub fn restricts(c: &Condition) -> bool {
    let op = c.operator.value;
    if op.if_exists || op.set == Some(SetOperator::ForAllValues) {
        return false;
    }
    let key = c.key.value.as_str();
    if !RESTRICTING_KEYS.iter().any(|k| k.eq_ignore_ascii_case(key)) {
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
        if t.contains(['*', '?']) || t.contains("${") {
            return false;
        }
        if key.eq_ignore_ascii_case("aws:SourceIp") {
            return match &v.parsed {
                ParsedValue::Ip(net) => ip_is_narrow(net),
                // Not read as an address: it cannot be shown to restrict.
                _ => false,
            };
        }
        true
    })
}

/// No broader than /8 (IPv4) or /32 (IPv6). Every RFC 1918 private range is /8 or narrower.
fn ip_is_narrow(net: &crate::condition::IpNet) -> bool {
    use crate::condition::IpNet;
    match *net {
        IpNet::V4 { prefix, .. } => prefix >= 8,
        IpNet::V6 { prefix, .. } => prefix >= 32,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{parse_policy, PolicyType, Source};

    fn first_statement(condition: &str) -> Statement {
        let text = format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"{condition}}}]}}"#
        );
        let parsed = parse_policy(&Source::new("p.json", text), PolicyType::Resource);
        parsed.policy.unwrap().statements.remove(0)
    }

    #[test]
    fn what_restricts_a_grant_to_everyone() {
        let public = |c: &str| statement_is_public(&first_statement(c));
        assert!(public(""));
        assert!(!public(
            r#","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abc"}}"#
        ));
        assert!(!public(
            r#","Condition":{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}"#
        ));
        assert!(!public(
            r#","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}"#
        ));
        assert!(public(
            r#","Condition":{"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}}"#
        ));
        assert!(public(
            r#","Condition":{"IpAddress":{"aws:SourceIp":"2001:db8::/16"}}"#
        ));
        assert!(!public(
            r#","Condition":{"IpAddress":{"aws:SourceIp":"2001:db8::/48"}}"#
        ));
        assert!(public(
            r#","Condition":{"StringLike":{"aws:SourceVpc":"vpc-*"}}"#
        ));
        assert!(public(
            r#","Condition":{"StringEqualsIfExists":{"aws:SourceVpce":"vpce-1"}}"#
        ));
        assert!(public(
            r#","Condition":{"StringNotEquals":{"aws:SourceAccount":"111111111111"}}"#
        ));
        assert!(public(
            r#","Condition":{"StringEquals":{"aws:SourceArn":"${aws:PrincipalArn}"}}"#
        ));
        // Not in AWS's list of 7.11: the conservative side.
        assert!(public(
            r#","Condition":{"StringEquals":{"aws:PrincipalAccount":"111111111111"}}"#
        ));
        assert!(public(
            r#","Condition":{"Bool":{"aws:SecureTransport":"true"}}"#
        ));
    }

    #[test]
    fn a_key_policy_narrowed_to_one_callers_account_is_not_public() {
        let public = |c: &str| statement_is_public(&first_statement(c));
        // The policy of an AWS managed key: every principal of one account, through one service.
        assert!(!public(
            r#","Condition":{"StringEquals":{"kms:CallerAccount":"111122223333","kms:ViaService":"s3.us-east-1.amazonaws.com"}}"#
        ));
        assert!(!public(
            r#","Condition":{"StringEquals":{"kms:CallerAccount":["111122223333","444455556666"]}}"#
        ));
        // A service any account can call through does not narrow who calls.
        assert!(public(
            r#","Condition":{"StringEquals":{"kms:ViaService":"s3.us-east-1.amazonaws.com"}}"#
        ));
        // Every account, or whatever a request without the key has: public.
        assert!(public(
            r#","Condition":{"StringLike":{"kms:CallerAccount":"*"}}"#
        ));
        assert!(public(
            r#","Condition":{"StringNotEquals":{"kms:CallerAccount":"111122223333"}}"#
        ));
        assert!(public(
            r#","Condition":{"StringEqualsIfExists":{"kms:CallerAccount":"111122223333"}}"#
        ));
        assert!(public(
            r#","Condition":{"StringEquals":{"kms:CallerAccount":"${aws:PrincipalAccount}"}}"#
        ));
    }
}
