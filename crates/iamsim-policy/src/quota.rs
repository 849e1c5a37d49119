//! AWS's size quotas for policy documents (rule 1.28), in one table that the parser,
//! `iamsim lint` and the world loader all read.
//!
//! AWS counts differently per kind: IAM leaves whitespace out (outside strings too: it counts
//! what is left after the JSON is minified, so spaces inside a string value count), Organizations
//! and STS count every character, S3 and KMS count bytes. Inline identity policies are bounded
//! together per user, group or role; a world does not say whether an entity's policy is inline or
//! managed, so every identity document is held to the managed-policy row, and the inline rows
//! wait for a caller that knows. AWS managed policies are live in AWS and are not held to any row.

use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::model::PolicyType;

/// How a quota counts a document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Counting {
    /// Characters, leaving out whitespace outside string values (IAM).
    CharactersWithoutWhitespace,
    /// Every character, whitespace included (Organizations, STS).
    Characters,
    /// UTF-8 bytes (S3, KMS).
    Bytes,
}

impl Counting {
    /// The unit in words, for messages (`bytes`).
    pub fn unit(self) -> &'static str {
        match self {
            Counting::CharactersWithoutWhitespace => "characters not counting whitespace",
            Counting::Characters => "characters including whitespace",
            Counting::Bytes => "bytes",
        }
    }
}

/// What a quota bounds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum QuotaKind {
    /// A customer managed policy, also when used as a permissions boundary.
    ManagedPolicy,
    /// The inline policies of one IAM user, together.
    UserInline,
    /// The inline policies of one IAM group, together.
    GroupInline,
    /// The inline policies of one IAM role, together.
    RoleInline,
    /// A role trust policy at the default quota (raisable).
    TrustPolicy,
    /// A session policy passed to `AssumeRole`.
    SessionPolicy,
    /// A service control policy.
    Scp,
    /// A resource control policy.
    Rcp,
    /// An S3 bucket policy.
    BucketPolicy,
    /// A KMS key policy.
    KeyPolicy,
    /// An SQS queue policy.
    QueuePolicy,
    /// An SNS topic policy.
    TopicPolicy,
    /// A Lambda function's resource-based policy.
    FunctionPolicy,
    /// A Secrets Manager secret's resource policy.
    SecretPolicy,
    /// An ECR repository policy.
    RepositoryPolicy,
    /// A DynamoDB table's or stream's resource-based policy.
    TablePolicy,
}

/// One row of the table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SizeQuota {
    /// What the row bounds.
    pub kind: QuotaKind,
    /// The bounded document in words, for messages (`a managed policy`).
    pub what: &'static str,
    /// The default quota, in the row's unit.
    pub limit: usize,
    /// How the document's size is measured against `limit`.
    pub counting: Counting,
    /// The code a document over the limit is reported under (Access Analyzer's where it has one).
    pub code: Code,
    /// The grade Access Analyzer gives it (iamsim's own where Access Analyzer has no check).
    pub severity: Severity,
    /// Past this the document is refused whatever the account's raised quota (the trust policy
    /// quota can be raised to 4,096); `None`: the limit is hard.
    pub hard_limit: Option<usize>,
    /// How to get under the quota, for the diagnostic's help line.
    pub help: &'static str,
}

const MANAGED_POLICY: SizeQuota = SizeQuota {
    kind: QuotaKind::ManagedPolicy,
    what: "a managed policy",
    limit: 6_144,
    counting: Counting::CharactersWithoutWhitespace,
    code: Code::PolicySizeExceedsIdentityPolicyQuota,
    severity: Severity::Warning,
    hard_limit: None,
    help: "a managed policy holds at most 6,144 characters; split it into several policies",
};

