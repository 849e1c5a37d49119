//! The checked model of a policy document, in AWS's own words. Every element keeps its span in
//! the document's [`Source`], so decisions and diagnostics can name file:line:column.

use crate::action::ActionMatcher;
use crate::condition::{ConditionOperator, ConditionValue};
use crate::resource::ResourceMatcher;
use crate::span::{Location, Source, Span};
use std::sync::Arc;

/// Which kind of policy a document is; it decides which elements are required or forbidden
/// (docs/rules.md 1.26) and the size limit (1.28).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PolicyType {
    /// Inline or managed policy of a user, group or role.
    Identity,
    /// A permissions boundary (a managed policy used as a boundary).
    Boundary,
    /// A session policy passed to AssumeRole.
    Session,
    /// A role trust policy.
    Trust,
    /// A resource-based policy: S3 bucket policy and others.
    Resource,
    /// A service control policy.
    Scp,
    /// A resource control policy.
    Rcp,
}

impl PolicyType {
    /// Every policy type, in the order of the enum.
    pub const ALL: [PolicyType; 7] = [
        PolicyType::Identity,
        PolicyType::Boundary,
        PolicyType::Session,
        PolicyType::Trust,
        PolicyType::Resource,
        PolicyType::Scp,
        PolicyType::Rcp,
    ];

    /// The type's name as `world.json`, the command line and diagnostics write it
    /// (`identity`, `boundary`, `session`, `trust`, `resource`, `scp`, `rcp`).
    pub fn as_str(self) -> &'static str {
        match self {
            PolicyType::Identity => "identity",
            PolicyType::Boundary => "boundary",
            PolicyType::Session => "session",
            PolicyType::Trust => "trust",
            PolicyType::Resource => "resource",
            PolicyType::Scp => "scp",
            PolicyType::Rcp => "rcp",
        }
    }

    /// Reads a name written by [`PolicyType::as_str`]; any other text (case included) is `None`.
    pub fn parse(s: &str) -> Option<PolicyType> {
        Some(match s {
            "identity" => PolicyType::Identity,
            "boundary" => PolicyType::Boundary,
            "session" => PolicyType::Session,
            "trust" => PolicyType::Trust,
            "resource" => PolicyType::Resource,
            "scp" => PolicyType::Scp,
            "rcp" => PolicyType::Rcp,
            _ => return None,
        })
    }
}

/// A value together with where it was written.
#[derive(Clone, Debug)]
pub struct Spanned<T> {
    /// The value as read.
    pub value: T,
    /// Where the value was written in its document.
    pub span: Span,
}

/// The policy language version named by the `Version` element (1.6).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Version {
    /// `2012-10-17`: the current language, with policy variables (1.7).
    V2012_10_17,
    /// `2008-10-17`: the old language, in which `${...}` is literal text (1.7).
    V2008_10_17,
}

/// A parsed policy document.
#[derive(Clone, Debug)]
pub struct Policy {
    /// The kind of policy the document was read as; it decides which elements were allowed.
    pub policy_type: PolicyType,
    /// The document's name and text, shared by every span of the policy.
    pub source: Arc<Source>,
    /// The whole document.
    pub span: Span,
    /// The `Version` element, absent when the document has none (then variables are off, 1.7).
    pub version: Option<Spanned<Version>>,
    /// The `Id` element, which never changes a decision (1.8).
    pub id: Option<Spanned<String>>,
    /// The statements in document order; a lone statement object is a list of one (1.2).
    pub statements: Vec<Statement>,
}

impl Policy {
    /// Policy variables are recognised only with `Version` `2012-10-17` (1.7).
    pub fn variables_enabled(&self) -> bool {
        matches!(
            self.version,
            Some(Spanned {
                value: Version::V2012_10_17,
                ..
            })
        )
    }

    /// The line and column of a span of this policy's document.
    pub fn location(&self, span: Span) -> Location {
        self.source.location(span)
    }
}

