//! Diagnostics a person can act on: a stable code, a severity, a message, the position of the
//! offending element and, where one helps, a hint.
//!
//! Codes are stable: tools and suppression files refer to them. Where IAM Access Analyzer's policy
//! validation has the same check, the code uses its name.

use crate::span::{Location, Source, Span};
use std::fmt;
use std::sync::Arc;

/// How bad a finding is, graded as IAM Access Analyzer grades them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// A better way to write something that works as written.
    Suggestion,
    /// Something that probably does not do what was meant.
    Warning,
    /// Something that grants more access than is safe (public or cross-account access, say).
    Security,
    /// Something AWS refuses, or that iamsim cannot read; the policy is not evaluated as written.
    Error,
}

impl Severity {
    /// The severity as output writes it: `suggestion`, `warning`, `security`, `error`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Suggestion => "suggestion",
            Severity::Warning => "warning",
            Severity::Security => "security",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

macro_rules! codes {
    ($( $(#[$doc:meta])* $name:ident = $text:literal, $sev:ident; )*) => {
        /// Every diagnostic code iamsim emits. The string form (`as_str`) is the stable code.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum Code {
            $( $(#[$doc])* $name, )*
        }

        impl Code {
            /// Every code, in the order of the list.
            pub const ALL: &'static [Code] = &[$(Code::$name,)*];

            /// The stable name of the code (`MISSING_RESOURCE`), as output and suppressions write
            /// it.
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$name => $text,)* }
            }

            /// The severity this code has unless a caller says otherwise.
            pub fn severity(self) -> Severity {
                match self { $(Code::$name => Severity::$sev,)* }
            }

            /// Reads a stable name written by [`Code::as_str`]; an alias or other text is `None`.
            pub fn parse(s: &str) -> Option<Code> {
                match s { $($text => Some(Code::$name),)* _ => None }
            }

            /// Whether a suppression or baseline naming `name` means this code: its own name, or
            /// the name it had before a rename or split ([`Code::aliases`]).
            pub fn answers_to(self, name: &str) -> bool {
                self.as_str() == name || self.aliases().contains(&name)
            }

            /// The name a finding's fingerprint is made from: the oldest name of the code, so
            /// baselines written before a rename still match.
            pub fn fingerprint_name(self) -> &'static str {
                self.aliases().first().copied().unwrap_or(self.as_str())
            }

            /// What the code means: its doc comment, for rule lists (SARIF, `--help`).
            pub fn description(self) -> &'static str {
                let raw = match self { $(Code::$name => concat!($(stringify!($doc)),*),)* };
                // `stringify!` gives `doc = r" text"` (a raw string, maybe after a line break):
                // keep what is between the quotes.
                let start = raw.find('"').map_or(0, |i| i + 1);
                let end = raw.rfind('"').unwrap_or(raw.len()).max(start);
                raw.get(start..end).unwrap_or("").trim()
            }
        }
    };
}

