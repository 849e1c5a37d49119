//! The per-service tables of docs/rules.md section 13, as data: which KMS operations work across
//! accounts, which operations grants can allow, which requests need a companion KMS request on
//! the key of what they read or write, and which operations of other services never work across
//! accounts. The rules that read them live in the engine (its `kms`, `companion` and `resources` modules).

/// 13.7 and the "crypto operations" of section 13: the KMS operations that use a key's material.
pub const KMS_CRYPTO: &[&str] = &[
    "Encrypt",
    "Decrypt",
    "ReEncryptFrom",
    "ReEncryptTo",
    "GenerateDataKey",
    "GenerateDataKeyWithoutPlaintext",
    "GenerateDataKeyPair",
    "GenerateDataKeyPairWithoutPlaintext",
    "Sign",
    "Verify",
    "GenerateMac",
    "VerifyMac",
    "DeriveSharedSecret",
];

/// 13.7: besides the crypto operations, the KMS operations whose "Cross-account use" is yes in
/// the KMS permissions reference. Any other KMS operation from another account has no effect.
pub const KMS_CROSS_ACCOUNT_EXTRA: &[&str] = &[
    "CreateGrant",
    "DescribeKey",
    "GetKeyRotationStatus",
    "GetPublicKey",
    "ListGrants",
    "RetireGrant",
    "RevokeGrant",
];

/// 13.8: besides the crypto operations, what a grant can allow (grant operation names as
/// `aws kms list-grants` prints them).
pub const KMS_GRANT_EXTRA: &[&str] = &["CreateGrant", "DescribeKey", "GetPublicKey", "RetireGrant"];

/// 13.9: grant operations a constraint does not restrict (they take no encryption context).
pub const KMS_CONTEXT_FREE: &[&str] =
    &["DescribeKey", "RetireGrant", "GetPublicKey", "CreateGrant"];

/// 13.12: the only KMS operations an AWS managed key's account statement covers (prefixes).
pub const KMS_AWS_MANAGED_READ_PREFIXES: &[&str] = &["Describe", "Get", "List"];

/// Whether a KMS companion request is required for the answer to be ALLOW, or only for part of
/// what the request may do (13.14: multipart uploads).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Need {
    /// Without it the request fails.
    Required,
    /// Without it single-part uploads work and multipart uploads fail: INDETERMINATE.
    Multipart,
}

/// A request that also needs KMS requests on the key its resource is encrypted with.
pub struct KmsCompanion {
    /// The action, `service:Name`, as AWS spells it.
    pub action: &'static str,
    /// The KMS actions it needs, each with what its absence means.
    pub kms: &'static [(&'static str, Need)],
    /// The rule that says so.
    pub rule: &'static str,
}

/// 13.13, 13.14, 13.21, 13.24: requests through a service on an encrypted resource.
pub const KMS_COMPANIONS: &[KmsCompanion] = &[
    KmsCompanion {
        action: "s3:GetObject",
        kms: &[("kms:Decrypt", Need::Required)],
        rule: "13.13",
    },
    KmsCompanion {
        action: "s3:PutObject",
        kms: &[
            ("kms:GenerateDataKey", Need::Required),
            ("kms:Decrypt", Need::Multipart),
        ],
        rule: "13.13, 13.14",
    },
    KmsCompanion {
        action: "sqs:SendMessage",
        kms: &[
            ("kms:GenerateDataKey", Need::Required),
            ("kms:Decrypt", Need::Required),
        ],
        rule: "13.21",
    },
    KmsCompanion {
        action: "sqs:SendMessageBatch",
        kms: &[
            ("kms:GenerateDataKey", Need::Required),
            ("kms:Decrypt", Need::Required),
        ],
        rule: "13.21",
    },
    KmsCompanion {
        action: "sqs:ReceiveMessage",
        kms: &[("kms:Decrypt", Need::Required)],
        rule: "13.21",
    },
    KmsCompanion {
        action: "secretsmanager:GetSecretValue",
        kms: &[("kms:Decrypt", Need::Required)],
        rule: "13.24",
    },
    KmsCompanion {
        action: "secretsmanager:PutSecretValue",
        kms: &[
            ("kms:GenerateDataKey", Need::Required),
            ("kms:Decrypt", Need::Required),
        ],
        rule: "13.24",
    },
    KmsCompanion {
        action: "secretsmanager:UpdateSecret",
        kms: &[
            ("kms:GenerateDataKey", Need::Required),
            ("kms:Decrypt", Need::Required),
        ],
        rule: "13.24",
    },
    KmsCompanion {
        action: "secretsmanager:RotateSecret",
        kms: &[
            ("kms:GenerateDataKey", Need::Required),
            ("kms:Decrypt", Need::Required),
        ],
        rule: "13.24",
    },
];

/// The default key a service encrypts with when a resource names none (13.21, 13.24): `None`
/// for service-owned keys that need no KMS permission.
pub fn default_key_alias(service: &str) -> Option<&'static str> {
    match service {
        "secretsmanager" => Some("alias/aws/secretsmanager"),
        _ => None,
    }
}

/// Which operations of a service work across accounts (13.20, 13.24, 13.26, 13.27).
pub enum CrossAccount {
    /// These never work across accounts; the rest follow 13.19.
    Except(&'static [&'static str]),
    /// Only these work across accounts.
    Only(&'static [&'static str]),
}