/// A statement's `Effect` (1.10).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Effect {
    /// `Allow`: the statement grants what it matches.
    Allow,
    /// `Deny`: the statement denies what it matches, over any Allow (4.5).
    Deny,
}

impl Effect {
    /// The effect as a policy writes it: `Allow` or `Deny`.
    pub fn as_str(self) -> &'static str {
        match self {
            Effect::Allow => "Allow",
            Effect::Deny => "Deny",
        }
    }
}

/// One statement. `Action`/`NotAction`, `Resource`/`NotResource` and `Principal`/`NotPrincipal`
/// are each one block whose kind says which was written.
#[derive(Clone, Debug)]
pub struct Statement {
    /// Position in the document's statement list, from 0.
    pub index: usize,
    /// The `Sid` element, which never changes a decision (1.9).
    pub sid: Option<Spanned<String>>,
    /// The `Effect` element (1.10).
    pub effect: Spanned<Effect>,
    /// The `Principal` or `NotPrincipal` element; present only in policies that take one (1.17).
    pub principal: Option<PrincipalBlock>,
    /// The `Action` or `NotAction` element; every statement has exactly one (1.19).
    pub action: ActionBlock,
    /// Absent only in trust policies (1.21).
    pub resource: Option<ResourceBlock>,
    /// Every entry must hold (AND, 3.1). Empty means no condition.
    pub conditions: Vec<Condition>,
    /// The whole statement object.
    pub span: Span,
}

impl Statement {
    /// How explanations name the statement: its Sid, else its index.
    pub fn label(&self) -> String {
        match &self.sid {
            Some(sid) if !sid.value.is_empty() => format!("statement `{}`", sid.value),
            _ => format!("statement {}", self.index),
        }
    }
}

/// Which of the two action elements a statement wrote.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ActionKind {
    /// `Action`: the statement matches the actions its patterns match (2.1).
    Action,
    /// `NotAction`: the statement matches every action none of its patterns matches (2.4).
    NotAction,
}

/// A statement's `Action` or `NotAction` element.
#[derive(Clone, Debug)]
pub struct ActionBlock {
    /// Which element was written.
    pub kind: ActionKind,
    /// The span of the element name (`"Action"`).
    pub key_span: Span,
    /// The values, OR-ed; a lone string is a list of one (1.4).
    pub patterns: Vec<ActionPattern>,
}

/// One value of an `Action`/`NotAction` element.
#[derive(Clone, Debug)]
pub struct ActionPattern {
    /// The value as written (`s3:Get*`).
    pub text: String,
    /// Where the value was written.
    pub span: Span,
    /// The compiled, case-insensitive matcher of the value (2.1).
    pub matcher: ActionMatcher,
}

/// Which of the two resource elements a statement wrote.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResourceKind {
    /// `Resource`: the statement matches the resources its patterns match (2.7).
    Resource,
    /// `NotResource`: the statement matches every resource none of its patterns matches (2.9).
    NotResource,
}

/// A statement's `Resource` or `NotResource` element.
#[derive(Clone, Debug)]
pub struct ResourceBlock {
    /// Which element was written.
    pub kind: ResourceKind,
    /// The span of the element name (`"Resource"`).
    pub key_span: Span,
    /// The values, OR-ed; a lone string is a list of one (1.4).
    pub patterns: Vec<ResourcePattern>,
}

/// One value of a `Resource`/`NotResource` element.
#[derive(Clone, Debug)]
pub struct ResourcePattern {
    /// The value as written (`arn:aws:s3:::bucket/*`).
    pub text: String,
    /// Where the value was written.
    pub span: Span,
    /// The compiled matcher of the value: its ARN parts, wildcards and variables (2.6 to 2.8).
    pub matcher: ResourceMatcher,
}

/// Which of the two principal elements a statement wrote.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PrincipalKind {
    /// `Principal`: the statement applies to the callers its entries match (2.11 to 2.19).
    Principal,
    /// `NotPrincipal`: the statement applies to every caller its entries do not match (2.17).
    NotPrincipal,
}

