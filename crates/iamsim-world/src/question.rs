//! Checks of a question against the embedded AWS service catalog (formats.md 5 and 6): the action
//! of a request must exist, context keys must be keys AWS has, and each value must be of its
//! key's type. One place for every command (`can`, `test`, `who-can`, `check`) and for the tests
//! file reader, which reports a problem at its file:line:column.

use crate::context::is_absent;
use iamsim_catalog::request_keys::ALWAYS_PRESENT;
use iamsim_catalog::{catalog, ValueType};
use iamsim_policy::condition::{parse_value, ConditionOperator, OperatorBase};
use iamsim_policy::{Code, Context, ContextValue};
use std::fmt;

/// Which checks only warn: for services, actions and keys newer than the catalog.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Leniency {
    /// `--allow-unknown-actions`
    pub unknown_actions: bool,
    /// `--allow-unknown-keys`
    pub unknown_keys: bool,
}

/// One problem with a question.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// The diagnostic code of the problem (`UNKNOWN_ACTION`, say).
    pub code: Code,
    /// What is wrong with the question.
    pub message: String,
    /// What to do instead: a did-you-mean, or the form the value takes.
    pub help: Option<String>,
    /// Only a warning under the leniency the question was checked with.
    pub warning: bool,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = if self.warning { "warning" } else { "error" };
        write!(f, "{level}[{}]: {}", self.code.as_str(), self.message)?;
        if let Some(h) = &self.help {
            write!(f, "\n  help: {h}")?;
        }
        Ok(())
    }
}

/// Checks a question: its action (when it has one) and its context. Every problem is listed,
/// errors and warnings alike; a question with an error must not be answered.
pub fn check_question(action: Option<&str>, context: &Context, leniency: Leniency) -> Vec<Problem> {
    let mut out: Vec<Problem> = action
        .and_then(|a| check_action(a, leniency))
        .into_iter()
        .collect();
    for (k, v) in context.iter() {
        out.extend(check_context_entry(k, v, leniency));
    }
    out
}

/// The action of a request: one that exists in the catalog (formats.md 6).
pub fn check_action(action: &str, leniency: Leniency) -> Option<Problem> {
    let cat = catalog();
    if cat.action(action).is_some() {
        return None;
    }
    let (prefix, name) = action.split_once(':').unwrap_or((action, ""));
    let (message, guess) = match cat.service(prefix) {
        Some(svc) => {
            let names: Vec<&str> = svc.actions().iter().map(|a| a.name).collect();
            (
                format!(
                    "`{action}` is not an action of {} (`{}`) in the catalog",
                    svc.name, svc.prefix
                ),
                near(name, &names).map(|g| format!("{}:{g}", svc.prefix)),
            )
        }
        None => {
            let prefixes: Vec<&str> = cat.prefixes().collect();
            (
                format!(
                    "`{prefix}` in `{action}` is not the prefix of any AWS service in the catalog"
                ),
                near(prefix, &prefixes).map(|g| format!("{g}:{name}")),
            )
        }
    };
    Some(Problem {
        code: Code::UnknownRequestAction,
        message,
        help: Some(match guess {
            Some(g) => format!("did you mean `{g}`?"),
            None => "for an action newer than the catalog, pass --allow-unknown-actions".into(),
        }),
        warning: leniency.unknown_actions,
    })
}

/// One context entry: a key AWS has, and a value of its type; `null` (absent) only for a key AWS
/// may leave out (formats.md 5).
pub fn check_context_entry(key: &str, value: &ContextValue, leniency: Leniency) -> Option<Problem> {
    if is_absent(value) {
        // aws:SourceIp is absent from a call through a VPC endpoint (3.21).
        return ALWAYS_PRESENT
            .iter()
            .filter(|k| **k != "aws:SourceIp")
            .any(|k| k.eq_ignore_ascii_case(key))
            .then(|| Problem {
                code: Code::InvalidContextValue,
                message: format!("`{key}` cannot be null: AWS puts it in every request"),
                help: Some(format!(
                    "give a value, or leave `{key}` out to have the answer hold for every value"
                )),
                warning: false,
            });
    }
    // A claim of an identity provider's token (`HOST:sub`, `SAML:aud`): not in the catalog, any
    // string (10.3).
    if iamsim_policy::federation::is_provider_key(key) {
        return None;
    }
    let cat = catalog();
    let Some(known) = cat.condition_key(key) else {
        return unknown_key(key, leniency);
    };
    let ty = known.ty.value;
    let bad = value.values().find(|v| !of_type(ty, v))?;
    Some(Problem {
        code: Code::InvalidContextValue,
        message: format!("`{bad}` is not a value of `{key}` ({})", known.ty.name()),
        help: Some(
            match ty {
                ValueType::Bool => "write true or false",
                ValueType::IpAddress => "write an IPv4 or IPv6 address, such as 203.0.113.7",
                ValueType::Date => {
                    "write an ISO 8601 date such as 2026-12-02T10:00:00Z, or epoch seconds"
                }
                _ => "write a number",
            }
            .into(),
        ),
        warning: false,
    })
}

