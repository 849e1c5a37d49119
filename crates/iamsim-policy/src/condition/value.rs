//! Policy values read for their operator, and the comparison of one request value with them.

use super::arn_pattern::ArnPattern;
use super::binary::decode_base64;
use super::date::{parse_date, DateCmp, DateValue};
use super::ip::{parse_ip_net, IpNet};
use super::number::{parse_decimal, Decimal};
use super::operator::Family;
use super::{ConditionOperator, ConditionValue, OperatorBase};
use crate::context::{ContextLookup, ContextValue};
use crate::diagnostic::Code;
use crate::glob::Glob;
use crate::truth::Truth;
use crate::variables::{Piece, Rendered, Template, TemplateMode};
use std::cmp::Ordering;
use std::net::IpAddr;

/// Pre-parsed policy values (CIDRs, dates, numbers, compiled patterns) so evaluation does not
/// re-read text.
#[derive(Clone, Debug)]
pub enum ParsedValue {
    /// Not read for the operator (a placeholder, or a value [`parse_value`] refused). Evaluates as
    /// indeterminate, never as a silent no-match (0.3).
    Text(String),
    /// `StringEquals`/`StringNotEquals`/`...IgnoreCase` text without policy variables.
    String(String),
    /// A `StringLike`/`StringNotLike` pattern without policy variables.
    Glob(Glob),
    /// A String, ARN or `Bool` value holding policy variables; substituted per request (2.22).
    Template(Template),
    /// A `Numeric...` value, an integer or decimal (3.9).
    Number(Decimal),
    /// A `Date...` value, ISO 8601 or epoch seconds (3.10).
    Date(DateValue),
    /// A `Bool` value (3.11).
    Bool(BoolValue),
    /// The base64-decoded bytes of a `BinaryEquals` value.
    Binary(Vec<u8>),
    /// An `IpAddress`/`NotIpAddress` CIDR block (3.13).
    Ip(IpNet),
    /// An `Arn...` pattern without policy variables (3.14).
    Arn(ArnPattern),
    /// `Null`: `true` = the key must be absent.
    Null(bool),
}

/// A `Bool` value. `literal` is the text as written: `True` is read both case-sensitively (not a
/// boolean, so it matches nothing but `True`) and case-insensitively (3.11).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BoolValue {
    /// The value read ignoring case.
    pub value: bool,
    /// The value as written.
    pub literal: String,
}

impl BoolValue {
    /// Whether `literal` is exactly `true` or `false`.
    pub fn is_exact(&self) -> bool {
        self.literal == "true" || self.literal == "false"
    }
}

/// Why a policy value cannot be read for its operator.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValueError {
    /// The diagnostic code the value is reported under.
    pub code: Code,
    /// What is wrong with the value.
    pub message: String,
    /// How to write the value instead, when there is a fix.
    pub help: Option<String>,
}

fn error(code: Code, message: String, help: &str) -> ValueError {
    ValueError {
        code,
        message,
        help: Some(help.to_string()),
    }
}

