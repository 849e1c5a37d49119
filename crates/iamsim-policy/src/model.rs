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
    pub const ALL: [PolicyType; 7] = [
        PolicyType::Identity,
        PolicyType::Boundary,
        PolicyType::Session,
        PolicyType::Trust,
        PolicyType::Resource,
        PolicyType::Scp,
        PolicyType::Rcp,
    ];

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
    pub value: T,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Version {
    V2012_10_17,
    V2008_10_17,
}

/// A parsed policy document.
#[derive(Clone, Debug)]
pub struct Policy {
    pub policy_type: PolicyType,
    pub source: Arc<Source>,
    /// The whole document.
    pub span: Span,
    pub version: Option<Spanned<Version>>,
    pub id: Option<Spanned<String>>,
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

    pub fn location(&self, span: Span) -> Location {
        self.source.location(span)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Effect {
    Allow,
    Deny,
}

impl Effect {
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
    pub sid: Option<Spanned<String>>,
    pub effect: Spanned<Effect>,
    pub principal: Option<PrincipalBlock>,
    pub action: ActionBlock,
    /// Absent only in trust policies (1.21).
    pub resource: Option<ResourceBlock>,
    /// Every entry must hold (AND, 3.1). Empty means no condition.
    pub conditions: Vec<Condition>,
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

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ActionKind {
    Action,
    NotAction,
}

#[derive(Clone, Debug)]
pub struct ActionBlock {
    pub kind: ActionKind,
    /// The span of the element name (`"Action"`).
    pub key_span: Span,
    pub patterns: Vec<ActionPattern>,
}

#[derive(Clone, Debug)]
pub struct ActionPattern {
    pub text: String,
    pub span: Span,
    pub matcher: ActionMatcher,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResourceKind {
    Resource,
    NotResource,
}

#[derive(Clone, Debug)]
pub struct ResourceBlock {
    pub kind: ResourceKind,
    pub key_span: Span,
    pub patterns: Vec<ResourcePattern>,
}

#[derive(Clone, Debug)]
pub struct ResourcePattern {
    pub text: String,
    pub span: Span,
    pub matcher: ResourceMatcher,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PrincipalKind {
    Principal,
    NotPrincipal,
}

#[derive(Clone, Debug)]
pub struct PrincipalBlock {
    pub kind: PrincipalKind,
    pub key_span: Span,
    /// Every value named, across the `AWS`, `Service`, `Federated` and `CanonicalUser` keys
    /// (OR-ed, 1.11). `"Principal": "*"` is one `Aws` entry holding [`AwsPrincipal::Everyone`].
    pub entries: Vec<PrincipalEntry>,
}

#[derive(Clone, Debug)]
pub struct PrincipalEntry {
    pub text: String,
    pub span: Span,
    pub value: PrincipalValue,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PrincipalValue {
    Aws(AwsPrincipal),
    /// `"Service": "ec2.amazonaws.com"`, compared exactly (2.19).
    Service(String),
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
    Account { partition: String, account: String },
    User {
        partition: String,
        account: String,
        /// `/` or `/path/`.
        path: String,
        name: String,
    },
    Role {
        partition: String,
        account: String,
        path: String,
        name: String,
    },
    AssumedRole {
        partition: String,
        account: String,
        role_name: String,
        session_name: String,
    },
    FederatedUser {
        partition: String,
        account: String,
        name: String,
    },
    /// `AIDA…` (user) or `AROA…` (role) unique id (2.15).
    UniqueId(String),
}

/// One key under one operator: `"StringEquals": {"aws:SourceVpce": ["vpce-1", "vpce-2"]}`.
#[derive(Clone, Debug)]
pub struct Condition {
    pub operator: Spanned<ConditionOperator>,
    /// The key as written (keys compare case-insensitively, 3.6).
    pub key: Spanned<String>,
    /// The policy values, OR-ed for positive operators and AND-ed for negated ones (3.2).
    pub values: Vec<ConditionValue>,
}