const USER_INLINE: SizeQuota = SizeQuota {
    kind: QuotaKind::UserInline,
    what: "the inline policies of a user",
    limit: 2_048,
    counting: Counting::CharactersWithoutWhitespace,
    code: Code::PolicySizeExceedsIdentityPolicyQuota,
    severity: Severity::Warning,
    hard_limit: None,
    help: "a user's inline policies hold at most 2,048 characters together; move \
           permissions to managed policies or a group",
};

const GROUP_INLINE: SizeQuota = SizeQuota {
    kind: QuotaKind::GroupInline,
    what: "the inline policies of a group",
    limit: 5_120,
    counting: Counting::CharactersWithoutWhitespace,
    code: Code::PolicySizeExceedsIdentityPolicyQuota,
    severity: Severity::Warning,
    hard_limit: None,
    help: "a group's inline policies hold at most 5,120 characters together; move \
           permissions to managed policies",
};

const ROLE_INLINE: SizeQuota = SizeQuota {
    kind: QuotaKind::RoleInline,
    what: "the inline policies of a role",
    limit: 10_240,
    counting: Counting::CharactersWithoutWhitespace,
    code: Code::PolicySizeExceedsIdentityPolicyQuota,
    severity: Severity::Warning,
    hard_limit: None,
    help: "a role's inline policies hold at most 10,240 characters together; move \
           permissions to managed policies",
};

const TRUST_POLICY: SizeQuota = SizeQuota {
    kind: QuotaKind::TrustPolicy,
    what: "a role trust policy",
    limit: 2_048,
    counting: Counting::CharactersWithoutWhitespace,
    code: Code::PolicySizeExceeded,
    severity: Severity::Warning,
    hard_limit: Some(4_096),
    help: "the default quota is 2,048 characters; it can be raised to 4,096",
};

const SESSION_POLICY: SizeQuota = SizeQuota {
    kind: QuotaKind::SessionPolicy,
    what: "a session policy",
    limit: 2_048,
    counting: Counting::Characters,
    code: Code::PolicySizeExceeded,
    severity: Severity::Error,
    hard_limit: None,
    help: "a session policy holds at most 2,048 characters; pass managed policy ARNs instead",
};

const SCP: SizeQuota = SizeQuota {
    kind: QuotaKind::Scp,
    what: "a service control policy",
    limit: 5_120,
    counting: Counting::Characters,
    code: Code::PolicySizeExceedsScpQuota,
    severity: Severity::Error,
    hard_limit: None,
    help: "an SCP holds at most 5,120 characters; remove whitespace or split the policy",
};

const RCP: SizeQuota = SizeQuota {
    kind: QuotaKind::Rcp,
    what: "a resource control policy",
    limit: 5_120,
    counting: Counting::Characters,
    code: Code::PolicySizeExceeded,
    severity: Severity::Error,
    hard_limit: None,
    help: "an RCP holds at most 5,120 characters; remove whitespace or split the policy",
};

const BUCKET_POLICY: SizeQuota = SizeQuota {
    kind: QuotaKind::BucketPolicy,
    what: "an S3 bucket policy",
    limit: 20_480,
    counting: Counting::Bytes,
    code: Code::PolicySizeExceeded,
    severity: Severity::Error,
    hard_limit: None,
    help: "an S3 bucket policy holds at most 20 KB",
};

const KEY_POLICY: SizeQuota = SizeQuota {
    kind: QuotaKind::KeyPolicy,
    what: "a KMS key policy",
    limit: 32_768,
    counting: Counting::Bytes,
    code: Code::PolicySizeExceeded,
    severity: Severity::Error,
    hard_limit: None,
    help: "a KMS key policy holds at most 32 KB",
};

/// A resource policy row whose size AWS counts in bytes or characters, with an error grade.
const fn resource_row(
    kind: QuotaKind,
    what: &'static str,
    limit: usize,
    counting: Counting,
    help: &'static str,
) -> SizeQuota {
    SizeQuota {
        kind,
        what,
        limit,
        counting,
        code: Code::PolicySizeExceeded,
        severity: Severity::Error,
        hard_limit: None,
        help,
    }
}