codes! {
    /// The input is not valid JSON.
    JsonSyntax = "JSON_SYNTAX_ERROR", Error;
    /// A typographic quote (“ ” ‘ ’) stands where JSON needs `"`.
    TypographicQuote = "TYPOGRAPHIC_QUOTE", Error;
    /// The same key appears twice in one JSON object (rule 1.3).
    DuplicateKey = "DUPLICATE_KEY", Error;
    /// The input is not valid UTF-8.
    InvalidEncoding = "INVALID_ENCODING", Error;
    /// A character outside TAB, LF, CR and U+0020–U+00FF (1.5).
    InvalidCharacter = "INVALID_CHARACTER", Error;
    /// The file is empty.
    EmptyDocument = "EMPTY_DOCUMENT", Error;
    /// JSON nested deeper than iamsim reads.
    NestingTooDeep = "NESTING_TOO_DEEP", Error;
    /// The input is larger than iamsim reads.
    InputTooLarge = "INPUT_TOO_LARGE", Error;
    /// The document (or an element) is not the JSON type the grammar requires.
    InvalidType = "INVALID_TYPE", Error;
    /// A file a world or tests file names cannot be read.
    FileNotFound = "FILE_NOT_FOUND", Error;
    /// A path that leads outside the folder (or `--root`) it may read from: absolute, `..`, or a symlink pointing out.
    PathOutsideRoot = "PATH_OUTSIDE_ROOT", Error;
    /// A FIFO, device, socket or kernel pseudo-file where a regular file is needed.
    NotARegularFile = "NOT_A_REGULAR_FILE", Error;
    /// A Terraform, Terraform plan or CloudFormation file that cannot be read (HCL or YAML syntax).
    IacSyntax = "IAC_SYNTAX_ERROR", Error;
    /// A Terraform or CloudFormation file named for lint that holds no IAM policy.
    NoPolicyFound = "NO_POLICY_FOUND", Error;
    /// The action of a question (a test, `can`, `who-can`, `check`) is not an action of the catalog (formats.md 6).
    UnknownRequestAction = "UNKNOWN_REQUEST_ACTION", Error;
    /// A context key of a question that the catalog does not have (`aws:SecureTransprot`).
    UnknownContextKey = "UNKNOWN_CONTEXT_KEY", Error;
    /// A context value of the wrong type for its key (`aws:SourceIp` `999.1.1.1`), or `null` for a key AWS never omits.
    InvalidContextValue = "INVALID_CONTEXT_VALUE", Error;
    /// A field of world.json or tests.json that the format does not have.
    UnknownField = "UNKNOWN_FIELD", Error;
    /// A required field of world.json or tests.json is missing.
    MissingField = "MISSING_FIELD", Error;
    /// A value of world.json or tests.json that is not what the format allows.
    InvalidValue = "INVALID_VALUE", Error;
    /// A reference to a policy, group, account or role that the world does not have.
    UnknownReference = "UNKNOWN_REFERENCE", Error;
    /// A policy names a user or role of an account the world models, and it does not exist (2.16).
    UnknownPrincipal = "UNKNOWN_PRINCIPAL", Error;
    /// A policy names a principal of an account outside the world: not checked (2.16).
    UncheckedPrincipal = "UNCHECKED_PRINCIPAL", Warning;
    /// Two tests with the same name in one tests file.
    DuplicateTestName = "DUPLICATE_TEST_NAME", Error;
    /// An element name the grammar does not know (1.1, 1.27).
    UnknownElement = "UNKNOWN_ELEMENT", Error;
    /// `Version` is neither 2012-10-17 nor 2008-10-17 (1.6).
    InvalidVersion = "INVALID_VERSION", Error;
    /// No `Version`: policy variables are literal text (1.7).
    MissingVersion = "MISSING_VERSION", Warning;
    /// `Statement` is missing.
    MissingStatement = "MISSING_STATEMENT", Error;
    /// A list (or `Statement`) with no entries (1.2, 1.4).
    EmptyList = "EMPTY_LIST", Error;
    /// `Effect` is missing (1.10).
    MissingEffect = "MISSING_EFFECT", Error;
    /// `Effect` is not `Allow` or `Deny` (1.10).
    InvalidEffect = "INVALID_EFFECT", Error;
    /// Neither `Action` nor `NotAction` (1.19).
    MissingAction = "MISSING_ACTION", Error;
    /// Neither `Resource` nor `NotResource` where one is required (1.21).
    MissingResource = "MISSING_RESOURCE", Error;
    /// Neither `Principal` nor `NotPrincipal` where one is required (1.17).
    MissingPrincipal = "MISSING_PRINCIPAL", Error;
    /// Both `Action` and `NotAction` (likewise Resource, Principal) in one statement.
    ConflictingElements = "CONFLICTING_ELEMENTS", Error;
    /// An element this policy type does not allow (1.26), e.g. `Principal` in an identity policy.
    ProhibitedElement = "PROHIBITED_ELEMENT", Error;
    /// `Sid` with characters IAM refuses, or the same `Sid` twice (1.9).
    InvalidSid = "INVALID_SID", Error;
    /// `Id` in a policy type that must not have it (1.8).
    UnsupportedId = "UNSUPPORTED_ID", Warning;
    /// An action that is not `service:action` or `*` (1.19).
    InvalidAction = "INVALID_ACTION", Error;
    /// A wildcard in the service prefix of an action (2.2).
    ServiceWildcard = "SERVICE_PREFIX_WILDCARD", Warning;
    /// Not reported since SCPs take wildcards anywhere in an action (1.20, revised); kept so baselines naming it still read.
    ScpActionWildcard = "SCP_ACTION_WILDCARD", Error;
    /// A malformed ARN.
    InvalidArn = "INVALID_ARN", Error;
    /// An account id that is not 12 digits.
    InvalidAccountId = "INVALID_ARN_ACCOUNT", Error;
    /// A resource pattern whose match relies on `*` crossing a segment colon (2.8).
    ResourceCrossesSegments = "RESOURCE_CROSSES_SEGMENTS", Warning;
    /// A principal value iamsim cannot read.
    InvalidPrincipal = "INVALID_PRINCIPAL", Error;
    /// A wildcard inside a principal value other than the whole `*` (1.13).
    PrincipalPartialWildcard = "PRINCIPAL_PARTIAL_WILDCARD", Error;
    /// A principal map key other than AWS, Service, Federated, CanonicalUser.
    InvalidPrincipalKey = "INVALID_PRINCIPAL_KEY", Error;
    /// `Allow` with `NotPrincipal` (1.16).
    AllowWithNotPrincipal = "ALLOW_WITH_NOT_PRINCIPAL", Error;
    /// A condition operator that does not exist (1.25).
    UnknownOperator = "UNKNOWN_CONDITION_OPERATOR", Error;
    /// A condition value the operator cannot read (number, date, bool, base64).
    InvalidConditionValue = "INVALID_CONDITION_VALUE", Error;
    /// An IP condition value that is not an address or CIDR (3.13).
    InvalidIpAddress = "INVALID_IP_ADDRESS", Error;
    /// A date condition value that does not parse (3.10).
    InvalidDate = "INVALID_DATE", Error;
    /// A policy variable where the grammar does not allow one, or a malformed `${...}` (2.21).
    InvalidPolicyVariable = "INVALID_POLICY_VARIABLE", Error;
    /// A set operator on a key that is single-valued (3.19).
    SetOperatorOnSingleValuedKey = "SET_OPERATOR_ON_SINGLE_VALUED_KEY", Warning;
    /// The document is over AWS's size limit for its policy type (1.28).
    PolicySizeExceeded = "POLICY_SIZE_EXCEEDED", Error;
    /// An identity policy over IAM's character quota, whitespace not counted (1.28; Access Analyzer's name and grade).
    PolicySizeExceedsIdentityPolicyQuota = "POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA", Warning;
    /// A service control policy over the Organizations quota of 5,120 characters (1.28; Access Analyzer's name and grade).
    PolicySizeExceedsScpQuota = "POLICY_SIZE_EXCEEDS_SCP_QUOTA", Error;
    // ---- `iamsim lint`: checks against the service catalog and best practice ----
    /// An action whose service prefix no AWS service has.
    InvalidServiceInAction = "INVALID_SERVICE_IN_ACTION", Error;
    /// An action wildcard that matches no action of its service.
    ActionWildcardMatchesNothing = "ACTION_WILDCARD_MATCHES_NOTHING", Warning;
    /// A `Resource` that fits none of the resource types of the statement's actions.
    ResourceTypeMismatch = "RESOURCE_TYPE_MISMATCH", Warning;
    /// An S3 ARN whose bucket name is 12 digits: an account id where the bucket name belongs.
    BucketNameLooksLikeAccountId = "BUCKET_NAME_LOOKS_LIKE_ACCOUNT_ID", Warning;
    /// An `aws:` condition key that does not exist: it is always absent (3.7).
    InvalidGlobalConditionKey = "INVALID_GLOBAL_CONDITION_KEY", Warning;
    /// A service condition key that the service does not have: it is always absent (3.7).
    InvalidServiceConditionKey = "INVALID_SERVICE_CONDITION_KEY", Warning;
    /// A service condition key that none of the statement's actions supports (3.7).
    ConditionKeyNotApplicable = "CONDITION_KEY_NOT_APPLICABLE", Warning;
    /// A condition operator whose type does not fit the key's type.
    TypeMismatch = "TYPE_MISMATCH", Warning;
    /// A multivalued key with an operator lacking `ForAllValues:`/`ForAnyValue:` (3.20).
    MissingQualifier = "MISSING_QUALIFIER", Warning;
    /// A `Condition` block that no request can satisfy.
    ConditionNeverTrue = "CONDITION_NEVER_TRUE", Warning;
    /// An action already covered by another action of the same statement.
    RedundantAction = "REDUNDANT_ACTION", Suggestion;
    /// A resource already covered by another resource of the same statement.
    RedundantResource = "REDUNDANT_RESOURCE", Suggestion;
    /// `Allow` with `NotAction`: grants every other action of every service (2.4).
    AllowWithNotAction = "ALLOW_WITH_NOT_ACTION", Security;
    /// `Allow` with `NotResource`: grants on every other resource (2.9).
    AllowWithNotResource = "ALLOW_WITH_NOT_RESOURCE", Security;
    /// `iam:PassRole` allowed on every role.
    PassRoleWithStarInResource = "PASS_ROLE_WITH_STAR_IN_RESOURCE", Security;
    /// `iam:PassRole` allowed through a wildcard action on every role.
    PassRoleWithStarInActionAndResource = "PASS_ROLE_WITH_STAR_IN_ACTION_AND_RESOURCE", Security;
    /// `iam:PassRole` allowed with `NotResource`.
    PassRoleWithNotResource = "PASS_ROLE_WITH_NOT_RESOURCE", Security;
    /// `sts:AssumeRole` allowed on every role.
    AssumeRoleWithStarInResource = "ASSUME_ROLE_WITH_STAR_IN_RESOURCE", Security;
    /// `service:*` (or `*`) allowed on every resource without a condition.
    ServiceWildcardOnAllResources = "SERVICE_WILDCARD_ON_ALL_RESOURCES", Security;
    /// A resource-based or trust policy that lets anyone in (7.11).
    PublicAccess = "PUBLIC_ACCESS", Security;
    /// A trust policy trusting another account with no condition.
    CrossAccountTrustWithoutCondition = "CROSS_ACCOUNT_TRUST_WITHOUT_CONDITION", Security;
    /// A trust policy naming `arn:aws:iam::ID:root`: every principal of the account, not one (2.11).
    TrustPolicyNamesAccountRoot = "TRUST_POLICY_NAMES_ACCOUNT_ROOT", Warning;
    /// A condition key that is not `prefix:name` (Access Analyzer's name).
    InvalidConditionKeyFormat = "INVALID_CONDITION_KEY_FORMAT", Error;
    /// `StringLike`/`StringNotLike` on an ARN-typed key (Access Analyzer's name).
    StringLikeOperatorWithArnConditionKeys = "STRING_LIKE_OPERATOR_WITH_ARN_CONDITION_KEYS", Warning;
    /// A `...Like` test of the single value `*`: true whenever the key is present, as `Null` `false` says (Access Analyzer's name).
    EquivalentToNullFalse = "EQUIVALENT_TO_NULL_FALSE", Warning;
    /// A condition value that should be a service principal and is not one (Access Analyzer's name).
    InvalidServicePrincipalFormat = "INVALID_SERVICE_PRINCIPAL_FORMAT", Error;
    /// `iam:CreateServiceLinkedRole` allowed on every resource (Access Analyzer's name).
    CreateSlrWithStarInResource = "CREATE_SLR_WITH_STAR_IN_RESOURCE", Warning;
    /// `iam:CreateServiceLinkedRole` allowed through a wildcard action on every resource (Access Analyzer's name).
    CreateSlrWithStarInActionAndResource = "CREATE_SLR_WITH_STAR_IN_ACTION_AND_RESOURCE", Warning;
    /// `iam:CreateServiceLinkedRole` allowed with `NotResource` (Access Analyzer's name).
    CreateSlrWithNotResource = "CREATE_SLR_WITH_NOT_RESOURCE", Warning;
    /// `iam:CreateServiceLinkedRole` allowed through `NotAction` on every resource (Access Analyzer's name).
    CreateSlrWithStarInResourceAndNotAction = "CREATE_SLR_WITH_STAR_IN_RESOURCE_AND_NOT_ACTION", Warning;
    /// `iam:PassRole` allowed through `NotAction` on every resource (Access Analyzer's name).
    PassRoleWithStarInResourceAndNotAction = "PASS_ROLE_WITH_STAR_IN_RESOURCE_AND_NOT_ACTION", Security;
    /// An `Allow` whose tag condition key (`aws:ResourceTag`, `aws:RequestTag`, `aws:TagKeys`) no action of a service in it supports: those actions are never allowed (Access Analyzer's name).
    AllowWithUnsupportedTagConditionKeyForService = "ALLOW_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE", Suggestion;
    /// A `Deny` whose tag condition key no action of a service in it supports: those actions are never denied (Access Analyzer's name).
    DenyWithUnsupportedTagConditionKeyForService = "DENY_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE", Security;
    /// An `aws:SourceIp` test whose values are all private addresses, which `aws:SourceIp` never holds (Access Analyzer's name).
    PrivateIpAddress = "PRIVATE_IP_ADDRESS", Error;
    /// A string or ARN condition value with `*` or `?` under an operator that compares them as characters (Access Analyzer's name).
    WildcardWithoutLikeOperator = "WILDCARD_WITHOUT_LIKE_OPERATOR", Warning;
    /// A `Principal` naming a user or role by unique id (`AIDA...`, `AROA...`) rather than ARN (Access Analyzer's names: INVALID_USER_REFERENCE, INVALID_ROLE_REFERENCE).
    InvalidRoleReference = "INVALID_ROLE_REFERENCE", Warning;
    /// A `Principal` naming a user by unique id (`AIDA...`) rather than ARN (Access Analyzer's name).
    InvalidUserReference = "INVALID_USER_REFERENCE", Warning;
    /// `aws:ResourceTag`, `aws:RequestTag` or `aws:PrincipalTag` without `/TAG-KEY` (Access Analyzer's name).
    MissingTagKeyInCondition = "MISSING_TAG_KEY_IN_CONDITION", Error;
    /// `aws:VpcSourceIp` without `aws:SourceVpc` or `aws:SourceVpce` in the same block (Access Analyzer's name).
    MissingPairedConditionKeys = "MISSING_PAIRED_CONDITION_KEYS", Security;
    /// `NotIpAddress` on `aws:SourceIp` with private addresses only: it excludes nothing (Access Analyzer's name).
    PrivateNotIpAddress = "PRIVATE_NOT_IP_ADDRESS", Error;
    /// `IpAddress` on `aws:SourceIp` mixing private and public addresses: the private ones never match (Access Analyzer's name).
    PrivateIpAddressSubset = "PRIVATE_IP_ADDRESS_SUBSET", Suggestion;
    /// `NotIpAddress` on `aws:SourceIp` mixing private and public addresses: the private ones exclude nothing (Access Analyzer's name).
    PrivateNotIpAddressSubset = "PRIVATE_NOT_IP_ADDRESS_SUBSET", Suggestion;
    /// A CIDR with bits set after its prefix, which AWS ignores (Access Analyzer's name).
    ImproveIpRange = "IMPROVE_IP_RANGE", Suggestion;
    /// A statement that repeats another of the same policy (Access Analyzer's name).
    RedundantStatement = "REDUNDANT_STATEMENT", Suggestion;
    /// The same condition key twice under one operator, in different case (Access Analyzer's name).
    DuplicateKeysWithDifferentCase = "DUPLICATE_KEYS_WITH_DIFFERENT_CASE", Error;
    /// `Sid` with the empty string (Access Analyzer's name).
    EmptySidValue = "EMPTY_SID_VALUE", Suggestion;
    /// `"Condition": {}`: a condition block that tests nothing (Access Analyzer's name).
    EmptyObjectCondition = "EMPTY_OBJECT_CONDITION", Suggestion;
    /// A resource ARN whose service part is not lower case, so it matches no ARN AWS writes (Access Analyzer's name).
    InvalidArnServiceCase = "INVALID_ARN_SERVICE_CASE", Error;
    /// A resource ARN whose Region part is not a Region (Access Analyzer's name; a warning for a well-shaped code the catalog lacks).
    InvalidArnRegion = "INVALID_ARN_REGION", Error;
    /// An `aws:RequestedRegion` value that is not a Region (Access Analyzer's name; a warning for a well-shaped code the catalog lacks).
    InvalidRegion = "INVALID_REGION", Error;
    /// A `Bool` test with both `true` and `false`, which every present value passes (Access Analyzer's name).
    InvalidConditionMultipleBoolean = "INVALID_CONDITION_MULTIPLE_BOOLEAN", Error;
    /// Several values under a numeric bound, where only the loosest counts (Access Analyzer's name).
    RedundantConditionValueNum = "REDUNDANT_CONDITION_VALUE_NUM", Suggestion;
    /// An `Allow` with `NotAction` testing a tag condition key that some action it grants does not support: those actions are never allowed (Access Analyzer's name).
    AllowNotactionWithUnsupportedTagConditionKeyForService = "ALLOW_NOTACTION_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE", Suggestion;
    /// A `Deny` with `NotAction` testing a tag condition key that some action it covers does not support: those actions are never denied (Access Analyzer's name).
    DenyNotactionWithUnsupportedTagConditionKeyForService = "DENY_NOTACTION_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE", Security;
    /// A KMS key policy with no statement allowing the key's account: IAM policies grant nothing on the key (13.2).
    KeyPolicyWithoutAccountStatement = "KEY_POLICY_WITHOUT_ACCOUNT_STATEMENT", Warning;
    /// A trust letting in a public OIDC provider (GitHub Actions, GitLab, Google, ...) with no condition on the token's `sub` (or, for Cognito, `aud`): anyone who can get a token of that provider may assume the role (10.3).
    FederatedTrustWithoutSub = "FEDERATED_TRUST_WITHOUT_SUB", Security;
    /// A `sub` condition of a public OIDC provider whose pattern admits every repository or organization (`*`, `repo:*`, `repo:org*`) (10.3).
    FederatedSubAdmitsAll = "FEDERATED_SUB_ADMITS_ALL", Security;
    /// A trust letting in an OIDC or SAML provider with no condition on the token's audience (`HOST:aud`, `SAML:aud`) (10.3).
    FederatedTrustWithoutAud = "FEDERATED_TRUST_WITHOUT_AUD", Warning;
    /// A trust statement whose action does not fit its principal: `sts:AssumeRole` for a `Federated` provider, `sts:AssumeRoleWithSAML` for an OIDC provider, an AssumeRoleWith* action for an `AWS` principal (10.3).
    FederatedActionMismatch = "FEDERATED_ACTION_MISMATCH", Error;
    /// `StringLike` on a provider claim with no `*` or `?` in any value: it compares exactly, as `StringEquals` says plainly (10.3).
    FederatedStringLikeWithoutWildcard = "FEDERATED_STRING_LIKE_WITHOUT_WILDCARD", Suggestion;
    /// Something the Terraform or CloudFormation files declare or call that a world built from them leaves out (a module they do not hold, a policy of a resource they leave open): a world without it may allow less, or more, than AWS.
    IacLeftOut = "IAC_LEFT_OUT", Warning;
    /// A KMS key policy gives another account's principal operations KMS does not allow across accounts (`kms:PutKeyPolicy`, `kms:ScheduleKeyDeletion`, the rest of `kms:*`, ...): they have no effect (13.7).
    KeyPolicyCrossAccountNoEffect = "KEY_POLICY_CROSS_ACCOUNT_NO_EFFECT", Warning;
    /// A KMS key policy lets another account's principal call `kms:CreateGrant` with no `kms:GrantIsForAWSResource` or fixed `kms:GranteePrincipal` condition: it can grant use of the key to anyone (13.8).
    KeyPolicyCrossAccountCreateGrant = "KEY_POLICY_CROSS_ACCOUNT_CREATE_GRANT", Security;
    /// An identity policy allows a privilege-escalation step (attach a policy, pass a role to a service, ...) on every resource of a kind: the step is named.
    EscalationStepOnEveryResource = "ESCALATION_STEP_ON_EVERY_RESOURCE", Security;
    /// The principal of a question is not one iamsim can ask as: not a user, role, assumed-role or root ARN, `anonymous` or `federated:PROVIDER_ARN`.
    InvalidRequestPrincipal = "INVALID_REQUEST_PRINCIPAL", Error;
    /// A question names a user, role, account or resource that the world does not hold.
    UnknownRequestEntity = "UNKNOWN_REQUEST_ENTITY", Error;
    /// The action of a question is not written `service:Operation` (letters, digits, `-`, `_`; no wildcard).
    InvalidRequestAction = "INVALID_REQUEST_ACTION", Error;
    /// The resource of a question is neither an ARN nor `*`, or a role to assume is not a role ARN.
    InvalidRequestResource = "INVALID_REQUEST_RESOURCE", Error;
    /// A `--context` argument that is not `KEY=VALUE` with a `service:Key` key.
    InvalidContextArgument = "INVALID_CONTEXT_ARGUMENT", Error;
    /// Parts of a question that do not go together (a session policy for a caller that is not a role session, `--via` for a provider's identity, AssumeRole parameters with a search of role chains).
    IncompatibleRequest = "INCOMPATIBLE_REQUEST", Error;
    /// A question that needs more requests than iamsim decides for one answer; it is not answered rather than answered in part.
    QuestionTooLarge = "QUESTION_TOO_LARGE", Error;
    /// A file of an export given to `iamsim import` that is not what the AWS CLI command it stands for prints: a field missing or of another type, a document that is not a policy, an ARN of another kind or account; or a `--from` that holds no Terraform or CloudFormation.
    ImportUnrecognized = "IMPORT_UNRECOGNIZED", Error;
    /// An id or name of an export that is not the shape AWS gives it (an account, root, unit, policy or KMS key id, a policy version, a provider name): the import names files with them, so it refuses them.
    ImportInvalidId = "IMPORT_INVALID_ID", Error;
    /// An export that lacks what the world needs: one page of several, a listed provider without its details, a key named by an alias it does not hold, no account folder, an organization without its root.
    ImportIncomplete = "IMPORT_INCOMPLETE", Error;
    /// An `--out` folder the import does not write into: not empty, or, with `--force`, not a world (no world.json).
    ImportOutputRefused = "IMPORT_OUTPUT_REFUSED", Error;
    /// A folder of the export or of the world written that cannot be listed, written or replaced.
    ImportIoFailed = "IMPORT_IO_FAILED", Error;
}

