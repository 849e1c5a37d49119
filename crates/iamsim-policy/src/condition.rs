//! Condition operators (iam-semantics.md section 3): names, value parsing, evaluation.
//! STUB: interface only; the implementation replaces this body.

use crate::context::ContextLookup;
use crate::diagnostic::Code;
use crate::model::Condition;
use crate::span::Span;
use crate::truth::Truth;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OperatorBase {
    StringEquals,
    StringNotEquals,
    StringEqualsIgnoreCase,
    StringNotEqualsIgnoreCase,
    StringLike,
    StringNotLike,
    NumericEquals,
    NumericNotEquals,
    NumericLessThan,
    NumericLessThanEquals,
    NumericGreaterThan,
    NumericGreaterThanEquals,
    DateEquals,
    DateNotEquals,
    DateLessThan,
    DateLessThanEquals,
    DateGreaterThan,
    DateGreaterThanEquals,
    Bool,
    BinaryEquals,
    IpAddress,
    NotIpAddress,
    ArnEquals,
    ArnLike,
    ArnNotEquals,
    ArnNotLike,
    Null,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SetOperator {
    ForAllValues,
    ForAnyValue,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ConditionOperator {
    pub base: OperatorBase,
    pub if_exists: bool,
    pub set: Option<SetOperator>,
}

/// An operator name that is not one AWS knows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OperatorError {
    pub message: String,
    /// The closest valid name, for "did you mean".
    pub suggestion: Option<String>,
}

impl ConditionOperator {
    /// Reads an operator name exactly as documented (1.25): `ForAnyValue:StringLikeIfExists`.
    pub fn parse(name: &str) -> Result<ConditionOperator, OperatorError> {
        Err(OperatorError {
            message: format!("unknown condition operator `{name}`"),
            suggestion: None,
        })
    }

    /// The operator's name as AWS writes it.
    pub fn name(&self) -> String {
        format!("{:?}", self.base)
    }
}

/// A policy value of a condition, read for its operator.
#[derive(Clone, Debug)]
pub struct ConditionValue {
    /// The value in string form (JSON numbers and booleans normalised, 1.4).
    pub text: String,
    pub span: Span,
    pub parsed: ParsedValue,
}

/// Pre-parsed policy values (CIDRs, dates, numbers) so evaluation does not re-read text.
#[derive(Clone, Debug)]
pub enum ParsedValue {
    Text(String),
}

/// Why a policy value cannot be read for its operator.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValueError {
    pub code: Code,
    pub message: String,
    pub help: Option<String>,
}

/// Reads one policy value for `op`. `variables`: whether the policy has Version 2012-10-17.
pub fn parse_value(
    op: &ConditionOperator,
    text: &str,
    variables: bool,
) -> Result<ParsedValue, ValueError> {
    let _ = (op, variables);
    Ok(ParsedValue::Text(text.to_string()))
}

/// Evaluates one condition entry against the request context.
pub fn evaluate(condition: &Condition, ctx: &dyn ContextLookup) -> Truth {
    let _ = (condition, ctx);
    Truth::False
}