/// SQS policy quotas: 8,192 bytes.
const QUEUE_POLICY: SizeQuota = resource_row(
    QuotaKind::QueuePolicy,
    "an SQS queue policy",
    8_192,
    Counting::Bytes,
    "an SQS queue policy holds at most 8,192 bytes",
);
/// SNS policy quotas: 30 KB.
const TOPIC_POLICY: SizeQuota = resource_row(
    QuotaKind::TopicPolicy,
    "an SNS topic policy",
    30_720,
    Counting::Bytes,
    "an SNS topic policy holds at most 30 KB",
);
/// Lambda: a function's resource-based policy is at most 20 KB (GetPolicy's 20,480 characters).
const FUNCTION_POLICY: SizeQuota = resource_row(
    QuotaKind::FunctionPolicy,
    "a Lambda function policy",
    20_480,
    Counting::Characters,
    "a Lambda function's policy holds at most 20 KB; merge statements with wildcards",
);
/// Secrets Manager PutResourcePolicy: at most 20,480 characters.
const SECRET_POLICY: SizeQuota = resource_row(
    QuotaKind::SecretPolicy,
    "a Secrets Manager resource policy",
    20_480,
    Counting::Characters,
    "a secret's resource policy holds at most 20,480 characters",
);
/// ECR SetRepositoryPolicy: at most 10,240 characters.
const REPOSITORY_POLICY: SizeQuota = resource_row(
    QuotaKind::RepositoryPolicy,
    "an ECR repository policy",
    10_240,
    Counting::Characters,
    "an ECR repository policy holds at most 10,240 characters",
);
/// DynamoDB: a resource-based policy is at most 20 KB, whitespace counted.
const TABLE_POLICY: SizeQuota = resource_row(
    QuotaKind::TablePolicy,
    "a DynamoDB resource-based policy",
    20_480,
    Counting::Bytes,
    "a DynamoDB resource-based policy holds at most 20 KB, whitespace included",
);

/// The quotas, as AWS documents them (IAM and STS quotas, Organizations quotas, S3 and KMS
/// API references, and each service's policy quotas for the other resource policies).
pub const SIZE_QUOTAS: &[SizeQuota] = &[
    MANAGED_POLICY,
    USER_INLINE,
    GROUP_INLINE,
    ROLE_INLINE,
    TRUST_POLICY,
    SESSION_POLICY,
    SCP,
    RCP,
    BUCKET_POLICY,
    KEY_POLICY,
    QUEUE_POLICY,
    TOPIC_POLICY,
    FUNCTION_POLICY,
    SECRET_POLICY,
    REPOSITORY_POLICY,
    TABLE_POLICY,
];

impl QuotaKind {
    /// The row a standalone document of `ty` is held to (an identity document as a managed
    /// policy; a resource-based policy as a bucket policy, the kind worlds hold).
    pub fn of(ty: PolicyType) -> QuotaKind {
        match ty {
            PolicyType::Identity | PolicyType::Boundary => QuotaKind::ManagedPolicy,
            PolicyType::Session => QuotaKind::SessionPolicy,
            PolicyType::Trust => QuotaKind::TrustPolicy,
            PolicyType::Resource => QuotaKind::BucketPolicy,
            PolicyType::Scp => QuotaKind::Scp,
            PolicyType::Rcp => QuotaKind::Rcp,
        }
    }