/// Reads one policy value for `op`. `variables`: whether the policy has Version 2012-10-17 (1.7).
///
/// Policy variables are read in String and ARN values, and in `Bool` values (dual reading, 2.21).
/// Elsewhere `${...}` is literal text and so not a valid number, date, address or base64.
pub fn parse_value(
    op: &ConditionOperator,
    text: &str,
    variables: bool,
) -> Result<ParsedValue, ValueError> {
    let base = op.base;
    let family = base.family();
    let invalid = |code: Code, what: &str, help: &str| -> ValueError {
        let help = if variables && text.contains("${") {
            format!(
                "policy variables are not allowed with `{}` (2.21)",
                base.name()
            )
        } else {
            help.to_string()
        };
        error(
            code,
            format!("`{text}` is not {what} for `{}`", op.name()),
            &help,
        )
    };
    match family {
        Family::String | Family::Arn | Family::Bool => {
            let like = matches!(base, OperatorBase::StringLike | OperatorBase::StringNotLike);
            let mode = TemplateMode {
                variables,
                wildcards: like || family == Family::Arn,
            };
            let template = Template::parse(text, mode).map_err(|e| {
                error(
                    Code::InvalidPolicyVariable,
                    e.message,
                    "write a policy variable as `${aws:username}` or `${aws:PrincipalTag/team, 'default'}`",
                )
            })?;
            if template.has_variables() {
                return Ok(ParsedValue::Template(template));
            }
            Ok(match family {
                Family::Arn => ParsedValue::Arn(ArnPattern::new(template.pieces())),
                _ if like => ParsedValue::Glob(Glob::new(template.pieces(), false)),
                _ => {
                    let literal = template.as_literal().unwrap_or_default();
                    if family == Family::Bool {
                        let value = read_bool(&literal).ok_or_else(|| {
                            invalid(
                                Code::InvalidConditionValue,
                                "a boolean",
                                "use `true` or `false`",
                            )
                        })?;
                        ParsedValue::Bool(BoolValue { value, literal })
                    } else {
                        ParsedValue::String(literal)
                    }
                }
            })
        }
        Family::Numeric => parse_decimal(text)
            .map(|d| ParsedValue::Number(d.to_decimal()))
            .ok_or_else(|| {
                invalid(
                    Code::InvalidConditionValue,
                    "a number",
                    "write an integer or a decimal, such as `10` or `2.5`",
                )
            }),
        Family::Date => parse_date(text).map(ParsedValue::Date).ok_or_else(|| {
            invalid(
                Code::InvalidDate,
                "a date",
                "write an ISO 8601 date such as `2020-01-01T00:00:00Z`, or epoch seconds",
            )
        }),
        Family::Binary => decode_base64(text).map(ParsedValue::Binary).ok_or_else(|| {
            invalid(
                Code::InvalidConditionValue,
                "base64",
                "write the binary value base64-encoded, such as `SGVsbG8=`",
            )
        }),
        Family::Ip => parse_ip_net(text).map(ParsedValue::Ip).ok_or_else(|| {
            invalid(
                Code::InvalidIpAddress,
                "an IP address or CIDR block",
                "write an address or block such as `203.0.113.0/24` or `2001:db8::/32`",
            )
        }),
        Family::Null => match text {
            "true" => Ok(ParsedValue::Null(true)),
            "false" => Ok(ParsedValue::Null(false)),
            _ => Err(invalid(
                Code::InvalidConditionValue,
                "a boolean",
                "use `true` (the key is absent) or `false` (the key is present)",
            )),
        },
    }
}