/// Per service: its cross-account operations, and the rule that says so.
pub const CROSS_ACCOUNT: &[(&str, CrossAccount, &str)] = &[
    (
        "sqs",
        CrossAccount::Except(&[
            "AddPermission",
            "CancelMessageMoveTask",
            "CreateQueue",
            "DeleteQueue",
            "ListMessageMoveTasks",
            "ListQueues",
            "ListQueueTags",
            "RemovePermission",
            "SetQueueAttributes",
            "StartMessageMoveTask",
            "TagQueue",
            "UntagQueue",
        ]),
        "13.20",
    ),
    (
        "secretsmanager",
        CrossAccount::Only(&[
            "CancelRotateSecret",
            "DeleteResourcePolicy",
            "DeleteSecret",
            "DescribeSecret",
            "GetResourcePolicy",
            "GetSecretValue",
            "ListSecretVersionIds",
            "PutResourcePolicy",
            "PutSecretValue",
            "RemoveRegionsFromReplication",
            "ReplicateSecretToRegions",
            "RestoreSecret",
            "RotateSecret",
            "StopReplicationToReplica",
            "TagResource",
            "UntagResource",
            "UpdateSecret",
            "UpdateSecretVersionStage",
            "ValidateResourcePolicy",
        ]),
        "13.24",
    ),
    (
        "dynamodb",
        CrossAccount::Only(DYNAMODB_CROSS_ACCOUNT),
        "13.26",
    ),
    (
        "events",
        CrossAccount::Only(&["PutEvents", "PutRule", "PutTargets"]),
        "13.27",
    ),
];

/// 13.26: the DynamoDB IAM actions whose API operations the DynamoDB Developer Guide marks
/// "Cross-account support: Yes" (*DynamoDB API operations supported by resource-based policies*,
/// <https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/rbac-iam-actions.html>), by
/// the sections of that page. Transactions have no actions of their own: `TransactGetItems` and
/// `TransactWriteItems` (both "Yes") are authorized as the item actions they carry, of which
/// `ConditionCheckItem` is theirs alone. Every other action is "No" there or not listed — PartiQL
/// (`PartiQLSelect`, ...), `CreateTable`, global tables, backups, point-in-time recovery,
/// Contributor Insights, exports, imports, Kinesis streaming destinations, resource policies,
/// time to live — and does not work across accounts (fail closed for one the page omits).
pub const DYNAMODB_CROSS_ACCOUNT: &[&str] = &[
    // Data plane, tables and indexes.
    "BatchGetItem",
    "BatchWriteItem",
    "ConditionCheckItem",
    "DeleteItem",
    "GetItem",
    "PutItem",
    "Query",
    "Scan",
    "UpdateItem",
    // Control plane, tables.
    "DeleteTable",
    "DescribeTable",
    "UpdateTable",
    // Tags.
    "ListTagsOfResource",
    "TagResource",
    "UntagResource",
    // DynamoDB Streams (`ListStreams` names no stream).
    "DescribeStream",
    "GetRecords",
    "GetShardIterator",
];

/// 13.25: ECR image pushes and pulls, which need `ecr:GetAuthorizationToken` from an identity
/// policy besides the repository request.
pub const ECR_IMAGE_ACTIONS: &[&str] = &[
    "BatchCheckLayerAvailability",
    "BatchGetImage",
    "CompleteLayerUpload",
    "GetDownloadUrlForLayer",
    "InitiateLayerUpload",
    "PutImage",
    "UploadLayerPart",
];

/// Case-insensitive membership (AWS action names are case-insensitive).
pub fn has(list: &[&str], name: &str) -> bool {
    list.iter().any(|n| n.eq_ignore_ascii_case(name))
}

/// Whether `name` (without its `kms:` prefix) is a crypto operation. `ReEncrypt*` requests are
/// `ReEncryptFrom` / `ReEncryptTo` in policies and grants.
pub fn kms_is_crypto(name: &str) -> bool {
    has(KMS_CRYPTO, name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_name_each_entry_once() {
        let mut all: Vec<&str> = KMS_CRYPTO.to_vec();
        all.extend(KMS_CROSS_ACCOUNT_EXTRA);
        let mut sorted = all.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), all.len());
        for c in KMS_COMPANIONS {
            assert!(c.action.contains(':'));
            for (k, _) in c.kms {
                assert!(k.starts_with("kms:") && kms_is_crypto(&k[4..]), "{k}");
            }
        }
        assert!(has(ECR_IMAGE_ACTIONS, "batchgetimage"));
        assert!(!kms_is_crypto("ScheduleKeyDeletion"));
    }

    /// Every name of the cross-account tables is an IAM action of its service in the catalog
    /// (a misspelt or API-only name, such as `TransactGetItems`, would never match a request).
    #[test]
    fn cross_account_tables_name_catalog_actions() {
        let cat = crate::catalog();
        for (svc, rule, _) in CROSS_ACCOUNT {
            let service = cat.service(svc).unwrap();
            let (CrossAccount::Except(list) | CrossAccount::Only(list)) = rule;
            for name in *list {
                assert!(service.action(name).is_some(), "{svc}:{name}");
            }
        }
        let kms = cat.service("kms").unwrap();
        for name in KMS_CROSS_ACCOUNT_EXTRA.iter().chain(KMS_CRYPTO) {
            // Policies write `kms:ReEncrypt*`; the catalog names its two halves.
            assert!(kms.action(name).is_some(), "kms:{name}");
        }
        assert!(has(DYNAMODB_CROSS_ACCOUNT, "DeleteTable"));
        assert!(!has(DYNAMODB_CROSS_ACCOUNT, "CreateTable"));
        assert!(!has(DYNAMODB_CROSS_ACCOUNT, "PartiQLSelect"));
        assert!(!has(DYNAMODB_CROSS_ACCOUNT, "UpdateTimeToLive"));
    }
}