    /// The row of the quota table for this kind (1.28).
    pub fn quota(self) -> &'static SizeQuota {
        match self {
            QuotaKind::ManagedPolicy => &MANAGED_POLICY,
            QuotaKind::UserInline => &USER_INLINE,
            QuotaKind::GroupInline => &GROUP_INLINE,
            QuotaKind::RoleInline => &ROLE_INLINE,
            QuotaKind::TrustPolicy => &TRUST_POLICY,
            QuotaKind::SessionPolicy => &SESSION_POLICY,
            QuotaKind::Scp => &SCP,
            QuotaKind::Rcp => &RCP,
            QuotaKind::BucketPolicy => &BUCKET_POLICY,
            QuotaKind::KeyPolicy => &KEY_POLICY,
            QuotaKind::QueuePolicy => &QUEUE_POLICY,
            QuotaKind::TopicPolicy => &TOPIC_POLICY,
            QuotaKind::FunctionPolicy => &FUNCTION_POLICY,
            QuotaKind::SecretPolicy => &SECRET_POLICY,
            QuotaKind::RepositoryPolicy => &REPOSITORY_POLICY,
            QuotaKind::TablePolicy => &TABLE_POLICY,
        }
    }

    /// The row the policy of the resource `arn` is held to, by its service: an S3 bucket's
    /// (also for services without a row of their own), a KMS key's, a queue's, a topic's, a
    /// function's, a secret's, a repository's or a table's.
    pub fn of_resource(arn: &str) -> QuotaKind {
        let service = arn.split(':').nth(2).unwrap_or("");
        match service {
            "kms" => QuotaKind::KeyPolicy,
            "sqs" => QuotaKind::QueuePolicy,
            "sns" => QuotaKind::TopicPolicy,
            "lambda" => QuotaKind::FunctionPolicy,
            "secretsmanager" => QuotaKind::SecretPolicy,
            "ecr" => QuotaKind::RepositoryPolicy,
            "dynamodb" => QuotaKind::TablePolicy,
            _ => QuotaKind::BucketPolicy,
        }
    }
}

/// The size of `text` (a whole JSON document) as `counting` counts it. Whitespace outside strings
/// is JSON's four whitespace characters; counted on bytes (a character starts at every byte that
/// is not a UTF-8 continuation byte).
pub fn measure(text: &str, counting: Counting) -> usize {
    let starts = |b: u8| (b & 0xC0) != 0x80;
    match counting {
        Counting::Bytes => text.len(),
        Counting::Characters => text.bytes().filter(|b| starts(*b)).count(),
        Counting::CharactersWithoutWhitespace => {
            let mut n = 0;
            let mut in_string = false;
            let mut escaped = false;
            for b in text.bytes() {
                if in_string {
                    if escaped {
                        escaped = false;
                    } else if b == b'\\' {
                        escaped = true;
                    } else if b == b'"' {
                        in_string = false;
                    }
                    n += usize::from(starts(b));
                } else {
                    if b == b'"' {
                        in_string = true;
                    }
                    if !matches!(b, b' ' | b'\t' | b'\n' | b'\r') {
                        n += usize::from(starts(b));
                    }
                }
            }
            n
        }
    }
}

/// Not an AWS quota: AWS managed policies are bound by none of the rows above (ReadOnlyAccess
/// is over 80,000 characters), but a document that claims to be one is read from a world or an
/// export, so it is bounded too, at about twice the largest AWS publishes (135,200 characters
/// not counting whitespace, AWSSupportServiceRolePolicy, in the bundled copy of 2026-03).
pub const AWS_MANAGED_BOUND: usize = 262_144;

/// The size of `text`, a document read as an AWS managed policy, when it is over
/// [`AWS_MANAGED_BOUND`] (counted as IAM counts).
pub fn over_aws_managed_bound(text: &str) -> Option<usize> {
    let size = measure(text, Counting::CharactersWithoutWhitespace);
    (size > AWS_MANAGED_BOUND).then_some(size)
}

/// A document over a warning-graded quota by at most this factor is still read, so `iamsim lint`
/// checks its statements too; past it, reading stops.
pub const READ_ON_FACTOR: usize = 4;