impl Code {
    /// Names this code had before: the size codes were one `POLICY_SIZE_EXCEEDED`, and `StringLike` on an ARN key was a `TYPE_MISMATCH`. Suppressions and baselines written with the old name still apply.
    pub fn aliases(self) -> &'static [&'static str] {
        match self {
            Code::PolicySizeExceedsIdentityPolicyQuota | Code::PolicySizeExceedsScpQuota => {
                &["POLICY_SIZE_EXCEEDED"]
            }
            Code::StringLikeOperatorWithArnConditionKeys => &["TYPE_MISMATCH"],
            _ => &[],
        }
    }

    /// Whether the code reports a document over its size quota (1.28).
    pub fn is_size_quota(self) -> bool {
        matches!(
            self,
            Code::PolicySizeExceeded
                | Code::PolicySizeExceedsIdentityPolicyQuota
                | Code::PolicySizeExceedsScpQuota
        )
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One finding, with the source it points into.
#[derive(Clone, Debug)]
pub struct Diagnostic {
    /// What was found, as a stable code.
    pub code: Code,
    /// How bad it is: the code's own severity unless a caller changed it.
    pub severity: Severity,
    /// Lower case, no final period, the user's text in backticks.
    pub message: String,
    /// How to fix it, printed on a line of its own.
    pub help: Option<String>,
    /// The document the finding points into; `None` for a finding about no document's text.
    pub source: Option<Arc<Source>>,
    /// The offending text in `source` (empty when there is no source).
    pub span: Span,
}

impl Diagnostic {
    /// A finding at `span` of `source`, with the code's own severity and no help.
    pub fn new(code: Code, message: impl Into<String>, source: &Arc<Source>, span: Span) -> Self {
        Diagnostic {
            code,
            severity: code.severity(),
            message: message.into(),
            help: None,
            source: Some(Arc::clone(source)),
            span,
        }
    }

    /// A diagnostic not tied to a position (for example, an unreadable file).
    pub fn detached(code: Code, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: code.severity(),
            message: message.into(),
            help: None,
            source: None,
            span: Span::default(),
        }
    }

    /// The same finding with `help` as its fix.
    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// The same finding with another severity (a configuration may raise or lower it).
    #[must_use]
    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    /// Whether the finding has severity [`Severity::Error`].
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The line and column of the finding; `None` when it points into no document.
    pub fn location(&self) -> Option<Location> {
        self.source.as_ref().map(|s| s.location(self.span))
    }

    /// Compiler-style rendering: `file:line:col: error[CODE]: message`, the source line, a caret, and `help: ...`.
    pub fn render(&self) -> String {
        let mut out = String::new();
        match (&self.source, self.location()) {
            (Some(src), Some(loc)) => {
                out.push_str(&format!(
                    "{loc}: {}[{}]: {}\n",
                    self.severity, self.code, self.message
                ));
                let (line, caret_col) = excerpt(
                    src.line_text(loc.line),
                    loc.column.saturating_sub(1) as usize,
                );
                let gutter = loc.line.to_string();
                out.push_str(&format!("{gutter} | {line}\n"));
                let pad: String = line
                    .chars()
                    .take(caret_col)
                    .map(|c| if c == '\t' { '\t' } else { ' ' })
                    .collect();
                out.push_str(&format!("{} | {pad}^\n", " ".repeat(gutter.len())));
            }
            _ => out.push_str(&format!(
                "{}[{}]: {}\n",
                self.severity, self.code, self.message
            )),
        }
        if let Some(help) = &self.help {
            out.push_str(&format!("  help: {help}\n"));
        }
        out
    }
}