/// A key the catalog does not have: an error for an `aws:` key or a key of a service the catalog
/// knows (a typo), with the near miss.
fn unknown_key(key: &str, leniency: Leniency) -> Option<Problem> {
    let cat = catalog();
    let prefix = iamsim_catalog::key_prefix(key);
    let candidates: Vec<&str> = if prefix.eq_ignore_ascii_case("aws") {
        cat.global_keys().iter().map(|k| k.name).collect()
    } else {
        let services = cat.key_services(prefix);
        if services.is_empty() {
            // A prefix of no service in the catalog (a federation provider's keys, a service
            // newer than the catalog): nothing to compare it with.
            return None;
        }
        services
            .iter()
            .flat_map(|s| s.condition_keys().iter().map(|k| k.name))
            .collect()
    };
    // Compare without the placeholder of tag keys (`aws:PrincipalTag/${TagKey}`).
    let bare: Vec<&str> = candidates
        .iter()
        .map(|c| c.split_once("/$").map_or(*c, |(head, _)| head))
        .collect();
    let word = key.split_once('/').map_or(key, |(head, _)| head);
    let guess = near(word, &bare);
    Some(Problem {
        code: Code::UnknownContextKey,
        message: format!("`{key}` is not a condition key of the catalog"),
        help: Some(match guess {
            Some(g) => format!("did you mean `{g}`?"),
            None => "for a key newer than the catalog, pass --allow-unknown-keys".into(),
        }),
        warning: leniency.unknown_keys,
    })
}

/// Whether `text` is a value of a key of type `ty`, read as conditions read it.
fn of_type(ty: ValueType, text: &str) -> bool {
    let parses = |base: OperatorBase| {
        let op = ConditionOperator {
            base,
            if_exists: false,
            set: None,
        };
        parse_value(&op, text, false).is_ok()
    };
    match ty {
        ValueType::Bool => text.eq_ignore_ascii_case("true") || text.eq_ignore_ascii_case("false"),
        // A request comes from one address, not a range.
        ValueType::IpAddress => !text.contains('/') && parses(OperatorBase::IpAddress),
        ValueType::Date => parses(OperatorBase::DateEquals),
        ValueType::Numeric => parses(OperatorBase::NumericEquals),
        _ => true,
    }
}

/// The candidate nearest to `word` (any case), within a third of its length in edits (1 to 3).
fn near<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let limit = (word.len() / 3).clamp(1, 3);
    if word.len() > 80 {
        return None;
    }
    iamsim_policy::suggest::closest(word, candidates, |d, _| d <= limit)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(key: &str, value: &str) -> Context {
        let mut c = Context::new();
        c.set(key, value);
        c
    }

    #[test]
    fn a_misspelt_action_is_an_error_with_the_near_miss() {
        let p = check_action("s3:GetObjcet", Leniency::default()).unwrap();
        assert_eq!(p.code, Code::UnknownRequestAction);
        assert_eq!(p.help.as_deref(), Some("did you mean `s3:GetObject`?"));
        assert!(!p.warning);
        let p = check_action("s4:GetObject", Leniency::default()).unwrap();
        assert_eq!(p.help.as_deref(), Some("did you mean `s3:GetObject`?"));
        assert!(check_action("s3:GetObject", Leniency::default()).is_none());
        assert!(check_action("S3:getobject", Leniency::default()).is_none());
        let lenient = Leniency {
            unknown_actions: true,
            ..Leniency::default()
        };
        assert!(check_action("s3:BrandNewThing", lenient).unwrap().warning);
    }

    #[test]
    fn context_keys_and_values_are_checked() {
        let l = Leniency::default();
        let typo = check_question(None, &ctx("aws:SecureTransprot", "false"), l);
        assert_eq!(typo.len(), 1);
        assert_eq!(typo[0].code, Code::UnknownContextKey);
        assert_eq!(
            typo[0].help.as_deref(),
            Some("did you mean `aws:SecureTransport`?")
        );
        for (k, v) in [
            ("aws:SecureTransport", "maybe"),
            ("aws:SourceIp", "999.1.1.1"),
            ("aws:SourceIp", "10.0.0.0/8"),
            ("aws:CurrentTime", "yesterday"),
            ("aws:EpochTime", "soon"),
        ] {
            let p = check_question(None, &ctx(k, v), l);
            assert_eq!(p.len(), 1, "{k}={v}");
            assert_eq!(p[0].code, Code::InvalidContextValue, "{k}={v}");
        }
        for (k, v) in [
            ("aws:SecureTransport", "TRUE"),
            ("aws:SourceIp", "203.0.113.7"),
            ("aws:SourceIp", "2001:db8::1"),
            ("aws:CurrentTime", "2026-12-02T10:00:00Z"),
            ("aws:EpochTime", "1764669600"),
            ("aws:RequestedRegion", "eu-west-1"),
            ("aws:PrincipalTag/team", "blue"),
            ("s3:prefix", "home/"),
            ("accounts.google.com:aud", "x"),
        ] {
            assert!(check_question(None, &ctx(k, v), l).is_empty(), "{k}={v}");
        }
        let lenient = Leniency {
            unknown_keys: true,
            ..Leniency::default()
        };
        assert!(check_question(None, &ctx("aws:SecureTransprot", "false"), lenient)[0].warning);
    }

    #[test]
    fn null_is_refused_only_for_keys_aws_never_omits() {
        let l = Leniency::default();
        let mut c = Context::new();
        c.insert("aws:SourceIp", crate::context::absent());
        c.insert("aws:MultiFactorAuthPresent", crate::context::absent());
        assert!(check_question(None, &c, l).is_empty());
        for k in [
            "aws:CurrentTime",
            "aws:SecureTransport",
            "aws:RequestedRegion",
        ] {
            let mut c = Context::new();
            c.insert(k, crate::context::absent());
            let p = check_question(None, &c, l);
            assert_eq!(p[0].code, Code::InvalidContextValue, "{k}");
        }
    }
}