/// What a world loader makes of a diagnostic on a customer document: IAM refuses to store an
/// identity policy over its quota, whatever grade Access Analyzer gives the finding, so the
/// world cannot hold it (an error). Other diagnostics are returned as they are.
pub fn as_stored(d: Diagnostic) -> Diagnostic {
    if d.code == Code::PolicySizeExceedsIdentityPolicyQuota {
        d.with_severity(Severity::Error)
    } else {
        d
    }
}

/// A document over its quota: the row and the size measured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Excess {
    /// The row the document was measured against.
    pub quota: &'static SizeQuota,
    /// The document's size, in the row's unit.
    pub size: usize,
    /// Over the hard limit (or a limit with no raise): AWS refuses the document.
    pub refused: bool,
}

/// Measures `text` against the row of `kind`.
pub fn check(text: &str, kind: QuotaKind) -> Option<Excess> {
    let quota = kind.quota();
    let size = measure(text, quota.counting);
    (size > quota.limit).then(|| Excess {
        quota,
        size,
        refused: quota.hard_limit.is_none_or(|h| size > h),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn every_kind_has_one_row() {
        for q in SIZE_QUOTAS {
            assert_eq!(
                SIZE_QUOTAS.iter().filter(|r| r.kind == q.kind).count(),
                1,
                "{:?}",
                q.kind
            );
            assert_eq!(q.kind.quota().kind, q.kind);
        }
        for ty in PolicyType::ALL {
            assert_eq!(QuotaKind::of(ty).quota().kind, QuotaKind::of(ty));
        }
    }

    #[test]
    fn rule_1_28_iam_leaves_out_whitespace_between_tokens_but_not_inside_strings() {
        let text = "{ \"a b\" :\n\t[ 1 , \"é\" ] }";
        // `{"a b":[1,"é"]}`: 15 characters (é is one).
        assert_eq!(measure(text, Counting::CharactersWithoutWhitespace), 15);
        assert_eq!(measure(text, Counting::Characters), text.chars().count());
        assert_eq!(measure(text, Counting::Bytes), text.len());
        // An escaped quote does not end the string.
        assert_eq!(
            measure(r#"{"a\" b": 1}"#, Counting::CharactersWithoutWhitespace),
            11
        );
    }

    #[test]
    fn rule_1_28_limits_are_exclusive_and_trust_has_a_raisable_quota() {
        let sized = |n: usize| format!("\"{}\"", "x".repeat(n - 2));
        assert!(check(&sized(6_144), QuotaKind::ManagedPolicy).is_none());
        let e = check(&sized(6_145), QuotaKind::ManagedPolicy).unwrap();
        assert_eq!(e.quota.code, Code::PolicySizeExceedsIdentityPolicyQuota);
        assert_eq!(e.quota.severity, Severity::Warning);
        assert!(e.refused);
        let t = check(&sized(3_000), QuotaKind::TrustPolicy).unwrap();
        assert!(!t.refused);
        assert!(
            check(&sized(4_097), QuotaKind::TrustPolicy)
                .unwrap()
                .refused
        );
        assert_eq!(
            check(&sized(5_121), QuotaKind::Scp).unwrap().quota.code,
            Code::PolicySizeExceedsScpQuota
        );
        assert!(check(&sized(32_768), QuotaKind::KeyPolicy).is_none());
        assert!(check(&sized(20_481), QuotaKind::BucketPolicy).is_some());
    }

    #[test]
    fn rule_1_28_aws_managed_policies_have_no_quota_but_a_bound() {
        let sized = |n: usize| format!("\"{}\"", "x".repeat(n - 2));
        // Far over every customer row, under the bound.
        assert!(check(&sized(90_000), QuotaKind::ManagedPolicy).is_some());
        assert_eq!(over_aws_managed_bound(&sized(90_000)), None);
        assert_eq!(over_aws_managed_bound(&sized(AWS_MANAGED_BOUND)), None);
        assert_eq!(
            over_aws_managed_bound(&sized(AWS_MANAGED_BOUND + 1)),
            Some(AWS_MANAGED_BOUND + 1)
        );
    }
}