/// The longest source line shown in full; longer lines show a window around the column.
const MAX_EXCERPT: usize = 120;

/// The part of `line` to print and the caret's column in it (0-based, in characters).
fn excerpt(line: &str, col: usize) -> (String, usize) {
    let len = line.chars().count();
    if len <= MAX_EXCERPT {
        return (line.to_string(), col);
    }
    let start = col
        .saturating_sub(MAX_EXCERPT / 2)
        .min(len.saturating_sub(MAX_EXCERPT));
    let window: String = line.chars().skip(start).take(MAX_EXCERPT).collect();
    let (prefix, shift) = if start > 0 { ("...", 3) } else { ("", 0) };
    let suffix = if start + MAX_EXCERPT < len { "..." } else { "" };
    (format!("{prefix}{window}{suffix}"), col - start + shift)
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.location() {
            Some(loc) => write!(
                f,
                "{loc}: {}[{}]: {}",
                self.severity, self.code, self.message
            ),
            None => write!(f, "{}[{}]: {}", self.severity, self.code, self.message),
        }
    }
}

impl std::error::Error for Diagnostic {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_have_descriptions() {
        assert_eq!(
            Code::DuplicateKey.description(),
            "The same key appears twice in one JSON object (rule 1.3)."
        );
        for code in Code::ALL {
            assert!(!code.description().is_empty(), "{code}");
            assert!(
                !code.description().contains("doc ="),
                "{code}: {}",
                code.description()
            );
        }
    }