/// `true`/`false` in any case (the exact case is checked at evaluation, 3.11).
fn read_bool(text: &str) -> Option<bool> {
    if text.eq_ignore_ascii_case("true") {
        Some(true)
    } else if text.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// `Null` (3.5): tests presence. An empty value (`""`, `[]`) is read both as present and absent.
pub(super) fn null(values: &[ConditionValue], request: Option<&ContextValue>) -> Truth {
    let (absent, absent_if_empty_is_null) = match request {
        None => (true, true),
        Some(ContextValue::Single(s)) => (false, s.is_empty()),
        Some(ContextValue::Multi(v)) => (false, v.is_empty()),
    };
    any(values, |parsed| match parsed {
        ParsedValue::Null(want) => {
            Truth::from_readings(*want == absent, *want == absent_if_empty_is_null)
        }
        _ => Truth::Unknown,
    })
}

/// OR over the policy values, stopping at the first certain match.
fn any(values: &[ConditionValue], mut test: impl FnMut(&ParsedValue) -> Truth) -> Truth {
    let mut result = Truth::False;
    for v in values {
        result = result.or(test(&v.parsed));
        if result == Truth::True {
            break;
        }
    }
    result
}

/// One request value against the policy values (3.2): OR for positive operators, "matches none"
/// for negated ones.
pub(super) fn one(
    base: OperatorBase,
    values: &[ConditionValue],
    request: &str,
    ctx: &dyn ContextLookup,
) -> Truth {
    let matched = any(values, |parsed| positive(base, parsed, request, ctx));
    if base.is_negated() {
        matched.not()
    } else {
        matched
    }
}

/// Whether `request` matches one policy value under the positive form of `base` (a negated
/// operator's match is the positive one's, negated by the caller).
fn positive(
    base: OperatorBase,
    parsed: &ParsedValue,
    request: &str,
    ctx: &dyn ContextLookup,
) -> Truth {
    use OperatorBase as B;
    match (base, parsed) {
        (B::StringEquals | B::StringNotEquals, ParsedValue::String(s)) => {
            Truth::from_bool(s == request)
        }
        (B::StringEqualsIgnoreCase | B::StringNotEqualsIgnoreCase, ParsedValue::String(s)) => {
            ignore_case_eq(s, request)
        }
        (B::StringLike | B::StringNotLike, ParsedValue::Glob(g)) => {
            Truth::from_bool(g.matches(request))
        }
        (_, ParsedValue::Template(t)) => with_variables(base, t, request, ctx),
        (_, ParsedValue::Number(policy)) if base.family() == Family::Numeric => {
            // A request value that is not a number: indeterminate (3.9).
            parse_decimal(request).map_or(Truth::Unknown, |r| {
                let ord = r.cmp_decimal(policy);
                Truth::from_bool(match base {
                    B::NumericLessThan => ord == Ordering::Less,
                    B::NumericLessThanEquals => ord != Ordering::Greater,
                    B::NumericGreaterThan => ord == Ordering::Greater,
                    B::NumericGreaterThanEquals => ord != Ordering::Less,
                    _ => ord == Ordering::Equal,
                })
            })
        }
        (_, ParsedValue::Date(policy)) if base.family() == Family::Date => {
            let cmp = match base {
                B::DateLessThan => DateCmp::LessThan,
                B::DateLessThanEquals => DateCmp::LessThanEquals,
                B::DateGreaterThan => DateCmp::GreaterThan,
                B::DateGreaterThanEquals => DateCmp::GreaterThanEquals,
                _ => DateCmp::Equals,
            };
            // Not a date: indeterminate, as for numbers.
            parse_date(request).map_or(Truth::Unknown, |r| DateValue::compare(r, cmp, *policy))
        }
        (B::Bool, ParsedValue::Bool(b)) => bool_match(&b.literal, request),
        (B::BinaryEquals, ParsedValue::Binary(bytes)) => {
            Truth::from_bool(request.as_bytes() == bytes.as_slice())
        }
        (B::IpAddress | B::NotIpAddress, ParsedValue::Ip(net)) => request
            .parse::<IpAddr>()
            .map_or(Truth::Unknown, |address| net.matches(address)),
        (_, ParsedValue::Arn(pattern)) if base.family() == Family::Arn => pattern.matches(request),
        // A value not read for this operator: fail closed.
        _ => Truth::Unknown,
    }
}

/// `Bool` (3.11): the policy literal compared case-sensitively and case-insensitively.
fn bool_match(literal: &str, request: &str) -> Truth {
    Truth::from_readings(literal == request, literal.eq_ignore_ascii_case(request))
}

/// `IgnoreCase` (3.8): per-character lower-casing, no normalisation. For non-ASCII text, case
/// folding of ASCII letters only and full per-character lower-casing are both plausible.
fn ignore_case_eq(policy: &str, request: &str) -> Truth {
    let ascii = policy.eq_ignore_ascii_case(request);
    if policy.is_ascii() && request.is_ascii() {
        return Truth::from_bool(ascii);
    }
    let unicode = policy
        .chars()
        .flat_map(char::to_lowercase)
        .eq(request.chars().flat_map(char::to_lowercase));
    Truth::from_readings(ascii, unicode)
}

/// Substitutes policy variables, then compares as the operator does (2.22, 2.23). A missing
/// variable makes this value's comparison false (so a negated operator counts it as unequal); a
/// multivalued one cannot be substituted (2.20) and is indeterminate.
fn with_variables(
    base: OperatorBase,
    template: &Template,
    request: &str,
    ctx: &dyn ContextLookup,
) -> Truth {
    use OperatorBase as B;
    let pieces = match template.render(ctx) {
        Rendered::Complete(pieces) => pieces,
        Rendered::Missing(_) => return Truth::False,
        Rendered::MultiValued(_) => return Truth::Unknown,
    };
    match base {
        B::StringEquals | B::StringNotEquals => Truth::from_bool(literal_text(&pieces) == request),
        B::StringEqualsIgnoreCase | B::StringNotEqualsIgnoreCase => {
            ignore_case_eq(&literal_text(&pieces), request)
        }
        B::StringLike | B::StringNotLike => {
            Truth::from_bool(Glob::new(&pieces, false).matches(request))
        }
        B::ArnEquals | B::ArnLike | B::ArnNotEquals | B::ArnNotLike => {
            ArnPattern::new(&pieces).matches(request)
        }
        B::Bool => {
            // Two readings (2.21): substituted, or literal text, which is no boolean and so
            // matches nothing.
            let substituted = bool_match(&literal_text(&pieces), request);
            substituted.and(Truth::Unknown)
        }
        _ => Truth::Unknown,
    }
}

/// The text of rendered pieces that hold only literals (modes without wildcards).
fn literal_text(pieces: &[Piece]) -> String {
    let mut out = String::new();
    for piece in pieces {
        match piece {
            Piece::Literal(s) => out.push_str(s),
            Piece::AnyRun => out.push('*'),
            Piece::AnyOne => out.push('?'),
            Piece::Variable(_) => {}
        }
    }
    out
}
