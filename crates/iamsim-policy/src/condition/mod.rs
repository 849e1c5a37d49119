//! Condition operators (docs/rules.md section 3): names, value parsing, evaluation.
//!
//! Operator names are read exactly as AWS spells them ([`ConditionOperator::parse`]). Policy
//! values are read once for their operator ([`parse_value`]) so that [`evaluate`] compares
//! pre-parsed numbers, instants, CIDR blocks and compiled patterns against the request context
//! without allocating (unless a value holds policy variables).
//!
//! Results are three-valued ([`Truth`]): where the semantics reference asks for a dual reading or
//! calls a case indeterminate, the result is `Unknown`, which an `Allow` treats as no match and a
//! `Deny` as a match.

mod arn_pattern;
mod binary;
mod date;
mod ip;
mod number;
mod operator;
mod value;

#[cfg(test)]
mod tests;

pub use arn_pattern::ArnPattern;
pub use date::{parse_date, DateValue};
pub use ip::{parse_ip_net, IpNet};
pub use number::Decimal;
pub use operator::Family;
pub use value::{parse_value, BoolValue, ParsedValue, ValueError};

use crate::context::{ContextLookup, ContextValue};
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

/// A policy value of a condition, read for its operator.
#[derive(Clone, Debug)]
pub struct ConditionValue {
    /// The value in string form (JSON numbers and booleans normalised, 1.4).
    pub text: String,
    pub span: Span,
    pub parsed: ParsedValue,
}

impl ConditionValue {
    /// Reads `text` for `op` ([`parse_value`]). `variables`: whether the policy has Version
    /// 2012-10-17.
    pub fn new(
        op: &ConditionOperator,
        text: &str,
        span: Span,
        variables: bool,
    ) -> Result<ConditionValue, ValueError> {
        Ok(ConditionValue {
            text: text.to_string(),
            span,
            parsed: parse_value(op, text, variables)?,
        })
    }
}

/// Evaluates one condition entry (one operator, one key, its values) against the request context.
///
/// * missing key: positive operators false, negated true (3.3); `IfExists` true (3.4);
/// * `Null` tests presence (3.5); an empty request value is read both as present and as absent;
/// * plain operators: OR over policy values, and "matches none" for negated ones (3.2); on a
///   multivalued request value they are indeterminate (3.20);
/// * `ForAnyValue`: some request value satisfies the operator (missing or empty: false);
///   `ForAllValues`: every one does (missing or empty: true); a single value is a one-element set
///   (3.16–3.19).
pub fn evaluate(condition: &Condition, ctx: &dyn ContextLookup) -> Truth {
    let op = condition.operator.value;
    let values = condition.values.as_slice();
    let request = lookup(ctx, &condition.key.value);
    if op.base == OperatorBase::Null {
        return value::null(values, request);
    }
    let Some(set) = op.set else {
        return match request {
            None => Truth::from_bool(op.if_exists || op.base.is_negated()),
            Some(ContextValue::Single(v)) => value::one(op.base, values, v, ctx),
            Some(ContextValue::Multi(_)) => Truth::Unknown,
        };
    };
    let Some(request) = request else {
        return Truth::from_bool(op.if_exists || set == SetOperator::ForAllValues);
    };
    let mut empty = true;
    let mut result = match set {
        SetOperator::ForAnyValue => Truth::False,
        SetOperator::ForAllValues => Truth::True,
    };
    for r in request.values() {
        empty = false;
        let t = value::one(op.base, values, r, ctx);
        result = match set {
            SetOperator::ForAnyValue => result.or(t),
            SetOperator::ForAllValues => result.and(t),
        };
        let settled = match set {
            SetOperator::ForAnyValue => Truth::True,
            SetOperator::ForAllValues => Truth::False,
        };
        if result == settled {
            break;
        }
    }
    if empty && op.if_exists {
        // An empty set is "null" (3.17): under `IfExists` it may count as missing (true) or as
        // present (the set operator's own answer). Docs silent, so both readings.
        return result.or(Truth::Unknown);
    }
    result
}

/// `ctx.get` with the key lower-cased into a stack buffer first: context maps store lower-cased
/// keys (3.6), and this spares them an allocation per lookup for keys like `aws:SourceIp`.
fn lookup<'c>(ctx: &'c dyn ContextLookup, key: &str) -> Option<&'c ContextValue> {
    let mut buf = [0u8; 128];
    if key.bytes().any(|b| b.is_ascii_uppercase()) {
        if let Some(dst) = buf.get_mut(..key.len()) {
            for (d, s) in dst.iter_mut().zip(key.bytes()) {
                *d = s.to_ascii_lowercase();
            }
            // Only ASCII bytes changed, so the text is still UTF-8.
            if let Ok(lower) = std::str::from_utf8(dst) {
                return ctx.get(lower);
            }
        }
    }
    ctx.get(key)
}