    #[test]
    fn codes_round_trip_and_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for code in Code::ALL {
            assert!(seen.insert(code.as_str()), "duplicate code {}", code);
            assert_eq!(Code::parse(code.as_str()), Some(*code));
        }
    }

    #[test]
    fn long_lines_show_a_window_around_the_column() {
        let text = format!("{}x{}", "[".repeat(5000), "]".repeat(5000));
        let src = Source::new("deep.json", text);
        let d = Diagnostic::new(
            Code::NestingTooDeep,
            "too deep",
            &src,
            Span::new(5000, 5001),
        );
        let rendered = d.render();
        let lines: Vec<&str> = rendered.lines().collect();
        assert!(lines[1].len() < 140, "{}", lines[1]);
        let code_line = lines[1].split(" | ").nth(1).unwrap();
        let caret = lines[2].split(" | ").nth(1).unwrap();
        assert_eq!(code_line.chars().nth(caret.len() - 1), Some('x'));
    }

    #[test]
    fn render_points_at_the_column() {
        let src = Source::new("p.json", "{\n  \"Version\": \"2012-02-02\"\n}");
        let d = Diagnostic::new(
            Code::InvalidVersion,
            "invalid `Version` `2012-02-02`",
            &src,
            Span::new(15, 27),
        )
        .with_help("use `2012-10-17`");
        let text = d.render();
        assert!(
            text.starts_with("p.json:2:14: error[INVALID_VERSION]"),
            "{text}"
        );
        assert!(text.contains("  |              ^"), "{text}");
        assert!(text.contains("help: use `2012-10-17`"));
    }
}
