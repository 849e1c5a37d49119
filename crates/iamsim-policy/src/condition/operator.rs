//! Operator names: the closed set of 3.8–3.14 plus `Null`, with `IfExists` and set prefixes, read
//! exactly as AWS spells them (1.25).

use super::{ConditionOperator, OperatorBase, OperatorError, SetOperator};

/// The operator families of section 3.B; they decide how policy values are read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Family {
    /// `String...` operators (3.8).
    String,
    /// `Numeric...` operators (3.9).
    Numeric,
    /// `Date...` operators (3.10).
    Date,
    /// `Bool` (3.11).
    Bool,
    /// `BinaryEquals` (3.12).
    Binary,
    /// `IpAddress` and `NotIpAddress` (3.13).
    Ip,
    /// `Arn...` operators (3.14).
    Arn,
    /// `Null` (3.5).
    Null,
}

impl OperatorBase {
    /// Every base operator, in the order of section 3.B, `Null` last.
    pub const ALL: &'static [OperatorBase] = &[
        OperatorBase::StringEquals,
        OperatorBase::StringNotEquals,
        OperatorBase::StringEqualsIgnoreCase,
        OperatorBase::StringNotEqualsIgnoreCase,
        OperatorBase::StringLike,
        OperatorBase::StringNotLike,
        OperatorBase::NumericEquals,
        OperatorBase::NumericNotEquals,
        OperatorBase::NumericLessThan,
        OperatorBase::NumericLessThanEquals,
        OperatorBase::NumericGreaterThan,
        OperatorBase::NumericGreaterThanEquals,
        OperatorBase::DateEquals,
        OperatorBase::DateNotEquals,
        OperatorBase::DateLessThan,
        OperatorBase::DateLessThanEquals,
        OperatorBase::DateGreaterThan,
        OperatorBase::DateGreaterThanEquals,
        OperatorBase::Bool,
        OperatorBase::BinaryEquals,
        OperatorBase::IpAddress,
        OperatorBase::NotIpAddress,
        OperatorBase::ArnEquals,
        OperatorBase::ArnLike,
        OperatorBase::ArnNotEquals,
        OperatorBase::ArnNotLike,
        OperatorBase::Null,
    ];

    /// The name as AWS writes it.
    pub fn name(self) -> &'static str {
        match self {
            OperatorBase::StringEquals => "StringEquals",
            OperatorBase::StringNotEquals => "StringNotEquals",
            OperatorBase::StringEqualsIgnoreCase => "StringEqualsIgnoreCase",
            OperatorBase::StringNotEqualsIgnoreCase => "StringNotEqualsIgnoreCase",
            OperatorBase::StringLike => "StringLike",
            OperatorBase::StringNotLike => "StringNotLike",
            OperatorBase::NumericEquals => "NumericEquals",
            OperatorBase::NumericNotEquals => "NumericNotEquals",
            OperatorBase::NumericLessThan => "NumericLessThan",
            OperatorBase::NumericLessThanEquals => "NumericLessThanEquals",
            OperatorBase::NumericGreaterThan => "NumericGreaterThan",
            OperatorBase::NumericGreaterThanEquals => "NumericGreaterThanEquals",
            OperatorBase::DateEquals => "DateEquals",
            OperatorBase::DateNotEquals => "DateNotEquals",
            OperatorBase::DateLessThan => "DateLessThan",
            OperatorBase::DateLessThanEquals => "DateLessThanEquals",
            OperatorBase::DateGreaterThan => "DateGreaterThan",
            OperatorBase::DateGreaterThanEquals => "DateGreaterThanEquals",
            OperatorBase::Bool => "Bool",
            OperatorBase::BinaryEquals => "BinaryEquals",
            OperatorBase::IpAddress => "IpAddress",
            OperatorBase::NotIpAddress => "NotIpAddress",
            OperatorBase::ArnEquals => "ArnEquals",
            OperatorBase::ArnLike => "ArnLike",
            OperatorBase::ArnNotEquals => "ArnNotEquals",
            OperatorBase::ArnNotLike => "ArnNotLike",
            OperatorBase::Null => "Null",
        }
    }

    /// Reads a base name, exact spelling only.
    pub fn parse(name: &str) -> Option<OperatorBase> {
        OperatorBase::ALL.iter().copied().find(|b| b.name() == name)
    }

    /// The family of the operator, which decides how its policy values are read.
    pub fn family(self) -> Family {
        use OperatorBase as B;
        match self {
            B::StringEquals
            | B::StringNotEquals
            | B::StringEqualsIgnoreCase
            | B::StringNotEqualsIgnoreCase
            | B::StringLike
            | B::StringNotLike => Family::String,
            B::NumericEquals
            | B::NumericNotEquals
            | B::NumericLessThan
            | B::NumericLessThanEquals
            | B::NumericGreaterThan
            | B::NumericGreaterThanEquals => Family::Numeric,
            B::DateEquals
            | B::DateNotEquals
            | B::DateLessThan
            | B::DateLessThanEquals
            | B::DateGreaterThan
            | B::DateGreaterThanEquals => Family::Date,
            B::Bool => Family::Bool,
            B::BinaryEquals => Family::Binary,
            B::IpAddress | B::NotIpAddress => Family::Ip,
            B::ArnEquals | B::ArnLike | B::ArnNotEquals | B::ArnNotLike => Family::Arn,
            B::Null => Family::Null,
        }
    }

    /// The negated operators of 3.2: true only when the request value matches none of the policy
    /// values, and true when the key is missing (3.3).
    pub fn is_negated(self) -> bool {
        use OperatorBase as B;
        matches!(
            self,
            B::StringNotEquals
                | B::StringNotEqualsIgnoreCase
                | B::StringNotLike
                | B::NumericNotEquals
                | B::DateNotEquals
                | B::NotIpAddress
                | B::ArnNotEquals
                | B::ArnNotLike
        )
    }

    /// Whether `${...}` in a policy value is a policy variable (2.21; `Bool` is dual-read).
    pub fn allows_variables(self) -> bool {
        matches!(self.family(), Family::String | Family::Arn | Family::Bool)
    }
}

