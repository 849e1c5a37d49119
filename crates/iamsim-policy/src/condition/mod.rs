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

/// A condition operator without its set prefix and `IfExists` suffix: the closed set of
/// section 3.B plus `Null` (1.25).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OperatorBase {
    /// Exact, case-sensitive string equality (3.8).
    StringEquals,
    /// Negated [`OperatorBase::StringEquals`] (3.8).
    StringNotEquals,
    /// String equality ignoring case (3.8).
    StringEqualsIgnoreCase,
    /// Negated [`OperatorBase::StringEqualsIgnoreCase`] (3.8).
    StringNotEqualsIgnoreCase,
    /// Case-sensitive match with `*` and `?` wildcards (3.8).
    StringLike,
    /// Negated [`OperatorBase::StringLike`] (3.8).
    StringNotLike,
    /// Numeric equality of integers or decimals (3.9).
    NumericEquals,
    /// Negated [`OperatorBase::NumericEquals`] (3.9).
    NumericNotEquals,
    /// Request value below the policy value (3.9).
    NumericLessThan,
    /// Request value at most the policy value (3.9).
    NumericLessThanEquals,
    /// Request value above the policy value (3.9).
    NumericGreaterThan,
    /// Request value at least the policy value (3.9).
    NumericGreaterThanEquals,
    /// The same instant, ISO 8601 or epoch seconds (3.10).
    DateEquals,
    /// Negated [`OperatorBase::DateEquals`] (3.10).
    DateNotEquals,
    /// Request instant before the policy instant (3.10).
    DateLessThan,
    /// Request instant at or before the policy instant (3.10).
    DateLessThanEquals,
    /// Request instant after the policy instant (3.10).
    DateGreaterThan,
    /// Request instant at or after the policy instant (3.10).
    DateGreaterThanEquals,
    /// `true` or `false` (3.11).
    Bool,
    /// The request's bytes equal the base64-decoded policy value (3.12).
    BinaryEquals,
    /// The request address lies in one of the policy's CIDR blocks (3.13).
    IpAddress,
    /// Negated [`OperatorBase::IpAddress`] (3.13).
    NotIpAddress,
    /// ARN match part by part, wildcards allowed; the same as [`OperatorBase::ArnLike`] (3.14).
    ArnEquals,
    /// ARN match part by part, wildcards allowed (3.14).
    ArnLike,
    /// Negated [`OperatorBase::ArnEquals`]; the same as [`OperatorBase::ArnNotLike`] (3.14).
    ArnNotEquals,
    /// Negated [`OperatorBase::ArnLike`] (3.14).
    ArnNotLike,
    /// Whether the key is absent (`true`) or present (`false`) (3.5).
    Null,
}

/// A set prefix of an operator, for multivalued keys (section 3.C).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SetOperator {
    /// `ForAllValues:`: every request value satisfies the operator; true for an absent or empty
    /// key (3.17).
    ForAllValues,
    /// `ForAnyValue:`: at least one request value satisfies the operator; false for an absent or
    /// empty key (3.16).
    ForAnyValue,
}

/// A whole operator as written: `ForAnyValue:StringLikeIfExists` is the base `StringLike` with
/// the set prefix `ForAnyValue` and `IfExists`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ConditionOperator {
    /// The operator without prefix and suffix.
    pub base: OperatorBase,
    /// Whether the name ends in `IfExists`: then an absent key holds (3.4).
    pub if_exists: bool,
    /// The set prefix, if any.
    pub set: Option<SetOperator>,
}

/// An operator name that is not one AWS knows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OperatorError {
    /// What is wrong with the name, for the `UNKNOWN_OPERATOR` diagnostic.
    pub message: String,
    /// The closest valid name, for "did you mean".
    pub suggestion: Option<String>,
}

/// A policy value of a condition, read for its operator.
#[derive(Clone, Debug)]
pub struct ConditionValue {
    /// The value in string form (JSON numbers and booleans normalised, 1.4).
    pub text: String,
    /// Where the value was written.
    pub span: Span,
    /// The value read for the operator's family.
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