/// A statement's `Principal` or `NotPrincipal` element (1.11).
#[derive(Clone, Debug)]
pub struct PrincipalBlock {
    /// Which element was written.
    pub kind: PrincipalKind,
    /// The span of the element name (`"Principal"`).
    pub key_span: Span,
    /// Every value named, across the `AWS`, `Service`, `Federated` and `CanonicalUser` keys
    /// (OR-ed, 1.11). `"Principal": "*"` is one `Aws` entry holding [`AwsPrincipal::Everyone`].
    pub entries: Vec<PrincipalEntry>,
}

/// One value of a `Principal`/`NotPrincipal` element, under one of its keys.
#[derive(Clone, Debug)]
pub struct PrincipalEntry {
    /// The value as written (`arn:aws:iam::111111111111:role/admin`).
    pub text: String,
    /// Where the value was written.
    pub span: Span,
    /// The value read according to its key.
    pub value: PrincipalValue,
}

/// A principal value, by the key it was written under (1.11).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PrincipalValue {
    /// A value under `AWS`, or `"Principal": "*"` (1.12).
    Aws(AwsPrincipal),
    /// `"Service": "ec2.amazonaws.com"`, compared exactly (2.19).
    Service(String),
    /// `"Federated": "accounts.google.com"` or a SAML/OIDC provider ARN: a web identity or SAML
    /// provider, for trust policies (1.15).
    Federated(String),
    /// An S3 canonical user id; it stands for an account (1.14).
    CanonicalUser(String),
}

/// A value under the `AWS` key (1.12), already read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AwsPrincipal {
    /// `*`: everyone, anonymous callers included (2.14).
    Everyone,
    /// `111111111111` or `arn:aws:iam::111111111111:root`: the whole account (2.11).
    Account {
        /// The ARN's partition (`aws`; `aws` too for a bare account id).
        partition: String,
        /// The 12-digit account id.
        account: String,
    },
    /// `arn:aws:iam::111111111111:user/path/name`: that one user (2.13).
    User {
        /// The ARN's partition.
        partition: String,
        /// The user's account.
        account: String,
        /// `/` or `/path/`.
        path: String,
        /// The user's name, matched case-sensitively (9.9).
        name: String,
    },
    /// `arn:aws:iam::111111111111:role/path/name`: every session of that role (2.12, 2.16).
    Role {
        /// The ARN's partition.
        partition: String,
        /// The role's account.
        account: String,
        /// `/` or `/path/`.
        path: String,
        /// The role's name.
        name: String,
    },
    /// `arn:aws:sts::111111111111:assumed-role/ROLE/SESSION`: that one role session (2.13).
    AssumedRole {
        /// The ARN's partition.
        partition: String,
        /// The role's account.
        account: String,
        /// The role's name (a session ARN holds no path, 6.12).
        role_name: String,
        /// The session name.
        session_name: String,
    },
    /// `arn:aws:sts::111111111111:federated-user/NAME`: a federated user session of
    /// `GetFederationToken`.
    FederatedUser {
        /// The ARN's partition.
        partition: String,
        /// The account that issued the session.
        account: String,
        /// The federated user's name.
        name: String,
    },
    /// `AIDA…` (user) or `AROA…` (role) unique id (2.15).
    UniqueId(String),
}

/// One key under one operator: `"StringEquals": {"aws:SourceVpce": ["vpce-1", "vpce-2"]}`.
#[derive(Clone, Debug)]
pub struct Condition {
    /// The operator, with its `ForAnyValue:`/`ForAllValues:` prefix and `IfExists` suffix (3.B).
    pub operator: Spanned<ConditionOperator>,
    /// The key as written (keys compare case-insensitively, 3.6).
    pub key: Spanned<String>,
    /// The policy values, OR-ed for positive operators and AND-ed for negated ones (3.2).
    pub values: Vec<ConditionValue>,
}
