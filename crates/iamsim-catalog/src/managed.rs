//! AWS managed policies shipped inside the binary (a snapshot of AWS's published documents), and
//! the AWS Organizations default policies FullAWSAccess and RCPFullAWSAccess.

use serde_json::value::RawValue;
use std::collections::HashMap;
use std::sync::OnceLock;

const DATA: &str = include_str!("../data/aws-managed-policies.json");

/// The SCP AWS attaches to every organization node by default.
pub const FULL_AWS_ACCESS: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;

/// The RCP AWS attaches to every organization node; it cannot be detached.
pub const RCP_FULL_AWS_ACCESS: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}"#;

/// The ARN of FullAWSAccess.
pub const FULL_AWS_ACCESS_ARN: &str =
    "arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess";
/// The ARN of RCPFullAWSAccess.
pub const RCP_FULL_AWS_ACCESS_ARN: &str =
    "arn:aws:organizations::aws:policy/resource_control_policy/p-RCPFullAWSAccess";

#[derive(serde::Deserialize)]
struct Entry<'a> {
    #[serde(borrow)]
    document: &'a RawValue,
}

#[derive(serde::Deserialize)]
struct Data<'a> {
    #[serde(borrow)]
    policies: HashMap<&'a str, Entry<'a>>,
}

fn index() -> &'static HashMap<&'static str, &'static str> {
    static INDEX: OnceLock<HashMap<&'static str, &'static str>> = OnceLock::new();
    INDEX.get_or_init(|| match serde_json::from_str::<Data<'static>>(DATA) {
        Ok(data) => data
            .policies
            .into_iter()
            .map(|(name, entry)| (name, entry.document.get()))
            .collect(),
        // The data is a build input checked by tests; an unreadable copy means no managed policy
        // resolves, which every world that uses one reports as an error.
        Err(_) => HashMap::new(),
    })
}

/// The document of the AWS managed policy `name` (the last part of its ARN), as JSON text.
pub fn aws_managed_policy(name: &str) -> Option<&'static str> {
    index().get(name).copied()
}

/// How many AWS managed policies are bundled.
pub fn aws_managed_policy_count() -> usize {
    index().len()
}

/// Every bundled AWS managed policy, by name.
pub fn aws_managed_policies() -> impl Iterator<Item = (&'static str, &'static str)> {
    index().iter().map(|(k, v)| (*k, *v))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policies_the_tutorials_use_resolve() {
        for name in [
            "AmazonS3FullAccess",
            "AmazonS3ReadOnlyAccess",
            "AmazonRDSFullAccess",
            "ReadOnlyAccess",
            "AdministratorAccess",
        ] {
            let doc = aws_managed_policy(name).unwrap_or_default();
            assert!(doc.contains("\"Statement\""), "{name} did not resolve");
        }
        assert_eq!(aws_managed_policy_count(), 1523);
        assert!(aws_managed_policy("NoSuchPolicy").is_none());
    }
}