const FOR_ALL: &str = "ForAllValues:";
const FOR_ANY: &str = "ForAnyValue:";
const IF_EXISTS: &str = "IfExists";

impl SetOperator {
    /// The prefix as written, without its colon.
    pub fn name(self) -> &'static str {
        match self {
            SetOperator::ForAllValues => "ForAllValues",
            SetOperator::ForAnyValue => "ForAnyValue",
        }
    }
}

impl ConditionOperator {
    /// A plain operator: no `IfExists`, no set prefix.
    pub const fn plain(base: OperatorBase) -> ConditionOperator {
        ConditionOperator {
            base,
            if_exists: false,
            set: None,
        }
    }

    /// Reads an operator name exactly as documented (1.25): `ForAnyValue:StringLikeIfExists`.
    pub fn parse(name: &str) -> Result<ConditionOperator, OperatorError> {
        match read_name(name) {
            Some(op) if op.is_valid() => Ok(op),
            Some(op) => Err(OperatorError {
                message: format!("`{name}`: `Null` takes neither a set prefix nor `IfExists`"),
                suggestion: Some(op.base.name().to_string()),
            }),
            None => Err(OperatorError {
                message: format!("unknown condition operator `{name}`"),
                suggestion: suggest(name),
            }),
        }
    }

    /// `Null` is the one base that takes no modifiers (3.4, 3.5; no documented set form).
    fn is_valid(&self) -> bool {
        self.base != OperatorBase::Null || (!self.if_exists && self.set.is_none())
    }

    /// The operator's name as AWS writes it.
    pub fn name(&self) -> String {
        let prefix = match self.set {
            Some(SetOperator::ForAllValues) => FOR_ALL,
            Some(SetOperator::ForAnyValue) => FOR_ANY,
            None => "",
        };
        let suffix = if self.if_exists { IF_EXISTS } else { "" };
        format!("{prefix}{}{suffix}", self.base.name())
    }

    /// Whether this operator is one of the negated ones of 3.2.
    pub fn is_negated(&self) -> bool {
        self.base.is_negated()
    }

    /// Every valid operator: 26 bases × {plain, `IfExists`} × {none, `ForAllValues:`,
    /// `ForAnyValue:`}, plus `Null`.
    pub fn all() -> impl Iterator<Item = ConditionOperator> {
        let sets = [
            None,
            Some(SetOperator::ForAllValues),
            Some(SetOperator::ForAnyValue),
        ];
        sets.into_iter()
            .flat_map(|set| {
                OperatorBase::ALL.iter().flat_map(move |&base| {
                    [false, true]
                        .into_iter()
                        .map(move |if_exists| ConditionOperator {
                            base,
                            if_exists,
                            set,
                        })
                })
            })
            .filter(ConditionOperator::is_valid)
    }
}

impl std::fmt::Display for ConditionOperator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.name())
    }
}

/// Splits prefix, base and suffix, exact spelling; `Null` modifiers are left for the caller to
/// reject with a pointed message.
fn read_name(name: &str) -> Option<ConditionOperator> {
    let (set, rest) = if let Some(rest) = name.strip_prefix(FOR_ALL) {
        (Some(SetOperator::ForAllValues), rest)
    } else if let Some(rest) = name.strip_prefix(FOR_ANY) {
        (Some(SetOperator::ForAnyValue), rest)
    } else {
        (None, name)
    };
    let (if_exists, base) = match rest.strip_suffix(IF_EXISTS) {
        Some(base) => (true, base),
        None => (false, rest),
    };
    Some(ConditionOperator {
        base: OperatorBase::parse(base)?,
        if_exists,
        set,
    })
}

/// The closest valid name: a case-insensitive equal, else the nearest by edit distance when the
/// distance is small against the length of what was typed.
fn suggest(name: &str) -> Option<String> {
    let typed = name.to_lowercase();
    // `min_by_key` keeps the first of equals: plain names come before prefixed ones.
    let (distance, candidate) = ConditionOperator::all()
        .map(|op| {
            let candidate = op.name();
            (
                crate::suggest::edit_distance(&typed, &candidate.to_lowercase()),
                candidate,
            )
        })
        .min_by_key(|(distance, _)| *distance)?;
    let typed_len = typed.chars().count();
    // Close enough: at most one edit per two characters typed.
    (distance * 2 <= typed_len).then_some(candidate)
}
